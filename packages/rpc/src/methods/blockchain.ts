/**
 * Blockchain RPCs, as Core's rpc/blockchain.cpp: getblockchaininfo, getblockcount,
 * getbestblockhash, getblockhash, getblockheader, getblock, getdifficulty, getchaintips.
 */
import { toHex } from '@bitcoind-lite/consensus';
import { RPC_INVALID_PARAMETER, RpcError } from '../protocol.js';
import type { RpcTable } from '../registry.js';
import {
  bitsHex,
  blockToJson,
  chainWorkHex,
  getDifficulty,
  headerToJson,
  targetHex,
} from './block-json.js';
import { registerChainTxStatsCommands } from './blockchain-chain-tx-stats.js';
import { registerDeploymentCommands } from './blockchain-deployments.js';
import { registerScanCommands } from './blockchain-scan.js';
import { registerWaitCommands } from './blockchain-wait.js';
import type { NodeContext, RpcBlockIndex } from './node-context.js';
import { lookupBlockOrThrow, parseHashV, parseVerbosity } from './params.js';

const BLOCK_VALID_MASK = 7;
const BLOCK_VALID_TREE = 2;
const BLOCK_VALID_SCRIPTS = 5;
const BLOCK_FAILED_MASK = 32 | 64;

function isValidUpTo(idx: RpcBlockIndex, level: number): boolean {
  if (idx.status & BLOCK_FAILED_MASK) return false;
  return (idx.status & BLOCK_VALID_MASK) >= level;
}

/** Core's chain tip status names (getchaintips). */
function tipStatus(ctx: NodeContext, idx: RpcBlockIndex): string {
  if (ctx.chainman.activeChain.contains(idx)) return 'active';
  if (idx.status & BLOCK_FAILED_MASK) return 'invalid';
  if (idx.chainTx === 0) return 'headers-only';
  if (isValidUpTo(idx, BLOCK_VALID_SCRIPTS)) return 'valid-fork';
  if (isValidUpTo(idx, BLOCK_VALID_TREE)) return 'valid-headers';
  return 'unknown';
}

