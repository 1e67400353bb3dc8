/**
 * Undo data for one block (Core's CBlockUndo / CTxUndo, undo.h): for every transaction but the
 * coinbase, the coins its inputs spent, in input order, so DisconnectBlock can restore them.
 *
 * Each spent coin is written as Core's TxInUndoFormatter does: VARINT(height * 2 + coinbase),
 * then (for height > 0) a zero byte kept for compatibility with the old per-transaction
 * version field, then the compressed output.
 */
import { readCompressedTxOut, writeCompressedTxOut } from './coin-compression.js';
import type { Coin } from './coin.js';
import { StorageReader, pushCompactSize, writeVarInt } from './varint.js';

/** The coins one transaction's inputs spent. */
export type TxUndo = Coin[];
/** Per non-coinbase transaction, in block order. */
export type BlockUndo = TxUndo[];

export function serializeBlockUndo(undo: BlockUndo): Uint8Array {
  const out: number[] = [];
  pushCompactSize(out, undo.length);
  for (const txUndo of undo) {
    pushCompactSize(out, txUndo.length);
    for (const coin of txUndo) {
      writeVarInt(out, coin.height * 2 + (coin.isCoinbase ? 1 : 0));
      if (coin.height > 0) writeVarInt(out, 0);
      writeCompressedTxOut(out, coin.out);
    }
  }
  return Uint8Array.from(out);
}

export function deserializeBlockUndo(bytes: Uint8Array): BlockUndo {
  const r = new StorageReader(bytes);
  const n = r.compactSize();
  const undo: BlockUndo = [];
  for (let i = 0; i < n; i++) {
    const m = r.compactSize();
    const txUndo: TxUndo = [];
    for (let k = 0; k < m; k++) {
      const code = r.varInt();
      const height = Math.floor(code / 2);
      if (height > 0) r.varInt();
      const out = readCompressedTxOut(r);
      txUndo.push({ out, height, isCoinbase: code % 2 === 1 });
    }
    undo.push(txUndo);
  }
  if (r.remaining !== 0) throw new RangeError('block undo: trailing bytes');
  return undo;
}
