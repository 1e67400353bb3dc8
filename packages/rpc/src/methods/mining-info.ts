/**
 * getmininginfo and getnetworkhashps, as Core 29/30's rpc/mining.cpp.
 */
import {
  decodeCompact,
  difficultyAdjustmentInterval,
  getNextWorkRequired,
} from '@bitcoind-lite/consensus';
import { nowSeconds } from '@bitcoind-lite/runtime';
import { ValueFromAmount } from '../amount.js';
import { RPC_INVALID_PARAMETER, RpcError } from '../protocol.js';
import { exampleCli, exampleRpc, type RpcTable } from '../registry.js';
import { bitsHex, getDifficulty, targetHex } from './block-json.js';
import { lastAssembledBlock } from './mining-last-block.js';
import type { NodeContext, RpcActiveChain } from './node-context.js';

/** Core 30's DEFAULT_BLOCK_MIN_TX_FEE (1 sat/kvB; Core 29 had 1,000). */
const DEFAULT_BLOCK_MIN_TX_FEE_SAT_PER_KVB = 1n;

/**
 * Core's GetNetworkHashPS: the work done over the last `lookup` blocks ending at `height`,
 * divided by the spread of their timestamps (min to max, not first to last, as Core).
 */
export function getNetworkHashPs(
  chain: RpcActiveChain,
  lookup: number,
  height: number,
  difficultyAdjustmentInterval: number,
): number {
  if (!Number.isInteger(lookup) || lookup < -1 || lookup === 0) {
    throw new RpcError(RPC_INVALID_PARAMETER, 'Invalid nblocks. Must be a positive number or -1.');
  }
  if (!Number.isInteger(height) || height < -1 || height > chain.height()) {
    throw new RpcError(RPC_INVALID_PARAMETER, 'Block does not exist at specified height');
  }
  const pb = height >= 0 ? chain.at(height)! : chain.tip();
  if (pb.height === 0) return 0;
  // -1: the blocks since the last difficulty change.
  let n = lookup === -1 ? (pb.height % difficultyAdjustmentInterval) + 1 : lookup;
  if (n > pb.height) n = pb.height;
  let pb0 = pb;
  let minTime = pb.time;
  let maxTime = minTime;
  for (let i = 0; i < n; i++) {
    pb0 = pb0.prev!;
    minTime = Math.min(minTime, pb0.time);
    maxTime = Math.max(maxTime, pb0.time);
  }
  if (minTime === maxTime) return 0;
  // arith_uint256::getdouble of the work difference, then a double division.
  return Number(pb.chainWork - pb0.chainWork) / (maxTime - minTime);
}

export function registerMiningInfoCommands(table: RpcTable, ctx: NodeContext): void {
  const interval = (): number => difficultyAdjustmentInterval(ctx.params);

  table.register({
    name: 'getnetworkhashps',
    category: 'mining',
    params: [
      {
        name: 'nblocks',
        type: 'int',
        optional: true,
        default: 120,
        description:
          'The number of previous blocks to calculate estimate from, or -1 for blocks since last difficulty change.',
      },
      {
        name: 'height',
        type: 'int',
        optional: true,
        default: -1,
        description: 'To estimate at the time of the given height.',
      },
    ],
    description:
      'Returns the estimated network hashes per second based on the last n blocks.\nPass in [blocks] to override # of blocks, -1 specifies since last difficulty change.\nPass in [height] to estimate the network speed at the time when a certain block was found.',
    result: 'n    (numeric) Hashes per second estimated',
    examples: exampleCli('getnetworkhashps', '') + exampleRpc('getnetworkhashps', ''),
    handler: (p) =>
      getNetworkHashPs(
        ctx.chainman.activeChain,
        p['nblocks'] as number,
        p['height'] as number,
        interval(),
      ),
  });

  table.register({
    name: 'getmininginfo',
    category: 'mining',
    params: [],
    description: 'Returns a json object containing mining-related information.',
    examples: exampleCli('getmininginfo', '') + exampleRpc('getmininginfo', ''),
    handler: () => {
      const chain = ctx.chainman.activeChain;
      const tip = chain.tip();
      const info: Record<string, unknown> = { blocks: tip.height };
      // Present only once a block was assembled since start (Core keeps them optional).
      const last = lastAssembledBlock(ctx);
      if (last !== undefined) {
        info['currentblockweight'] = last.weightWu;
        info['currentblocktx'] = last.txCount;
      }
      info['bits'] = bitsHex(tip.header.bits);
      info['difficulty'] = getDifficulty(tip.header.bits);
      info['target'] = targetHex(tip.header.bits);
      info['networkhashps'] = getNetworkHashPs(chain, 120, -1, interval());
      info['pooledtx'] = ctx.mempool?.size?.() ?? 0;
      info['blockmintxfee'] = ValueFromAmount(
        ctx.txMempool?.settings.blockMinTxFee.satPerKvB ?? DEFAULT_BLOCK_MIN_TX_FEE_SAT_PER_KVB,
      );
      info['chain'] = ctx.params.network;
      // Core's NextEmptyBlockIndex: the next block's time as UpdateTime sets it, and its bits.
      const nextTime = Math.max(tip.medianTimePast() + 1, nowSeconds(ctx.clock));
      const nextBits = getNextWorkRequired(tip, nextTime, ctx.params);
      info['next'] = {
        height: tip.height + 1,
        bits: bitsHex(nextBits),
        difficulty: getDifficulty(nextBits),
        target: decodeCompact(nextBits).target.toString(16).padStart(64, '0'),
      };
      info['warnings'] = [];
      return info;
    },
  });
}
