/**
 * The ban list and the discouraged set (Core's BanMan).
 *
 * Bans are made by the operator (`setban`), last until a time, and are kept in `banlist.json` in
 * the network data directory in Core's format (`{"banned_nets": [{"version": 1, "ban_created",
 * "banned_until", "address": "1.2.3.4/32"}]}`), rewritten after each change. A corrupt or
 * unreadable file is reported and ignored, as Core does.
 *
 * Discouragement is what misbehaviour earns: in memory only, never expires while the node runs
 * (Core keeps it in a rolling bloom filter of 50,000 entries; a Set is exact and is capped here
 * at the same size). Discouraged peers are refused inbound only when inbound slots are nearly
 * full, and are dialled last; banned peers are refused always and never dialled.
 */
import type { Clock, Logger } from '@bitcoind-lite/runtime';
import type { NetService } from './messages/net-address.js';
import type { P2PDir } from './p2p-dir.js';
import {
  formatSubNet,
  parseSubNet,
  singleAddressSubNet,
  subNetContains,
  type SubNet,
} from './subnet.js';

export const BANLIST_FILENAME = 'banlist.json';
/** Core's DEFAULT_MISBEHAVING_BANTIME: a setban without bantime lasts 24 hours. */
export const DEFAULT_BANTIME_SEC = 24 * 60 * 60;
/** The size of Core's discouragement filter. */
const MAX_DISCOURAGED = 50_000;

export interface BanEntry {
  subnet: SubNet;
  createdSec: number;
  bannedUntilSec: number;
}

export interface BanManOptions {
  clock: Clock;
  logger: Logger;
  /** Where banlist.json lives; absent: bans last until the node stops. */
  dir?: P2PDir | undefined;
}

export class BanMan {
  private readonly banned = new Map<string, BanEntry>();
  private readonly discouraged = new Set<string>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly dir: P2PDir | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(o: BanManOptions) {
    if (o.clock === undefined) throw new TypeError('BanMan: clock is required');
    if (o.logger === undefined) throw new TypeError('BanMan: logger is required');
    this.clock = o.clock;
    this.log = o.logger;
    this.dir = o.dir;
  }

  private nowSec(): number {
    return Math.floor(this.clock.nowMs() / 1000);
  }

  /** Reads banlist.json; a missing file is an empty list, a corrupt one is reported and ignored. */
  async load(): Promise<void> {
    if (this.dir === undefined) return;
    if (!(await this.dir.exists(BANLIST_FILENAME))) {
      // Core's LoadBanlist: a missing file is recreated (empty) right away.
      this.log.info('Recreating the banlist database');
      this.save();
      return;
    }
    const started = this.clock.monotonicMs();
    try {
      const text = Buffer.from(await this.dir.readFile(BANLIST_FILENAME)).toString('utf8');
      const json = JSON.parse(text) as { banned_nets?: unknown };
      if (!Array.isArray(json.banned_nets)) throw new Error('no banned_nets array');
      for (const e of json.banned_nets as Record<string, unknown>[]) {
        const subnet = parseSubNet(String(e['address']));
        const created = Number(e['ban_created']);
        const until = Number(e['banned_until']);
        if (e['version'] !== 1 || !subnet || !Number.isFinite(created) || !Number.isFinite(until)) {
          this.log.debug('net', `Dropping entry with unknown version or address from ban list`);
          continue;
        }
        this.banned.set(formatSubNet(subnet), {
          subnet,
          createdSec: created,
          bannedUntilSec: until,
        });
      }
      this.sweep();
      this.log.debug(
        'net',
        `Loaded ${this.banned.size} banned node addresses/subnets  ${Math.floor(this.clock.monotonicMs() - started)}ms`,
      );
    } catch (e) {
      this.banned.clear();
      this.log.warning(
        `Cannot load banlist ${this.dir.description}/${BANLIST_FILENAME}: ${(e as Error).message}`,
      );
      this.log.info('Recreating the banlist database');
      this.save();
    }
  }

  /** Waits for pending banlist.json writes. */
  flush(): Promise<void> {
    return this.writing;
  }

