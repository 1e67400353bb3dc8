/**
 * Address gossip: `addr` (legacy 16-byte form), `addrv2` (BIP155) and `getaddr`. At most
 * MAX_ADDR_TO_SEND entries per message; more is misbehaviour (Core's "addr message size").
 */
import { BufferReader, BufferWriter, DecodeError } from '@bitcoind-lite/consensus';
import {
  readAddressV1,
  readAddressV2,
  writeAddressV1,
  writeAddressV2,
  type NetAddress,
} from './net-address.js';

export interface AddrMessage {
  type: 'addr' | 'addrv2';
  addrs: NetAddress[];
  /** Entries in the message, including BIP155 networks this node skipped. */
  count: number;
}

export interface GetAddrMessage {
  type: 'getaddr';
}

export function encodeAddr(type: 'addr' | 'addrv2', addrs: NetAddress[]): Uint8Array {
  const w = new BufferWriter(3 + 40 * addrs.length);
  w.compactSize(addrs.length);
  for (const a of addrs) {
    if (type === 'addr') writeAddressV1(w, a);
    else writeAddressV2(w, a);
  }
  return w.toBytes();
}

export function decodeAddr(type: 'addr' | 'addrv2', payload: Uint8Array): AddrMessage {
  const r = new BufferReader(payload);
  const n = r.compactSize();
  // An entry is at least 30 bytes (legacy) or 9 bytes (BIP155 with an empty address).
  if (n * (type === 'addr' ? 30 : 9) > r.remaining) {
    throw new DecodeError(`${type} count ${n} exceeds payload`);
  }
  const addrs: NetAddress[] = [];
  for (let i = 0; i < n; i++) {
    const a = type === 'addr' ? readAddressV1(r) : readAddressV2(r);
    if (a !== undefined) addrs.push(a);
  }
  return { type, addrs, count: n };
}
