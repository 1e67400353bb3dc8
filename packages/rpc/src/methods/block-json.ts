/**
 * Block and header objects as Core's blockheaderToJSON / blockToJSON (rpc/blockchain.cpp).
 */
import { toHex, reverseBytes, decodeCompact, type Block } from '@bitcoind-lite/consensus';
import { txToJson } from '../format/tx-to-json.js';
import type { NodeContext, RpcBlockIndex, RpcSpentCoin } from './node-context.js';

/** Core's GetDifficulty: the ratio of the genesis-era target to this one, as a double. */
export function getDifficulty(bits: number): number {
  let shift = (bits >>> 24) & 0xff;
  let diff = 0x0000ffff / (bits & 0x00ffffff);
  while (shift < 29) {
    diff *= 256.0;
    shift++;
  }
  while (shift > 29) {
    diff /= 256.0;
    shift--;
  }
  return diff;
}

export function bitsHex(bits: number): string {
  return (bits >>> 0).toString(16).padStart(8, '0');
}

export function targetHex(bits: number): string {
  return decodeCompact(bits).target.toString(16).padStart(64, '0');
}

export function chainWorkHex(work: bigint): string {
  return work.toString(16).padStart(64, '0');
}

function confirmations(ctx: NodeContext, idx: RpcBlockIndex): number {
  return ctx.chainman.activeChain.contains(idx)
    ? ctx.chainman.activeChain.height() - idx.height + 1
    : -1;
}

export function headerToJson(ctx: NodeContext, idx: RpcBlockIndex): Record<string, unknown> {
  const h = idx.header;
  const next = ctx.chainman.activeChain.contains(idx)
    ? ctx.chainman.activeChain.next(idx)
    : undefined;
  const json: Record<string, unknown> = {
    hash: idx.hashHex,
    confirmations: confirmations(ctx, idx),
    height: idx.height,
    version: h.version,
    versionHex: (h.version >>> 0).toString(16).padStart(8, '0'),
    merkleroot: toHex(reverseBytes(h.merkleRoot)),
    time: h.time,
    mediantime: idx.medianTimePast(),
    nonce: h.nonce,
    bits: bitsHex(h.bits),
    target: targetHex(h.bits),
    difficulty: getDifficulty(h.bits),
    chainwork: chainWorkHex(idx.chainWork),
    nTx: idx.nTx,
  };
  if (idx.prev !== undefined) json['previousblockhash'] = idx.prev.hashHex;
  if (next !== undefined) json['nextblockhash'] = next.hashHex;
  return json;
}

/** Core's blockToJSON; verbosity 1 lists txids, 2 adds decoded transactions, 3 their prevouts. */
export function blockToJson(
  ctx: NodeContext,
  block: Block,
  idx: RpcBlockIndex,
  verbosity: number,
  spent: RpcSpentCoin[][] | undefined,
): Record<string, unknown> {
  const header = headerToJson(ctx, idx);
  const txs =
    verbosity <= 1
      ? block.txs.map((t) => t.txidHex())
      : block.txs.map((t, i) =>
          txToJson(t, {
            params: ctx.params,
            includeHex: true,
            withPrevouts: verbosity >= 3,
            ...(i > 0 && spent?.[i - 1] !== undefined ? { spentOutputs: spent[i - 1]! } : {}),
          }),
        );
  // Core's blockToJSON starts from blockheaderToJSON (every header field, including
  // previousblockhash/nextblockhash) and then appends strippedsize, size, weight and tx.
  // Core master (v31) also adds `coinbase_tx` after weight (PR #34512); Core 29/30, which we
  // follow, do not have it.
  const json: Record<string, unknown> = { ...header };
  json['strippedsize'] = block.baseSize();
  json['size'] = block.totalSize();
  json['weight'] = block.weight();
  json['tx'] = txs;
  return json;
}
