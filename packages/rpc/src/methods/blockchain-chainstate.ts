/**
 * Chainstate RPCs, as Core's rpc/blockchain.cpp: gettxout, gettxoutsetinfo, verifychain,
 * invalidateblock, reconsiderblock, preciousblock, getblockstats, pruneblockchain. They read the
 * UTXO set and steer the block tree through the chainstate's narrow view (node-context.ts).
 */
import { ValueFromAmount } from '../amount.js';
import { scriptPubKeyToJson } from '../format/script-pubkey.js';
import {
  RPC_INVALID_ADDRESS_OR_KEY,
  RPC_INVALID_PARAMETER,
  RPC_MISC_ERROR,
  RpcError,
} from '../protocol.js';
import { getIntFromJson, type RpcTable } from '../registry.js';
import { JsonNumber } from '../json.js';
import type {
  NodeContext,
  RpcBlockIndex,
  RpcChainstate,
  RpcCoin,
  RpcCoinStatsHashType,
} from './node-context.js';
import { lookupBlockOrThrow, parseHashV } from './params.js';
import { computeBlockStats } from './block-stats.js';

/** Core's DEFAULT_CHECKLEVEL and DEFAULT_CHECKBLOCKS (validation.h). */
const DEFAULT_CHECKLEVEL = 3;
const DEFAULT_CHECKBLOCKS = 6;

/** Core's ParseHashType. */
function parseHashType(value: unknown): RpcCoinStatsHashType {
  const s = value === undefined || value === null ? 'hash_serialized_3' : String(value);
  if (s === 'hash_serialized_3' || s === 'muhash' || s === 'none') return s;
  throw new RpcError(RPC_INVALID_PARAMETER, `'${s}' is not a valid hash_type`);
}

function need<K extends keyof RpcChainstate>(
  ctx: NodeContext,
  k: K,
): NonNullable<RpcChainstate[K]> {
  const f = ctx.chainman[k];
  if (typeof f !== 'function') throw new RpcError(RPC_MISC_ERROR, `${String(k)} is not available`);
  return (f as (...a: unknown[]) => unknown).bind(ctx.chainman) as NonNullable<RpcChainstate[K]>;
}

