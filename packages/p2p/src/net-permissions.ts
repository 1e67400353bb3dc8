/**
 * P2P permissions (Core's net_permissions): flags a peer gets from `-whitelist=[perms@]subnet`,
 * with Core's bit values, names and parsing. Inbound peers from a listed subnet get the flags;
 * with `out` in the list, outbound peers to it do too. Without `perms@`, Core's implicit set:
 * noban, mempool and relay (forcerelay with -whitelistforcerelay).
 *
 * What the flags change here: noban (Misbehaving never disconnects the peer; implies download),
 * download (getheaders served even below the minimum chain work). The others are recorded and
 * shown by getpeerinfo only.
 */
import type { NetService } from './messages/net-address.js';
import { parseSubNet, subNetContains, type SubNet } from './subnet.js';

export const PF_BLOOMFILTER = 1 << 1;
export const PF_RELAY = 1 << 3;
export const PF_FORCERELAY = (1 << 2) | PF_RELAY;
export const PF_DOWNLOAD = 1 << 6;
export const PF_NOBAN = (1 << 4) | PF_DOWNLOAD;
export const PF_MEMPOOL = 1 << 5;
export const PF_ADDR = 1 << 7;
export const PF_ALL = PF_BLOOMFILTER | PF_FORCERELAY | PF_RELAY | PF_NOBAN | PF_MEMPOOL | PF_ADDR;

export function hasPermission(flags: number, flag: number): boolean {
  return (flags & flag) === flag;
}

/** Core's NetPermissions::ToStrings, in its order (getpeerinfo's `permissions`). */
export function permissionNames(flags: number): string[] {
  const out: string[] = [];
  if (hasPermission(flags, PF_BLOOMFILTER)) out.push('bloomfilter');
  if (hasPermission(flags, PF_NOBAN)) out.push('noban');
  if (hasPermission(flags, PF_FORCERELAY)) out.push('forcerelay');
  if (hasPermission(flags, PF_RELAY)) out.push('relay');
  if (hasPermission(flags, PF_MEMPOOL)) out.push('mempool');
  if (hasPermission(flags, PF_DOWNLOAD)) out.push('download');
  if (hasPermission(flags, PF_ADDR)) out.push('addr');
  return out;
}

export interface WhitelistEntry {
  flags: number;
  subnet: SubNet;
  inbound: boolean;
  outbound: boolean;
}

export class WhitelistError extends Error {
  override readonly name = 'WhitelistError';
}

const NAMED: Record<string, number> = {
  bloomfilter: PF_BLOOMFILTER,
  bloom: PF_BLOOMFILTER,
  noban: PF_NOBAN,
  forcerelay: PF_FORCERELAY,
  mempool: PF_MEMPOOL,
  download: PF_DOWNLOAD,
  all: PF_ALL,
  relay: PF_RELAY,
  addr: PF_ADDR,
};

/**
 * Core's NetWhitelistPermissions::TryParse for one -whitelist value. Errors carry Core's
 * InitError text.
 */
export function parseWhitelist(
  text: string,
  o: { whitelistRelay?: boolean; whitelistForceRelay?: boolean } = {},
): WhitelistEntry {
  const at = text.indexOf('@');
  let flags = 0;
  let inbound = false;
  let outbound = false;
  if (at < 0) {
    flags = PF_MEMPOOL | PF_NOBAN;
    if (o.whitelistRelay ?? true) flags |= PF_RELAY;
    if (o.whitelistForceRelay ?? false) flags |= PF_FORCERELAY;
  } else {
    for (const p of text.slice(0, at).split(',')) {
      const name = p.trim();
      if (name === 'in') inbound = true;
      else if (name === 'out') outbound = true;
      else if (name in NAMED) flags |= NAMED[name]!;
      else if (name !== '') throw new WhitelistError(`Invalid P2P permission: '${name}'`);
    }
    if (flags === 0 && (inbound || outbound)) {
      throw new WhitelistError(`Only direction was set, no permissions: '${text}'`);
    }
  }
  const net = text.slice(at + 1);
  const subnet = parseSubNet(net);
  if (subnet === undefined) {
    throw new WhitelistError(`Invalid netmask specified in -whitelist: '${net}'`);
  }
  // No direction named: inbound only, as Core.
  if (!inbound && !outbound) inbound = true;
  return { flags, subnet, inbound, outbound };
}

/** The flags every matching entry grants a peer at `service` (inbound or outbound). */
export function whitelistedPermissions(
  entries: readonly WhitelistEntry[],
  service: NetService | undefined,
  inbound: boolean,
): number {
  if (service === undefined) return 0;
  let flags = 0;
  for (const e of entries) {
    if ((inbound ? e.inbound : e.outbound) && subNetContains(e.subnet, service)) flags |= e.flags;
  }
  return flags;
}
