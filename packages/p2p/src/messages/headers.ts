/**
 * Header sync messages: `getheaders` / `getblocks` (protocol version, block locator, stop hash)
 * and `headers` (each header followed by a transaction count Core ignores).
 */
import { BlockHeader, BufferReader, BufferWriter, DecodeError } from '@bitcoind-lite/consensus';
import { PROTOCOL_VERSION } from '../protocol.js';

export interface GetHeadersMessage {
  type: 'getheaders' | 'getblocks';
  version: number;
  /** Locator hashes, internal byte order, newest first. */
  locator: Uint8Array[];
  /** All zero: as many as allowed. */
  hashStop: Uint8Array;
}

export interface HeadersMessage {
  type: 'headers';
  headers: BlockHeader[];
}

export function encodeGetHeaders(m: GetHeadersMessage): Uint8Array {
  const w = new BufferWriter(37 + 32 * m.locator.length);
  w.u32(m.version || PROTOCOL_VERSION).compactSize(m.locator.length);
  for (const h of m.locator) w.bytes(h);
  return w.bytes(m.hashStop).toBytes();
}

/**
 * Decodes the locator without a length limit other than the stream's; the caller applies
 * Core's MAX_LOCATOR_SZ (which disconnects rather than failing to parse).
 */
export function decodeGetHeaders(
  type: 'getheaders' | 'getblocks',
  payload: Uint8Array,
): GetHeadersMessage {
  const r = new BufferReader(payload);
  const version = r.u32();
  const n = r.compactSize();
  // Each locator entry is 32 bytes: refuse a count the payload cannot hold before allocating.
  if (n * 32 > r.remaining) throw new DecodeError(`locator of ${n} entries exceeds payload`);
  const locator: Uint8Array[] = [];
  for (let i = 0; i < n; i++) locator.push(r.hash().slice());
  return { type, version, locator, hashStop: r.hash().slice() };
}

export function encodeHeaders(headers: BlockHeader[]): Uint8Array {
  const w = new BufferWriter(3 + 81 * headers.length);
  w.compactSize(headers.length);
  for (const h of headers) {
    h.write(w);
    w.u8(0);
  }
  return w.toBytes();
}

export function decodeHeaders(payload: Uint8Array): HeadersMessage {
  const r = new BufferReader(payload);
  const n = r.compactSize();
  if (n * 81 > r.remaining) throw new DecodeError(`headers count ${n} exceeds payload`);
  const headers: BlockHeader[] = [];
  for (let i = 0; i < n; i++) {
    headers.push(BlockHeader.read(r));
    r.compactSize();
  }
  return { type: 'headers', headers };
}