export function registerChainstateCommands(table: RpcTable, ctx: NodeContext): void {
  table.register({
    name: 'gettxout',
    category: 'blockchain',
    params: [
      { name: 'txid', type: 'hex', description: 'The transaction id' },
      { name: 'n', type: 'int', description: 'vout number' },
      {
        name: 'include_mempool',
        type: 'boolean',
        optional: true,
        default: true,
        description:
          "Whether to include the mempool. Note that an unspent output that is spent in the mempool won't appear.",
      },
    ],
    description: 'Returns details about an unspent transaction output.',
    handler: async (p) => {
      const txid = parseHashV(p['txid'], 'txid');
      const n = p['n'] as number;
      const includeMempool = p['include_mempool'] !== false;
      let coin: RpcCoin | undefined;
      let inMempool = false;
      if (includeMempool && ctx.mempool !== undefined) {
        // Core's CCoinsViewMemPool: outputs of mempool transactions, then the chainstate; and
        // an outpoint a mempool transaction spends is reported as spent.
        if (ctx.mempool.isSpent?.(txid, n) === true) return null;
        const entry = ctx.mempool.lookup?.(txid);
        const out = entry?.tx.vout[n];
        if (out !== undefined) {
          coin = { out, height: 0, isCoinbase: false };
          inMempool = true;
        }
      }
      coin ??= await need(ctx, 'getTxOut')(txid, n);
      if (coin === undefined) return null;
      const tip = ctx.chainman.activeChain.tip();
      return {
        bestblock: tip.hashHex,
        confirmations: inMempool ? 0 : tip.height - coin.height + 1,
        value: ValueFromAmount(coin.out.value),
        scriptPubKey: scriptPubKeyToJson(coin.out.scriptPubKey, ctx.params),
        coinbase: coin.isCoinbase,
      };
    },
  });

  table.register({
    name: 'gettxoutsetinfo',
    category: 'blockchain',
    params: [
      {
        name: 'hash_type',
        type: 'string',
        optional: true,
        default: 'hash_serialized_3',
        description:
          "Which UTXO set hash should be calculated. Options: 'hash_serialized_3' (the legacy algorithm), 'muhash', 'none'.",
      },
      {
        name: 'hash_or_height',
        type: 'any',
        optional: true,
        description:
          'The block hash or height of the target height (only available with coinstatsindex).',
      },
      {
        name: 'use_index',
        type: 'boolean',
        optional: true,
        default: true,
        description: 'Use coinstatsindex, if available.',
      },
    ],
    description:
      'Returns statistics about the unspent transaction output set.\nNote this call may take some time if you are not using coinstatsindex.',
    handler: async (p) => {
      const hashType = parseHashType(p['hash_type']);
      // This node has no coinstatsindex, as Core without -coinstatsindex.
      if (p['hash_or_height'] !== undefined && p['hash_or_height'] !== null) {
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'Querying specific block heights requires coinstatsindex',
        );
      }
      const s = await need(ctx, 'getTxOutSetInfo')(hashType);
      const out: Record<string, unknown> = {
        height: s.height,
        bestblock: s.bestblock,
        txouts: s.txouts,
        bogosize: s.bogosize,
      };
      if (hashType === 'hash_serialized_3') out['hash_serialized_3'] = s.hashSerialized3;
      if (hashType === 'muhash') out['muhash'] = s.muhash;
      out['total_amount'] = ValueFromAmount(s.totalAmountSats);
      out['transactions'] = s.transactions;
      out['disk_size'] = s.diskSizeBytes;
      return out;
    },
  });

  table.register({
    name: 'verifychain',
    category: 'blockchain',
    params: [
      {
        name: 'checklevel',
        type: 'int',
        optional: true,
        default: DEFAULT_CHECKLEVEL,
        description:
          'How thorough the block verification is:\n- level 0 reads the blocks from disk\n- level 1 verifies block validity\n- level 2 verifies undo data\n- level 3 checks disconnection of tip blocks\n- level 4 tries to reconnect the blocks\n- each level includes the checks of the previous levels',
      },
      {
        name: 'nblocks',
        type: 'int',
        optional: true,
        default: DEFAULT_CHECKBLOCKS,
        description: 'The number of blocks to check.',
      },
    ],
    description: 'Verifies blockchain database.',
    handler: (p) =>
      need(ctx, 'verifyChain')(
        (p['checklevel'] as number | undefined) ?? DEFAULT_CHECKLEVEL,
        (p['nblocks'] as number | undefined) ?? DEFAULT_CHECKBLOCKS,
      ),
  });

  const blockControl = (
    name: 'invalidateblock' | 'reconsiderblock' | 'preciousblock',
    method: 'invalidateBlock' | 'reconsiderBlock' | 'preciousBlock',
    description: string,
  ): void => {
    table.register({
      name,
      // Core 29/30 hide invalidateblock and reconsiderblock from help (test aids).
      category: name === 'preciousblock' ? 'blockchain' : 'hidden',
      params: [{ name: 'blockhash', type: 'hex', description: 'the hash of the block' }],
      description,
      handler: async (p) => {
        const idx = lookupBlockOrThrow(ctx.chainman, parseHashV(p['blockhash'], 'blockhash'));
        // A block found invalid while moving to the best chain is not an error of the call
        // (Core's ActivateBestChain resets the state after InvalidChainFound); failures to read
        // or write the databases throw and come back as errors.
        await need(ctx, method)(idx);
        return null;
      },
    });
  };
  blockControl(
    'invalidateblock',
    'invalidateBlock',
    'Permanently marks a block as invalid, as if it violated a consensus rule.',
  );
  blockControl(
    'reconsiderblock',
    'reconsiderBlock',
    'Removes invalidity status of a block, its ancestors and its descendants, reconsider them for activation.\nThis can be used to undo the effects of invalidateblock.',
  );
  blockControl(
    'preciousblock',
    'preciousBlock',
    'Treats a block as if it were received before others with the same work.\n\nA later preciousblock call can override the effect of an earlier one.\n\nThe effects of preciousblock are not retained across restarts.',
  );

  table.register({
    name: 'getblockstats',
    category: 'blockchain',
    params: [
      {
        name: 'hash_or_height',
        type: 'any',
        description: 'The block hash or height of the target block',
      },
      {
        name: 'stats',
        type: 'array',
        optional: true,
        default: [],
        description: 'Values to plot (see result below)',
      },
    ],
    description:
      "Compute per block statistics for a given window. All amounts are in satoshis.\nIt won't work for some heights with pruning.",
    handler: async (p, call) => {
      const idx = parseHashOrHeight(ctx, call.rawParams[0] ?? p['hash_or_height']);
      const block = await ctx.chainman.readBlock(idx);
      const spent =
        block.txs.length > 1 ? await ctx.chainman.readBlockSpentOutputs?.(idx) : undefined;
      if (block.txs.length > 1 && spent === undefined) {
        throw new RpcError(
          RPC_MISC_ERROR,
          "Undo data expected but can't be read. This could be due to disk corruption or a conflict with a pruning event.",
        );
      }
      const repeat = ctx.params.bip30Exceptions.some(
        (e) => e.height === idx.height && e.hash === idx.hashHex,
      );
      const all = computeBlockStats(block, idx, spent, ctx.params, repeat);
      const wanted = (p['stats'] as unknown[] | undefined) ?? [];
      if (wanted.length === 0) return all;
      // Core keeps the selection in a std::set: sorted, duplicates merged.
      const out: Record<string, unknown> = {};
      for (const stat of [...new Set(wanted.map(String))].sort()) {
        if (!(stat in all)) {
          throw new RpcError(RPC_INVALID_PARAMETER, `Invalid selected statistic '${stat}'`);
        }
        out[stat] = all[stat];
      }
      return out;
    },
  });

  table.register({
    name: 'pruneblockchain',
    category: 'blockchain',
    params: [
      {
        name: 'height',
        type: 'int',
        description:
          'The block height to prune up to. May be set to a discrete height, or to a UNIX epoch time\nto prune blocks whose block time is at least 2 hours older than the provided timestamp.',
      },
    ],
    description:
      'Attempts to delete block and undo data up to a specified height or timestamp, if eligible for pruning.',
    handler: () => {
      // This node never prunes (no -prune support yet), so Core's answer for a non-pruning node.
      throw new RpcError(RPC_MISC_ERROR, 'Cannot prune blocks because node is not in prune mode.');
    },
  });
}

/** Core's ParseHashOrHeight. */
function parseHashOrHeight(ctx: NodeContext, value: unknown): RpcBlockIndex {
  // Core reads a numeric hash_or_height with getInt<int>.
  if (value instanceof JsonNumber) value = getIntFromJson(value);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new RpcError(RPC_INVALID_PARAMETER, 'Invalid height');
    if (value < 0) {
      throw new RpcError(RPC_INVALID_PARAMETER, `Target block height ${value} is negative`);
    }
    const tip = ctx.chainman.activeChain.height();
    if (value > tip) {
      throw new RpcError(
        RPC_INVALID_PARAMETER,
        `Target block height ${value} after current tip ${tip}`,
      );
    }
    return ctx.chainman.activeChain.at(value)!;
  }
  const idx = ctx.chainman.lookup(parseHashV(value, 'hash_or_height'));
  if (idx === undefined) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Block not found');
  return idx;
}
