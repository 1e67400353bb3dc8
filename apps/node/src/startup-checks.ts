/**
 * Start-up checks from Core's init.cpp that refuse to run the node: option values checked before
 * anything is opened (AppInitParameterInteraction), and the chainstate verification after it is
 * loaded (VerifyDB in LoadChainstate's verification step).
 */
import {
  DEFAULT_CHECKBLOCKS,
  DEFAULT_CHECKLEVEL,
  type ChainstateManager,
} from '@bitcoind-lite/chain';
import type { Logger } from '@bitcoind-lite/runtime';
import { CORRUPTED_BLOCK_DB, InitError } from './init-errors.js';
import { argBool, argNumber, type Args } from './node-args.js';

/** Option values Core refuses before opening anything. */
export function checkInitArgs(args: Args): void {
  if (argNumber(args, 'prune', 0) < 0) {
    throw new InitError('Prune cannot be configured with a negative value.');
  }
}

/**
 * Core's start-up VerifyDB: the last `checkblocks` blocks (default 6, 0 = all) at `checklevel`
 * (default 3: read, CheckBlock, undo data, disconnect against the coins). A block that cannot be
 * read counts as corruption, as Core's ReadBlockFromDisk failure does. Skipped right after a
 * reindex, as Core skips it when the databases were just rebuilt.
 */
export async function verifyChainAtStart(
  chainman: ChainstateManager,
  args: Args,
  logger: Logger,
): Promise<void> {
  if (argBool(args, 'reindex', false) || argBool(args, 'reindex-chainstate', false)) return;
  const tipHeight = chainman.activeChain.tip().height;
  if (tipHeight === 0) return;
  const level = Math.max(0, Math.min(4, argNumber(args, 'checklevel', DEFAULT_CHECKLEVEL)));
  const requested = argNumber(args, 'checkblocks', DEFAULT_CHECKBLOCKS);
  const depth = requested <= 0 || requested > tipHeight ? tipHeight : requested;
  logger.info(`Verifying last ${depth} blocks at level ${level}`);
  let ok: boolean;
  try {
    ok = await chainman.verifyChain(level, depth);
  } catch (e) {
    logger.error(`Verification error: ${(e as Error).message}`);
    ok = false;
  }
  if (!ok) throw new InitError(CORRUPTED_BLOCK_DB);
  logger.info(`Verification: No coin database inconsistencies in last ${depth} blocks`);
}
