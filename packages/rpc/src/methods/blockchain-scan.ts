/**
 * scantxoutset (Core's rpc/blockchain.cpp): one scan at a time over the flushed UTXO set, for
 * the scripts of `addr()` and `raw()` descriptors (the only kinds our descriptor parser takes),
 * with `status` (percent done) and `abort` answered while a `start` runs.
 */
import { fromHex, parseDescriptor, reverseBytes, toHex } from '@bitcoind-lite/consensus';
import { ValueFromAmount } from '../amount.js';
import { inferDescriptor } from '../format/script-pubkey.js';
import { isJsonObject } from '../json.js';
import {
  RPC_INVALID_ADDRESS_OR_KEY,
  RPC_INVALID_PARAMETER,
  RPC_MISC_ERROR,
  RpcError,
} from '../protocol.js';
import { exampleCli, exampleRpc, type RpcTable } from '../registry.js';
import type { NodeContext } from './node-context.js';

interface ScanState {
  abort: boolean;
  /** The first two bytes of the last txid seen, as Core's progress estimate uses them. */
  progress: number;
}

export function registerScanCommands(table: RpcTable, ctx: NodeContext): void {
  let running: ScanState | undefined;

  table.register({
    name: 'scantxoutset',
    category: 'blockchain',
    params: [
      {
        name: 'action',
        type: 'string',
        description:
          'The action to execute\n"start" for starting a scan\n"abort" for aborting the current scan (returns true when abort was successful)\n"status" for progress report (in %) of the current scan',
      },
      {
        name: 'scanobjects',
        type: 'array',
        optional: true,
        usage: '[scanobjects,...]',
        description:
          'Array of scan objects. Required for "start" action\nEvery scan object is either a string descriptor or an object:',
      },
    ],
    description:
      'Scans the unspent transaction output set for entries that match certain output descriptors.\nOnly addr(<address>) and raw(<hex script>) descriptors are supported here.',
    examples:
      exampleCli(
        'scantxoutset',
        'start \'["raw(76a91411b366edfc0a8b66feebae5c2e25a7b6a5d1cf3188ac)#fm24fxxy"]\'',
      ) +
      exampleCli('scantxoutset', 'status') +
      exampleCli('scantxoutset', 'abort') +
      exampleRpc('scantxoutset', '"status"'),
    handler: async (p) => {
      const action = String(p['action']);
      if (action === 'status') {
        return running === undefined ? null : { progress: running.progress };
      }
      if (action === 'abort') {
        if (running === undefined) return false;
        running.abort = true;
        return true;
      }
      if (action !== 'start')
        throw new RpcError(RPC_INVALID_PARAMETER, `Invalid action '${action}'`);
      if (running !== undefined) {
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'Scan already in progress, use action "abort" or "status"',
        );
      }
      const objects = p['scanobjects'];
      if (!Array.isArray(objects)) {
        throw new RpcError(RPC_MISC_ERROR, 'scanobjects argument is required for the start action');
      }
      const scripts = new Set<string>();
      for (const o of objects) {
        const desc = typeof o === 'string' ? o : isJsonObject(o) ? o['desc'] : undefined;
        if (typeof desc !== 'string') {
          throw new RpcError(
            RPC_INVALID_PARAMETER,
            'Scan object needs to be either a string or an object',
          );
        }
        const parsed = parseDescriptor(desc, ctx.params);
        if (!parsed.ok) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, parsed.error);
        scripts.add(toHex(parsed.value.scriptPubKey));
      }
      if (ctx.chainman.scanCoins === undefined) {
        throw new RpcError(RPC_MISC_ERROR, 'The UTXO set cannot be scanned');
      }
      const state: ScanState = { abort: false, progress: 0 };
      running = state;
      try {
        const found: {
          txid: Uint8Array;
          vout: number;
          script: string;
          value: bigint;
          height: number;
          coinbase: boolean;
        }[] = [];
        let txouts = 0;
        const result = await ctx.chainman.scanCoins((txid, vout, coin) => {
          if (state.abort) return false;
          txouts++;
          // Core's progress: the txid's leading bytes (internal order) over the key space.
          state.progress = Math.floor(((txid[0]! * 256 + txid[1]!) * 100) / 65536);
          const script = toHex(coin.out.scriptPubKey);
          if (scripts.has(script)) {
            found.push({
              txid,
              vout,
              script,
              value: coin.out.value,
              height: coin.height,
              coinbase: coin.isCoinbase,
            });
          }
          return true;
        });
        const tip = result.tip;
        let total = 0n;
        const unspents = found.map((f) => {
          total += f.value;
          return {
            txid: toHex(reverseBytes(f.txid)),
            vout: f.vout,
            scriptPubKey: f.script,
            desc: inferDescriptor(fromHex(f.script), ctx.params),
            amount: ValueFromAmount(f.value),
            coinbase: f.coinbase,
            height: f.height,
            blockhash: tip.getAncestor(f.height)?.hashHex ?? '',
            confirmations: tip.height - f.height + 1,
          };
        });
        return {
          success: result.completed,
          txouts,
          height: tip.height,
          bestblock: tip.hashHex,
          unspents,
          total_amount: ValueFromAmount(total),
        };
      } finally {
        running = undefined;
      }
    },
  });
}