export function registerBlockchainCommands(table: RpcTable, ctx: NodeContext): void {
  const chain = (): NodeContext['chainman']['activeChain'] => ctx.chainman.activeChain;
  registerChainTxStatsCommands(table, ctx);
  registerDeploymentCommands(table, ctx);
  registerWaitCommands(table, ctx);
  registerScanCommands(table, ctx);

  table.register({
    name: 'getblockchaininfo',
    category: 'blockchain',
    params: [],
    description: 'Returns an object containing various state info regarding blockchain processing.',
    handler: () => {
      const tip = chain().tip();
      const info: Record<string, unknown> = {
        chain: ctx.params.network,
        blocks: tip.height,
        headers: ctx.chainman.bestHeader.height,
        bestblockhash: tip.hashHex,
        bits: bitsHex(tip.header.bits),
        target: targetHex(tip.header.bits),
        difficulty: getDifficulty(tip.header.bits),
        time: tip.header.time,
        mediantime: tip.medianTimePast(),
        verificationprogress: verificationProgress(ctx, tip),
        initialblockdownload: ctx.chainman.isInitialBlockDownload(),
        chainwork: chainWorkHex(tip.chainWork),
        size_on_disk: ctx.chainman.sizeOnDisk?.() ?? 0,
        pruned: false,
      };
      if (ctx.params.signetChallenge !== undefined) {
        info['signet_challenge'] = toHex(ctx.params.signetChallenge);
      }
      info['warnings'] = [];
      return info;
    },
  });

  table.register({
    name: 'getblockcount',
    category: 'blockchain',
    params: [],
    description: 'Returns the height of the most-work fully-validated chain.',
    handler: () => chain().height(),
  });

  table.register({
    name: 'getbestblockhash',
    category: 'blockchain',
    params: [],
    description: 'Returns the hash of the best (tip) block in the most-work fully-validated chain.',
    handler: () => chain().tip().hashHex,
  });

  table.register({
    name: 'getblockhash',
    category: 'blockchain',
    params: [{ name: 'height', type: 'int', description: 'The height index' }],
    description: 'Returns hash of block in best-block-chain at height provided.',
    handler: (p) => {
      const height = p['height'] as number;
      const idx = Number.isInteger(height) ? chain().at(height) : undefined;
      if (idx === undefined) throw new RpcError(RPC_INVALID_PARAMETER, 'Block height out of range');
      return idx.hashHex;
    },
  });

  table.register({
    name: 'getblockheader',
    category: 'blockchain',
    params: [
      { name: 'blockhash', type: 'hex', description: 'The block hash' },
      {
        name: 'verbose',
        type: 'boolean',
        optional: true,
        default: true,
        description: 'true for a json object, false for the hex-encoded data',
      },
    ],
    description:
      "If verbose is false, returns a string that is serialized, hex-encoded data for blockheader 'hash'.\nIf verbose is true, returns an Object with information about blockheader <hash>.",
    handler: (p) => {
      const idx = lookupBlockOrThrow(ctx.chainman, parseHashV(p['blockhash'], 'hash'));
      if (p['verbose'] === false) return toHex(idx.header.serialize());
      return headerToJson(ctx, idx);
    },
  });

  table.register({
    name: 'getblock',
    category: 'blockchain',
    params: [
      { name: 'blockhash', type: 'hex', description: 'The block hash' },
      {
        name: 'verbosity|verbose',
        type: 'any',
        optional: true,
        default: 1,
        description:
          '0 for hex-encoded data, 1 for a JSON object, 2 for JSON object with transaction data, and 3 for JSON object with transaction data including prevout information for inputs',
      },
    ],
    description: 'Returns information about the block with the given hash.',
    handler: async (p, call) => {
      const hash = parseHashV(p['blockhash'], 'blockhash');
      const verbosity = parseVerbosity(call.rawParams[1] ?? p['verbosity'], 1, 1);
      const idx = lookupBlockOrThrow(ctx.chainman, hash);
      const HAVE_DATA = 8;
      if ((idx.status & HAVE_DATA) === 0) {
        throw new RpcError(-1, 'Block not available (not fully downloaded)');
      }
      if (verbosity <= 0) return toHex(await ctx.chainman.readRawBlock(idx));
      const block = await ctx.chainman.readBlock(idx);
      const spent =
        verbosity >= 2 && ctx.chainman.readBlockSpentOutputs !== undefined
          ? await ctx.chainman.readBlockSpentOutputs(idx)
          : undefined;
      return blockToJson(ctx, block, idx, verbosity, spent);
    },
  });

  table.register({
    name: 'getdifficulty',
    category: 'blockchain',
    params: [],
    description: 'Returns the proof-of-work difficulty as a multiple of the minimum difficulty.',
    handler: () => getDifficulty(chain().tip().header.bits),
  });

  table.register({
    name: 'getchaintips',
    category: 'blockchain',
    params: [],
    description:
      'Return information about all known tips in the block tree, including the main chain as well as orphaned branches.',
    handler: () => {
      // A tip is an entry no other entry builds on; the active tip is always one.
      const hasChild = new Set<RpcBlockIndex>();
      const all = [...ctx.chainman.allBlockIndexes()];
      for (const idx of all) if (idx.prev !== undefined) hasChild.add(idx.prev);
      const tips = all.filter((idx) => !hasChild.has(idx));
      const active = chain().tip();
      if (!tips.includes(active)) tips.push(active);
      tips.sort((a, b) => b.height - a.height || (a.hashHex < b.hashHex ? -1 : 1));
      return tips.map((tip) => {
        let fork: RpcBlockIndex | undefined = tip;
        while (fork !== undefined && !chain().contains(fork)) fork = fork.prev;
        return {
          height: tip.height,
          hash: tip.hashHex,
          branchlen: tip.height - (fork?.height ?? 0),
          status: tipStatus(ctx, tip),
        };
      });
    },
  });
}

/** Core's GuessVerificationProgress without chainTxData: a synced regtest chain reports 1. */
function verificationProgress(ctx: NodeContext, tip: RpcBlockIndex): number {
  const best = ctx.chainman.bestHeader;
  if (best.height === 0) return 1;
  return Math.min(1, tip.height / best.height);
}
