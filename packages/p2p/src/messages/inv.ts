/**
 * Inventory messages: `inv`, `getdata`, `notfound`, each a list of (type, hash). Types as
 * Core's GetDataMsg: MSG_WITNESS_FLAG (1 << 30) marks witness serialization (BIP144).
 */
import {
  BufferReader,
  BufferWriter,
  DecodeError,
  reverseBytes,
  toHex,
} from '@bitcoind-lite/consensus';

export const MSG_TX = 1;
export const MSG_BLOCK = 2;
export const MSG_FILTERED_BLOCK = 3;
export const MSG_CMPCT_BLOCK = 4;
/** BIP339: a transaction announced or requested by wtxid. */
export const MSG_WTX = 5;
export const MSG_WITNESS_FLAG = 1 << 30;
export const MSG_WITNESS_BLOCK = MSG_BLOCK | MSG_WITNESS_FLAG;
export const MSG_WITNESS_TX = MSG_TX | MSG_WITNESS_FLAG;

export interface InvItem {
  type: number;
  /** Internal byte order. */
  hash: Uint8Array;
}

export interface InvMessage {
  type: 'inv' | 'getdata' | 'notfound';
  items: InvItem[];
}

export function invTypeName(type: number): string {
  switch (type) {
    case MSG_TX:
      return 'tx';
    case MSG_BLOCK:
      return 'block';
    case MSG_FILTERED_BLOCK:
      return 'merkleblock';
    case MSG_CMPCT_BLOCK:
      return 'cmpctblock';
    case MSG_WTX:
      return 'wtx';
    case MSG_WITNESS_BLOCK:
      return 'witness-block';
    case MSG_WITNESS_TX:
      return 'witness-tx';
    default:
      return `0x${(type >>> 0).toString(16).padStart(8, '0')}`;
  }
}

/** Core's CInv::ToString: "block 00ab...". */
export function invToString(item: InvItem): string {
  return `${invTypeName(item.type)} ${toHex(reverseBytes(item.hash))}`;
}

export function isBlockInv(type: number): boolean {
  return (
    (type & ~MSG_WITNESS_FLAG) === MSG_BLOCK ||
    type === MSG_FILTERED_BLOCK ||
    type === MSG_CMPCT_BLOCK
  );
}

export function isTxInv(type: number): boolean {
  return (type & ~MSG_WITNESS_FLAG) === MSG_TX || type === MSG_WTX;
}

export function encodeInv(items: InvItem[]): Uint8Array {
  const w = new BufferWriter(9 + 36 * items.length);
  w.compactSize(items.length);
  for (const it of items) w.u32(it.type).bytes(it.hash);
  return w.toBytes();
}

/** The caller applies Core's MAX_INV_SZ (misbehaviour, not a parse failure). */
export function decodeInv(type: InvMessage['type'], payload: Uint8Array): InvMessage {
  const r = new BufferReader(payload);
  const n = r.compactSize();
  if (n * 36 > r.remaining) throw new DecodeError(`inv count ${n} exceeds payload`);
  const items: InvItem[] = [];
  for (let i = 0; i < n; i++) items.push({ type: r.u32(), hash: r.hash().slice() });
  return { type, items };
}
