/**
 * Network addresses as they travel in version, addr (16-byte IPv6 form, IPv4 mapped) and
 * addrv2 (BIP155: a network id and a variable-length address). Core's CNetAddr / CService.
 */
import { formatI2p, formatTorV3 } from './onion-i2p-address.js';
import { BufferReader, BufferWriter, DecodeError } from '@bitcoind-lite/consensus';

/** BIP155 network ids. */
export const BIP155_IPV4 = 1;
export const BIP155_IPV6 = 2;
export const BIP155_TORV2 = 3;
export const BIP155_TORV3 = 4;
export const BIP155_I2P = 5;
export const BIP155_CJDNS = 6;

/** Core's MAX_ADDRV2_SIZE. */
export const MAX_ADDRV2_SIZE = 512;

export type NetworkName = 'ipv4' | 'ipv6' | 'onion' | 'i2p' | 'cjdns';

const ADDR_LENGTHS: Record<number, [NetworkName, number]> = {
  [BIP155_IPV4]: ['ipv4', 4],
  [BIP155_IPV6]: ['ipv6', 16],
  [BIP155_TORV3]: ['onion', 32],
  [BIP155_I2P]: ['i2p', 32],
  [BIP155_CJDNS]: ['cjdns', 16],
};

const IPV4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** A host and port (Core's CService); `addr` holds 4 bytes for IPv4, 16 for IPv6, ... */
export interface NetService {
  network: NetworkName;
  addr: Uint8Array;
  port: number;
}

/** A service with its advertised services and last-seen time (Core's CAddress). */
export interface NetAddress extends NetService {
  services: bigint;
  /** Seconds since the epoch; 0 in the version message, which carries no time. */
  time: number;
}

export function ipv4Service(a: number, b: number, c: number, d: number, port: number): NetService {
  return { network: 'ipv4', addr: Uint8Array.of(a, b, c, d), port };
}

/** The unspecified address, as Core sends for its own address in version. */
export function emptyService(): NetService {
  return { network: 'ipv6', addr: new Uint8Array(16), port: 0 };
}

/** Parses a numeric IPv4 / IPv6 literal; undefined for names (which are never resolved here). */
export function parseIpLiteral(host: string, port: number): NetService | undefined {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { network: 'ipv4', addr: Uint8Array.from(parts), port };
  }
  if (h.includes(':')) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(h);
    if (mapped) return parseIpLiteral(mapped[1]!, port);
    const halves = h.split('::');
    if (halves.length > 2) return undefined;
    const head = halves[0] ? halves[0].split(':') : [];
    const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
    const fill = 8 - head.length - tail.length;
    if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
    const groups = [...head, ...Array<string>(fill).fill('0'), ...tail];
    const out = new Uint8Array(16);
    for (let i = 0; i < 8; i++) {
      const g = groups[i]!;
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      const v = parseInt(g, 16);
      out[2 * i] = v >> 8;
      out[2 * i + 1] = v & 0xff;
    }
    return { network: 'ipv6', addr: out, port };
  }
  return undefined;
}

export function formatHost(s: NetService): string {
  if (s.network === 'ipv4') return [...s.addr].join('.');
  if (s.network === 'ipv6' || s.network === 'cjdns') {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((s.addr[i]! << 8) | s.addr[i + 1]!).toString(16));
    return groups
      .join(':')
      .replace(/(^|:)0(:0)+(:|$)/, '::')
      .replace(/:{3,}/, '::');
  }
  // Core's ToStringAddr: Tor v3 and I2P in their base32 names.
  if (s.network === 'onion' && s.addr.length === 32) return formatTorV3(s.addr);
  if (s.network === 'i2p' && s.addr.length === 32) return formatI2p(s.addr);
  return Buffer.from(s.addr).toString('hex') + (s.network === 'onion' ? '.onion' : '.i2p');
}

/** "1.2.3.4:8333" or "[::1]:8333", as Core's CService::ToStringAddrPort. */
export function formatService(s: NetService): string {
  const host = formatHost(s);
  return s.network === 'ipv6' || s.network === 'cjdns'
    ? `[${host}]:${s.port}`
    : `${host}:${s.port}`;
}

