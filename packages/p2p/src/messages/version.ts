/**
 * The handshake: `version` and `verack` (Core's ProcessMessage VERSION / VERACK).
 * version: protocol version (i32), services (u64), timestamp (i64), addr_recv and addr_from
 * (services + 16-byte address + port, no time), nonce (u64), user agent (string, at most 256
 * bytes, Core's MAX_SUBVERSION_LENGTH), start height (i32), relay (bool, BIP37; optional).
 */
import { BufferReader, BufferWriter, DecodeError } from '@bitcoind-lite/consensus';
import { MAX_SUBVERSION_LENGTH } from '../protocol.js';
import { readServiceLegacy, writeServiceLegacy, type NetService } from './net-address.js';

export interface VersionMessage {
  type: 'version';
  version: number;
  services: bigint;
  timestamp: bigint;
  addrRecv: { services: bigint; service: NetService };
  addrFrom: { services: bigint; service: NetService };
  nonce: bigint;
  userAgent: string;
  startHeight: number;
  relay: boolean;
}

export interface VerackMessage {
  type: 'verack';
}

export function encodeVersion(m: VersionMessage): Uint8Array {
  const w = new BufferWriter(128);
  w.i32(m.version).u64(m.services).i64(m.timestamp);
  writeServiceLegacy(w, m.addrRecv.services, m.addrRecv.service);
  writeServiceLegacy(w, m.addrFrom.services, m.addrFrom.service);
  w.u64(m.nonce).varBytes(new TextEncoder().encode(m.userAgent));
  w.i32(m.startHeight).u8(m.relay ? 1 : 0);
  return w.toBytes();
}

/**
 * Decodes as Core reads it: the fields after addr_recv are optional for ancient peers, and the
 * relay flag defaults to true when absent (BIP37).
 */
export function decodeVersion(payload: Uint8Array): VersionMessage {
  const r = new BufferReader(payload);
  const version = r.i32();
  const services = r.u64();
  const timestamp = r.i64();
  const addrRecv = readServiceLegacy(r);
  let addrFrom = { services: 0n, service: { network: 'ipv6', addr: new Uint8Array(16), port: 0 } };
  let nonce = 0n;
  let userAgent = '';
  let startHeight = 0;
  let relay = true;
  if (!r.end()) {
    addrFrom = readServiceLegacy(r) as typeof addrFrom;
    nonce = r.u64();
  }
  if (!r.end()) {
    const len = r.compactSize();
    if (len > MAX_SUBVERSION_LENGTH) throw new DecodeError('String length limit exceeded');
    userAgent = new TextDecoder('utf-8', { fatal: false }).decode(r.bytesN(len));
  }
  if (!r.end()) startHeight = r.i32();
  if (!r.end()) relay = r.u8() !== 0;
  return {
    type: 'version',
    version,
    services,
    timestamp,
    addrRecv,
    addrFrom: addrFrom as VersionMessage['addrFrom'],
    nonce,
    userAgent,
    startHeight,
    relay,
  };
}

/** Core's SanitizeString(SAFE_CHARS_DEFAULT): what of a peer's user agent may reach a log. */
export function sanitizeString(s: string): string {
  return s.replace(/[^a-zA-Z0-9 .,;\-_/:?@()]/g, '');
}
