/**
 * An IP subnet (Core's CSubNet): a network address and a prefix length. Single addresses are
 * subnets of /32 (IPv4) or /128 (IPv6), printed with the prefix as Core prints them
 * ("1.2.3.4/32"), which is how listbanned shows them.
 */
import { formatHost, parseIpLiteral, type NetService } from './messages/net-address.js';
import { parseI2p, parseTorV3 } from './messages/onion-i2p-address.js';

export interface SubNet {
  /** Tor v3 and I2P subnets are single addresses (Core's CSubNet of one CNetAddr). */
  network: 'ipv4' | 'ipv6' | 'onion' | 'i2p';
  /** The network address, host bits cleared. */
  addr: Uint8Array;
  prefixBits: number;
}

/** Core's LookupSubNet for numeric input: "IP", "IP/bits" or "IPv4/netmask". Names: undefined. */
export function parseSubNet(text: string): SubNet | undefined {
  const onion = parseTorV3(text);
  if (onion !== undefined) return { network: 'onion', addr: onion, prefixBits: 256 };
  const i2p = parseI2p(text);
  if (i2p !== undefined) return { network: 'i2p', addr: i2p, prefixBits: 256 };
  const slash = text.indexOf('/');
  const ipText = slash < 0 ? text : text.slice(0, slash);
  const ip = parseIpLiteral(ipText, 0);
  if (ip === undefined || (ip.network !== 'ipv4' && ip.network !== 'ipv6')) return undefined;
  const maxBits = ip.addr.length * 8;
  let prefixBits = maxBits;
  if (slash >= 0) {
    const rest = text.slice(slash + 1);
    if (/^\d+$/.test(rest)) {
      prefixBits = Number(rest);
      if (prefixBits > maxBits) return undefined;
    } else {
      const mask = parseIpLiteral(rest, 0);
      if (mask === undefined || mask.network !== ip.network) return undefined;
      prefixBits = contiguousMaskBits(mask.addr);
      if (prefixBits < 0) return undefined;
    }
  }
  return { network: ip.network, addr: maskBytes(ip.addr, prefixBits), prefixBits };
}

/** The subnet holding exactly this address. */
export function singleAddressSubNet(s: NetService): SubNet | undefined {
  if (s.network === 'cjdns') return undefined;
  return { network: s.network, addr: s.addr.slice(), prefixBits: s.addr.length * 8 };
}

export function subNetContains(net: SubNet, s: NetService): boolean {
  if (s.network !== net.network) return false;
  const masked = maskBytes(s.addr, net.prefixBits);
  return masked.every((b, i) => b === net.addr[i]);
}

export function formatSubNet(net: SubNet): string {
  // Core prints a Tor or I2P "subnet" as the bare address.
  if (net.network === 'onion' || net.network === 'i2p') {
    return formatHost({ network: net.network, addr: net.addr, port: 0 });
  }
  return `${formatHost({ network: net.network, addr: net.addr, port: 0 })}/${net.prefixBits}`;
}

function maskBytes(addr: Uint8Array, bits: number): Uint8Array {
  const out = addr.slice();
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - 8 * i));
    out[i] = out[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

/** Prefix length of a netmask like 255.255.255.0, or -1 when its ones are not contiguous. */
function contiguousMaskBits(mask: Uint8Array): number {
  let bits = 0;
  let zeroSeen = false;
  for (const byte of mask) {
    for (let b = 7; b >= 0; b--) {
      const one = ((byte >> b) & 1) === 1;
      if (one && zeroSeen) return -1;
      if (one) bits++;
      else zeroSeen = true;
    }
  }
  return bits;
}
