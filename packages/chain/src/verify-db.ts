/**
 * Core's CVerifyDB::VerifyDB over the last `depth` blocks of the active chain (0 = all):
 * level 0 reads each block, 1 runs CheckBlock, 2 reads its undo data, 3 disconnects the blocks
 * in a scratch cache over the coins and checks each disconnect is clean, 4 reconnects them.
 * Nothing is written: the scratch cache is dropped.
 */
import type { ChainParams } from './deps.js';
import type { BlockIndex } from './block-index.js';
import type { BlockManager } from './block-manager.js';
import { checkBlock } from './check-block.js';
import { CoinsViewCache } from './coins-view-cache.js';
import { connectBlock, disconnectBlock } from './connect-block.js';
import type { ScriptVerifier } from './script-verifier.js';

/** Core's DEFAULT_CHECKLEVEL and DEFAULT_CHECKBLOCKS. */
export const DEFAULT_CHECKLEVEL = 3;
export const DEFAULT_CHECKBLOCKS = 6;

export async function verifyDb(
  tip: BlockIndex,
  blockman: BlockManager,
  coinsTip: CoinsViewCache,
  params: ChainParams,
  checkLevel: number,
  depth: number,
  scriptVerifier?: ScriptVerifier,
): Promise<boolean> {
  const level = Math.max(0, Math.min(4, checkLevel));
  const stop = depth <= 0 ? 0 : Math.max(tip.height - depth, 0);
  const scratch = new CoinsViewCache(coinsTip);
  let lowest = tip;
  for (let idx: BlockIndex | undefined = tip; idx !== undefined && idx.height > stop;) {
    const block = await blockman.readBlock(idx);
    if (level >= 1 && !checkBlock(block, params).valid) return false;
    if (level >= 2) {
      const undo = await blockman.readUndo(idx);
      if (level >= 3 && (await disconnectBlock(block, idx, undo, scratch)) !== 'ok') return false;
    }
    lowest = idx;
    idx = idx.prev;
  }
  // Level 4: reconnect what was disconnected, with every check ConnectBlock applies.
  if (level >= 4) {
    for (let h = lowest.height; h <= tip.height; h++) {
      const idx = tip.getAncestor(h)!;
      if (idx.prev === undefined) continue;
      const block = await blockman.readBlock(idx);
      const r = await connectBlock(block, idx, scratch, params, scriptVerifier);
      if (!r.state.valid) return false;
      r.view!.flushInto(scratch);
    }
  }
  return true;
}
