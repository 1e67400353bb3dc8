/**
 * A coin: one unspent output with the height and coinbase flag of the transaction that made it
 * (Core's `Coin`), and its storage form (Core's Coin::Serialize): VARINT(height * 2 + coinbase)
 * followed by the compressed output.
 */
import { type StoredTxOut, readCompressedTxOut, writeCompressedTxOut } from './coin-compression.js';
import { StorageReader, writeVarInt } from './varint.js';

export interface Coin {
  out: StoredTxOut;
  height: number;
  isCoinbase: boolean;
}

export function writeCoin(out: number[], coin: Coin): void {
  writeVarInt(out, coin.height * 2 + (coin.isCoinbase ? 1 : 0));
  writeCompressedTxOut(out, coin.out);
}

export function serializeCoin(coin: Coin): Uint8Array {
  const out: number[] = [];
  writeCoin(out, coin);
  return Uint8Array.from(out);
}

export function readCoin(r: StorageReader): Coin {
  const code = r.varInt();
  const out = readCompressedTxOut(r);
  return { out, height: Math.floor(code / 2), isCoinbase: code % 2 === 1 };
}

export function deserializeCoin(bytes: Uint8Array): Coin {
  return readCoin(new StorageReader(bytes));
}