/** The 16-byte form used by version and addr (IPv4 mapped into IPv6). */
function toLegacyBytes(s: NetService): Uint8Array {
  if (s.network === 'ipv4') return Uint8Array.from([...IPV4_MAPPED_PREFIX, ...s.addr]);
  if (s.network === 'ipv6') return s.addr;
  // Core serializes non-IP networks as all-zero in the legacy format.
  return new Uint8Array(16);
}

function fromLegacyBytes(b: Uint8Array, port: number): NetService {
  if (IPV4_MAPPED_PREFIX.every((v, i) => b[i] === v)) {
    return { network: 'ipv4', addr: b.slice(12, 16), port };
  }
  return { network: 'ipv6', addr: b.slice(), port };
}

/** services (u64) + 16-byte address + port (big-endian), as in the version message. */
export function writeServiceLegacy(w: BufferWriter, services: bigint, s: NetService): void {
  w.u64(services).bytes(toLegacyBytes(s)).u16be(s.port);
}

export function readServiceLegacy(r: BufferReader): { services: bigint; service: NetService } {
  const services = r.u64();
  const bytes = r.bytesN(16);
  const port = r.u16be();
  return { services, service: fromLegacyBytes(bytes, port) };
}

/** An addr entry: time (u32), then the legacy service. */
export function writeAddressV1(w: BufferWriter, a: NetAddress): void {
  w.u32(a.time);
  writeServiceLegacy(w, a.services, a);
}

export function readAddressV1(r: BufferReader): NetAddress {
  const time = r.u32();
  const { services, service } = readServiceLegacy(r);
  return { ...service, services, time };
}

const NETWORK_IDS: Record<NetworkName, number> = {
  ipv4: BIP155_IPV4,
  ipv6: BIP155_IPV6,
  onion: BIP155_TORV3,
  i2p: BIP155_I2P,
  cjdns: BIP155_CJDNS,
};

/** BIP155 entry: time (u32), services (CompactSize), network id, address, port. */
export function writeAddressV2(w: BufferWriter, a: NetAddress): void {
  w.u32(a.time).compactSize(Number(a.services));
  w.u8(NETWORK_IDS[a.network]).varBytes(a.addr).u16be(a.port);
}

/** Reads a BIP155 entry; undefined for networks this node does not know (skipped, as Core). */
export function readAddressV2(r: BufferReader): NetAddress | undefined {
  const time = r.u32();
  const services = BigInt(r.compactSize(false));
  const networkId = r.u8();
  const len = r.compactSize();
  if (len > MAX_ADDRV2_SIZE) throw new DecodeError(`Address too long: ${len} > ${MAX_ADDRV2_SIZE}`);
  const addr = r.bytesN(len).slice();
  const port = r.u16be();
  const known = ADDR_LENGTHS[networkId];
  if (known === undefined) return undefined;
  if (known[1] !== len) {
    throw new DecodeError(`BIP155 ${known[0]} address with length ${len} (should be ${known[1]})`);
  }
  return { network: known[0], addr, port, services, time };
}

/** Core's GetNetClass names for getpeerinfo's `network`: loopback and private are unroutable. */
export function networkClass(s: NetService): string {
  if (s.network === 'ipv4') {
    const [a, b] = [s.addr[0]!, s.addr[1]!];
    const unroutable =
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127) ||
      a >= 224;
    return unroutable ? 'not_publicly_routable' : 'ipv4';
  }
  if (s.network === 'ipv6') {
    const loopback = s.addr.every((v, i) => (i === 15 ? v === 1 : v === 0));
    const unspecified = s.addr.every((v) => v === 0);
    const local = s.addr[0] === 0xfe && (s.addr[1]! & 0xc0) === 0x80;
    const ula = (s.addr[0]! & 0xfe) === 0xfc;
    return loopback || unspecified || local || ula ? 'not_publicly_routable' : 'ipv6';
  }
  return s.network;
}