  private save(): void {
    const dir = this.dir;
    if (dir === undefined) return;
    const body = JSON.stringify(
      {
        banned_nets: [...this.banned.values()].map((e) => ({
          version: 1,
          ban_created: e.createdSec,
          banned_until: e.bannedUntilSec,
          address: formatSubNet(e.subnet),
        })),
      },
      null,
      4,
    );
    this.writing = this.writing
      .then(() => dir.writeFileAtomic(BANLIST_FILENAME, new TextEncoder().encode(body + '\n')))
      .catch((e: unknown) => this.log.warning(`Failed to write ${BANLIST_FILENAME}: ${String(e)}`));
  }

  /** Removes expired bans (Core's SweepBanned). */
  private sweep(): boolean {
    const now = this.nowSec();
    let changed = false;
    for (const [k, e] of this.banned) {
      if (e.bannedUntilSec < now) {
        this.banned.delete(k);
        changed = true;
        this.log.debug('net', `Removed banned node address/subnet: ${k}`);
      }
    }
    return changed;
  }

  /** Core's BanMan::Ban; returns false when the subnet was already banned (and unexpired). */
  ban(subnet: SubNet, bantimeSec = DEFAULT_BANTIME_SEC, absolute = false): boolean {
    this.sweep();
    const key = formatSubNet(subnet);
    const now = this.nowSec();
    const until = absolute ? bantimeSec : now + (bantimeSec > 0 ? bantimeSec : DEFAULT_BANTIME_SEC);
    const existing = this.banned.get(key);
    if (existing && existing.bannedUntilSec >= until) return false;
    this.banned.set(key, { subnet, createdSec: now, bannedUntilSec: until });
    this.save();
    return true;
  }

  isBannedSubNet(subnet: SubNet): boolean {
    this.sweep();
    return this.banned.has(formatSubNet(subnet));
  }

  unban(subnet: SubNet): boolean {
    const removed = this.banned.delete(formatSubNet(subnet));
    if (removed) this.save();
    return removed;
  }

  clearBanned(): void {
    this.banned.clear();
    this.save();
  }

  /** Current bans, expired ones swept first (listbanned). */
  /** In Core's banmap order (CSubNet's operator<): network type, address bytes, then mask. */
  getBanned(): BanEntry[] {
    if (this.sweep()) this.save();
    return [...this.banned.values()].sort((a, b) => compareSubNets(a.subnet, b.subnet));
  }

  isBanned(s: NetService | undefined): boolean {
    if (s === undefined) return false;
    const now = this.nowSec();
    for (const e of this.banned.values()) {
      if (e.bannedUntilSec >= now && subNetContains(e.subnet, s)) return true;
    }
    return false;
  }

  discourage(s: NetService): void {
    const net = singleAddressSubNet(s);
    if (net === undefined) return;
    if (this.discouraged.size >= MAX_DISCOURAGED) {
      // Like a rolling filter: the oldest entries go first.
      const oldest = this.discouraged.values().next().value;
      if (oldest !== undefined) this.discouraged.delete(oldest);
    }
    this.discouraged.add(formatSubNet(net));
  }

  isDiscouraged(s: NetService | undefined): boolean {
    if (s === undefined) return false;
    const net = singleAddressSubNet(s);
    return net !== undefined && this.discouraged.has(formatSubNet(net));
  }

  /** Discouraged addresses as "1.2.3.4" (tests and the old `discouraged` set's readers). */
  discouragedHosts(): string[] {
    return [...this.discouraged].map((k) => k.replace(/\/\d+$/, ''));
  }
}

/** Core's Network enum order (NET_IPV4 = 1, NET_IPV6, NET_ONION, NET_I2P). */
const NETWORK_ORDER: Record<SubNet['network'], number> = { ipv4: 1, ipv6: 2, onion: 3, i2p: 4 };

function compareSubNets(a: SubNet, b: SubNet): number {
  const byNet = NETWORK_ORDER[a.network] - NETWORK_ORDER[b.network];
  if (byNet !== 0) return byNet;
  const byAddr = Buffer.compare(a.addr, b.addr);
  if (byAddr !== 0) return byAddr;
  // A shorter prefix is a numerically smaller netmask.
  return a.prefixBits - b.prefixBits;
}
