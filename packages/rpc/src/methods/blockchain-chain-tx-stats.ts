/**
 * getchaintxstats (Core's rpc/blockchain.cpp): transaction counts and rate over a window of
 * blocks ending at a block of the active chain. The interval is between median times past.
 */
import { RPC_INVALID_ADDRESS_OR_KEY, RPC_INVALID_PARAMETER, RpcError } from '../protocol.js';
import { exampleCli, exampleRpc, type RpcTable } from '../registry.js';
import type { NodeContext } from './node-context.js';
import { parseHashV } from './params.js';

const ONE_MONTH_S = 30 * 24 * 60 * 60;

export function registerChainTxStatsCommands(table: RpcTable, ctx: NodeContext): void {
  table.register({
    name: 'getchaintxstats',
    category: 'blockchain',
    params: [
      {
        name: 'nblocks',
        type: 'int',
        optional: true,
        defaultHint: 'one month',
        description: 'Size of the window in number of blocks',
      },
      {
        name: 'blockhash',
        type: 'hex',
        optional: true,
        defaultHint: 'chain tip',
        description: 'The hash of the block that ends the window.',
      },
    ],
    description: 'Compute statistics about the total number and rate of transactions in the chain.',
    result: `{                                       (json object)
  "time" : xxx,                         (numeric) The timestamp for the final block in the window, expressed in UNIX epoch time
  "txcount" : n,                        (numeric, optional) The total number of transactions in the chain up to that point, if known. It may be unknown when using assumeutxo.
  "window_final_block_hash" : "hex",    (string) The hash of the final block in the window
  "window_final_block_height" : n,      (numeric) The height of the final block in the window.
  "window_block_count" : n,             (numeric) Size of the window in number of blocks
  "window_interval" : n,                (numeric, optional) The elapsed time in the window in seconds. Only returned if "window_block_count" is > 0
  "window_tx_count" : n,                (numeric, optional) The number of transactions in the window. Only returned if "window_block_count" is > 0 and if txcount exists for the start and end of the window.
  "txrate" : n                          (numeric, optional) The average rate of transactions per second in the window. Only returned if "window_interval" is > 0 and if window_tx_count exists.
}`,
    examples: exampleCli('getchaintxstats', '') + exampleRpc('getchaintxstats', '2016'),
    handler: (p) => {
      const chain = ctx.chainman.activeChain;
      let idx = chain.tip();
      if (p['blockhash'] !== undefined && p['blockhash'] !== null) {
        const found = ctx.chainman.lookup(parseHashV(p['blockhash'], 'blockhash'));
        if (found === undefined) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Block not found');
        if (!chain.contains(found)) {
          throw new RpcError(RPC_INVALID_PARAMETER, 'Block is not in main chain');
        }
        idx = found;
      }
      let count: number;
      if (p['nblocks'] === undefined || p['nblocks'] === null) {
        const month = Math.floor(ONE_MONTH_S / ctx.params.powTargetSpacingS);
        count = Math.max(0, Math.min(month, idx.height - 1));
      } else {
        count = p['nblocks'] as number;
        if (!Number.isInteger(count) || count < 0 || (count > 0 && count >= idx.height)) {
          throw new RpcError(
            RPC_INVALID_PARAMETER,
            "Invalid block count: should be between 0 and the block's height - 1",
          );
        }
      }
      const past = idx.getAncestor(idx.height - count)!;
      const timeDiff = idx.medianTimePast() - past.medianTimePast();
      const out: Record<string, unknown> = { time: idx.time };
      if (idx.chainTx !== 0) out['txcount'] = idx.chainTx;
      out['window_final_block_hash'] = idx.hashHex;
      out['window_final_block_height'] = idx.height;
      out['window_block_count'] = count;
      if (count > 0) {
        out['window_interval'] = timeDiff;
        if (idx.chainTx !== 0 && past.chainTx !== 0) {
          const windowTxCount = idx.chainTx - past.chainTx;
          out['window_tx_count'] = windowTxCount;
          if (timeDiff > 0) out['txrate'] = windowTxCount / timeDiff;
        }
      }
      return out;
    },
  });
}
