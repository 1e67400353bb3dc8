/**
 * getblocktemplate, as Core's rpc/mining.cpp: BIP22 template mode (transactions chosen by the
 * mempool's ancestor-fee-rate selection) and BIP23 proposal mode (TestBlockValidity on the tip).
 * Long polling is not implemented: a `longpollid` is answered at once with the current template.
 */
import { toHex } from '@bitcoind-lite/consensus';
import { createBlockTemplate } from '@bitcoind-lite/mempool';
import { nowSeconds } from '@bitcoind-lite/runtime';
import { isJsonObject } from '../json.js';
import {
  RPC_DESERIALIZATION_ERROR,
  RPC_INVALID_PARAMETER,
  RPC_MISC_ERROR,
  RPC_TYPE_ERROR,
  RpcError,
} from '../protocol.js';
import type { RpcTable } from '../registry.js';
import { bitsHex, targetHex } from './block-json.js';
import { decodeBlockHex } from './mining.js';
import { recordAssembledBlock } from './mining-last-block.js';
import type { NodeContext, RpcValidationState } from './node-context.js';

const MAX_BLOCK_SIGOPS_COST = 80_000;
const MAX_BLOCK_SERIALIZED_SIZE = 4_000_000;
const MAX_BLOCK_WEIGHT_WU = 4_000_000;
const BLOCK_VALID_MASK = 7;
const BLOCK_VALID_SCRIPTS = 5;
const BLOCK_FAILED_VALID = 32;

/** Core's BIP22ValidationResult. */
function bip22(state: RpcValidationState): string | null {
  if (state.valid) return null;
  if (state.result === 'error') throw new RpcError(RPC_MISC_ERROR, state.rejectReason ?? '');
  return state.rejectReason ? state.rejectReason : 'rejected';
}

export function registerBlockTemplateCommands(table: RpcTable, ctx: NodeContext): void {
  table.register({
    name: 'getblocktemplate',
    category: 'mining',
    params: [
      {
        // Core 29/30: a required object (Optional::NO), so a bare call answers with this help.
        name: 'template_request',
        type: 'object',
        description: 'Format of the template',
        usage:
          '{"mode":"str","capabilities":["str",...],"rules":["segwit","str",...],"longpollid":"str","data":"hex"}',
      },
    ],
    description:
      "If the request parameters include a 'mode' key, that is used to explicitly select between the default 'template' request or a 'proposal'.\nIt returns data needed to construct a block to work on.\nFor full specification, see BIPs 22, 23, 9, and 145:\n    https://github.com/bitcoin/bips/blob/master/bip-0022.mediawiki\n    https://github.com/bitcoin/bips/blob/master/bip-0023.mediawiki\n    https://github.com/bitcoin/bips/blob/master/bip-0009.mediawiki#getblocktemplate_changes\n    https://github.com/bitcoin/bips/blob/master/bip-0145.mediawiki",
    handler: async (p) => {
      const req = (isJsonObject(p['template_request']) ? p['template_request'] : {}) as Record<
        string,
        unknown
      >;
      let mode = 'template';
      const modeVal = req['mode'];
      if (typeof modeVal === 'string') mode = modeVal;
      else if (modeVal !== undefined && modeVal !== null) {
        throw new RpcError(RPC_INVALID_PARAMETER, 'Invalid mode');
      }

      if (mode === 'proposal') {
        const data = req['data'];
        if (typeof data !== 'string') {
          throw new RpcError(RPC_TYPE_ERROR, 'Missing data String key for proposal');
        }
        let block;
        try {
          block = decodeBlockHex(data);
        } catch {
          throw new RpcError(RPC_DESERIALIZATION_ERROR, 'Block decode failed');
        }
        const known = ctx.chainman.lookup(block.hash());
        if (known !== undefined) {
          if (
            (known.status & BLOCK_VALID_MASK) >= BLOCK_VALID_SCRIPTS &&
            (known.status & 96) === 0
          ) {
            return 'duplicate';
          }
          if (known.status & BLOCK_FAILED_VALID) return 'duplicate-invalid';
          return 'duplicate-inconclusive';
        }
        const tip = ctx.chainman.activeChain.tip();
        if (!bytesEq(block.header.prevBlock, tip.hash)) return 'inconclusive-not-best-prevblk';
        if (ctx.testBlockValidity === undefined) return 'rejected';
        return bip22(await ctx.testBlockValidity(block));
      }

      const rules = new Set<string>();
      const clientRules = req['rules'];
      if (Array.isArray(clientRules)) for (const r of clientRules) rules.add(String(r));
      if (mode !== 'template') throw new RpcError(RPC_INVALID_PARAMETER, 'Invalid mode');
      if (!rules.has('segwit')) {
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'getblocktemplate must be called with the segwit rule set (call with {"rules": ["segwit"]})',
        );
      }

      // Mined and re-added transactions must be settled before selecting (see whenIdle).
      await ctx.txMempool?.whenIdle();
      const parent = ctx.chainman.activeChain.tip();
      const selected = ctx.mempool?.selectForBlock(MAX_BLOCK_WEIGHT_WU - 8_000) ?? [];
      const template = createBlockTemplate({
        parent,
        params: ctx.params,
        nowSeconds: nowSeconds(ctx.clock),
        payoutScript: new Uint8Array(0),
        txs: selected,
      });
      const block = template.block;
      recordAssembledBlock(ctx, block);
      const position = new Map<string, number>();
      block.txs.forEach((t, i) => position.set(t.txidHex(), i));
      const transactions = selected.map((s) => {
        const depends: number[] = [];
        for (const input of s.tx.vin) {
          const idx = position.get(toHex(input.prevout.txid.slice().reverse()));
          // Core lists a parent once per input that spends it (no de-duplication).
          if (idx !== undefined) depends.push(idx);
        }
        return {
          data: toHex(s.tx.serialize()),
          txid: s.tx.txidHex(),
          hash: s.tx.wtxidHex(),
          depends,
          fee: Number(s.feeSats),
          sigops: (s as { sigOpCost?: number }).sigOpCost ?? 0,
          weight: s.tx.weight(),
        };
      });
      const cb = block.txs[0]!;
      const commitment = cb.vout.find(
        (o) => o.scriptPubKey.length >= 38 && o.scriptPubKey[0] === 0x6a,
      );
      const seq = ctx.txMempool?.sequence() ?? 0;
      return {
        capabilities: ['proposal'],
        version: block.header.version,
        rules: ['csv', '!segwit', 'taproot'],
        vbavailable: {},
        vbrequired: 0,
        previousblockhash: parent.hashHex,
        transactions,
        coinbaseaux: {},
        coinbasevalue: Number(template.coinbaseValueSats),
        longpollid: parent.hashHex + String(seq),
        target: targetHex(block.header.bits),
        mintime: parent.medianTimePast() + 1,
        mutable: ['time', 'transactions', 'prevblock'],
        noncerange: '00000000ffffffff',
        sigoplimit: MAX_BLOCK_SIGOPS_COST,
        sizelimit: MAX_BLOCK_SERIALIZED_SIZE,
        weightlimit: MAX_BLOCK_WEIGHT_WU,
        curtime: block.header.time,
        bits: bitsHex(block.header.bits),
        height: template.height,
        ...(commitment !== undefined && {
          default_witness_commitment: toHex(commitment.scriptPubKey),
        }),
      };
    },
  });
}

function bytesEq(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
