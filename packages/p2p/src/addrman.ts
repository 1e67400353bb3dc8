/**
 * The address manager (Core's AddrMan), simplified but with Core's structure: addresses heard of
 * live in the "new" table (1024 buckets of 64 slots), addresses we have connected to in the
 * "tried" table (256 x 64). Bucket and slot come from a hash keyed with 32 bytes drawn from the
 * Random capability, of the address's group (/16 for IPv4, /32 for IPv6) and of the group of
 * whoever told us about it, so one source cannot fill the table and an attacker cannot predict
 * where an address lands. Selection picks tried or new with equal odds and favours addresses
 * that have not failed recently (Core's GetChance). `isTerrible` drops stale and failing ones.
 *
 * Differences from Core, on purpose: no test-before-evict for tried collisions (the old entry
 * goes back to "new"), one reference per address in "new" (Core keeps up to 8), and no
 * asmap. Persistence is in peers-dat.ts.
 */
import { sha256d } from '@bitcoind-lite/consensus';
import { randomBytesFrom, randomInt, type Random } from '@bitcoind-lite/entropy';
import type { Clock } from '@bitcoind-lite/runtime';
import { formatService, type NetAddress, type NetService } from './messages/net-address.js';

export const ADDRMAN_NEW_BUCKET_COUNT = 1024;
export const ADDRMAN_TRIED_BUCKET_COUNT = 256;
export const ADDRMAN_BUCKET_SIZE = 64;
const ADDRMAN_TRIED_BUCKETS_PER_GROUP = 8;
const ADDRMAN_NEW_BUCKETS_PER_SOURCE_GROUP = 64;
/** Core's isTerrible limits. */
const ADDRMAN_HORIZON_SEC = 30 * 24 * 60 * 60;
const ADDRMAN_RETRIES = 3;
const ADDRMAN_MAX_FAILURES = 10;
const ADDRMAN_MIN_FAIL_SEC = 7 * 24 * 60 * 60;
const ADDRMAN_REPLACEMENT_SEC = 4 * 60 * 60;

export interface AddrInfo {
  addr: NetAddress;
  /** Who told us (the peer's address, or ourselves for seeds). */
  source: NetService;
  lastTrySec: number;
  lastCountAttemptSec: number;
  lastSuccessSec: number;
  attempts: number;
  inTried: boolean;
}

/** Core's GetGroup, simplified: network id plus /16 (IPv4) or /32 (IPv6); onion etc. by 4 bytes. */
export function netGroup(s: NetService): Uint8Array {
  const net = { ipv4: 1, ipv6: 2, onion: 3, i2p: 4, cjdns: 5 }[s.network];
  const n = s.network === 'ipv4' ? 2 : 4;
  return Uint8Array.from([net, ...s.addr.subarray(0, n)]);
}

function u64le(h: Uint8Array): bigint {
  return new DataView(h.buffer, h.byteOffset, 8).getBigUint64(0, true);
}

function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function u32le(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** Key of an address+port, unique per service. */
export function serviceKey(s: NetService): string {
  return formatService(s);
}

export interface AddrManOptions {
  random: Random;
  clock: Clock;
  /** The 32-byte bucketing key; drawn from `random` when absent (a new addrman). */
  key?: Uint8Array;
}

export class AddrMan {
  key: Uint8Array;
  private readonly random: Random;
  private readonly clock: Clock;
  private readonly infos = new Map<string, AddrInfo>();
  /** Slot -> address key; a slot is bucket * 64 + position. */
  private readonly newTable = new Map<number, string>();
  private readonly triedTable = new Map<number, string>();
  private nNew = 0;
  private nTried = 0;

  constructor(o: AddrManOptions) {
    if (o.random === undefined) throw new TypeError('AddrMan: random is required');
    if (o.clock === undefined) throw new TypeError('AddrMan: clock is required');
    this.random = o.random;
    this.clock = o.clock;
    this.key = o.key ?? randomBytesFrom(o.random, 32);
  }

  private nowSec(): number {
    return Math.floor(this.clock.nowMs() / 1000);
  }

  private hash(...parts: (Uint8Array | number[])[]): bigint {
    return u64le(sha256d(concat(this.key, ...parts)));
  }

  private addrBytes(s: NetService): Uint8Array {
    return concat(netGroup(s), s.addr, [s.port >> 8, s.port & 0xff]);
  }

  /** Core's AddrInfo::GetTriedBucket. */
  private triedBucket(a: NetService): number {
    const h1 = this.hash(this.addrBytes(a)) % BigInt(ADDRMAN_TRIED_BUCKETS_PER_GROUP);
    return Number(this.hash(netGroup(a), u32le(Number(h1))) % BigInt(ADDRMAN_TRIED_BUCKET_COUNT));
  }

  /** Core's AddrInfo::GetNewBucket. */
  private newBucket(a: NetService, src: NetService): number {
    const srcGroup = netGroup(src);
    const h1 = this.hash(netGroup(a), srcGroup) % BigInt(ADDRMAN_NEW_BUCKETS_PER_SOURCE_GROUP);
    return Number(this.hash(srcGroup, u32le(Number(h1))) % BigInt(ADDRMAN_NEW_BUCKET_COUNT));
  }

  /** Core's AddrInfo::GetBucketPosition. */
  private position(a: NetService, isNew: boolean, bucket: number): number {
    const tag = isNew ? [0x4e] : [0x4b];
    return Number(this.hash(tag, u32le(bucket), this.addrBytes(a)) % BigInt(ADDRMAN_BUCKET_SIZE));
  }

  size(): { new: number; tried: number; total: number } {
    return { new: this.nNew, tried: this.nTried, total: this.nNew + this.nTried };
  }

  find(s: NetService): AddrInfo | undefined {
    return this.infos.get(serviceKey(s));
  }

  all(): AddrInfo[] {
    return [...this.infos.values()];
  }

  /** Core's AddrInfo::IsTerrible: not worth keeping or sharing. */
  isTerrible(info: AddrInfo, nowSec = this.nowSec()): boolean {
    if (info.lastTrySec !== 0 && nowSec - info.lastTrySec <= 60) return false;
    if (info.addr.time > nowSec + 10 * 60) return true; // from the future
    if (nowSec - info.addr.time > ADDRMAN_HORIZON_SEC) return true;
    if (info.lastSuccessSec === 0 && info.attempts >= ADDRMAN_RETRIES) return true;
    if (
      nowSec - info.lastSuccessSec > ADDRMAN_MIN_FAIL_SEC &&
      info.attempts >= ADDRMAN_MAX_FAILURES
    )
      return true;
    return false;
  }

  /** Core's AddrInfo::GetChance: how likely select() takes this entry. */
  private chance(info: AddrInfo, nowSec: number): number {
    let c = 1;
    if (nowSec - info.lastTrySec < 10 * 60) c *= 0.01;
    c *= Math.pow(0.66, Math.min(info.attempts, 8));
    return c;
  }

  private removeFromNew(key: string): void {
    for (const [slot, k] of this.newTable) {
      if (k === key) this.newTable.delete(slot);
    }
  }

  /**
   * Core's AddrMan::Add: learn addresses from `source`. Times are penalised by `penaltySec` (2 h
   * for addresses relayed by others, as Core) and never set in the future. Returns how many were new.
   */
  add(addrs: NetAddress[], source: NetService, penaltySec = 0): number {
    let added = 0;
    const now = this.nowSec();
    for (const a of addrs) {
      if (a.port === 0) continue;
      const key = serviceKey(a);
      const existing = this.infos.get(key);
      const time = Math.max(0, Math.min(a.time, now + 10 * 60) - penaltySec);
      if (existing) {
        // Core refreshes the time at most hourly (daily for stale ones) and merges services.
        const interval = now - a.time < 24 * 60 * 60 ? 60 * 60 : 24 * 60 * 60;
        if (existing.addr.time < time - interval) existing.addr.time = time;
        existing.addr.services |= a.services;
        continue;
      }
      const info: AddrInfo = {
        addr: { ...a, addr: a.addr.slice(), time },
        source,
        lastTrySec: 0,
        lastCountAttemptSec: 0,
        lastSuccessSec: 0,
        attempts: 0,
        inTried: false,
      };
      if (this.placeNew(key, info)) added++;
    }
    return added;
  }

  private placeNew(key: string, info: AddrInfo): boolean {
    const bucket = this.newBucket(info.addr, info.source);
    const slot = bucket * ADDRMAN_BUCKET_SIZE + this.position(info.addr, true, bucket);
    const occupant = this.newTable.get(slot);
    if (occupant !== undefined) {
      const other = this.infos.get(occupant)!;
      // Core overwrites only a terrible occupant.
      if (!this.isTerrible(other)) return false;
      this.infos.delete(occupant);
      this.nNew--;
    }
    this.infos.set(key, info);
    this.newTable.set(slot, key);
    this.nNew++;
    return true;
  }

  /** Core's AddrMan::Attempt: a connection was tried (counted as a failure until Good). */
  attempt(s: NetService, countFailure: boolean): void {
    const info = this.find(s);
    if (!info) return;
    const now = this.nowSec();
    info.lastTrySec = now;
    if (countFailure && info.lastCountAttemptSec < info.lastSuccessSec + 1) {
      info.lastCountAttemptSec = now;
      info.attempts++;
    }
  }

  /** Core's AddrMan::Good: the handshake completed; move to "tried". */
  good(s: NetService): void {
    const key = serviceKey(s);
    const info = this.infos.get(key);
    if (!info) return;
    const now = this.nowSec();
    info.lastSuccessSec = now;
    info.lastTrySec = now;
    info.attempts = 0;
    if (info.inTried) return;
    this.removeFromNew(key);
    this.nNew--;
    const bucket = this.triedBucket(info.addr);
    const slot = bucket * ADDRMAN_BUCKET_SIZE + this.position(info.addr, false, bucket);
    const occupant = this.triedTable.get(slot);
    if (occupant !== undefined) {
      // Simplified collision handling: the previous occupant goes back to "new".
      const old = this.infos.get(occupant)!;
      old.inTried = false;
      this.nTried--;
      this.infos.delete(occupant);
      this.placeNew(occupant, old);
    }
    info.inTried = true;
    this.triedTable.set(slot, key);
    this.nTried++;
  }

  /** Core's AddrMan::Connected: refresh the time of a peer we were connected to. */
  connected(s: NetService): void {
    const info = this.find(s);
    if (!info) return;
    const now = this.nowSec();
    if (now - info.addr.time > 20 * 60) info.addr.time = now;
  }

  /** Core's SetServices. */
  setServices(s: NetService, services: bigint): void {
    const info = this.find(s);
    if (info) info.addr.services = services;
  }

  /**
   * Core's AddrMan::Select: an address to try, from "tried" or "new" with even odds (or only
   * "new" when `newOnly`), walking random slots and accepting with GetChance.
   */
  select(newOnly = false, accept: (a: AddrInfo) => boolean = () => true): AddrInfo | undefined {
    if (this.infos.size === 0) return undefined;
    const now = this.nowSec();
    let factor = 1;
    const candidates = [...this.infos.values()].filter(
      (i) => accept(i) && (!newOnly || !i.inTried),
    );
    if (candidates.length === 0) return undefined;
    const tried = candidates.filter((c) => c.inTried);
    const fresh = candidates.filter((c) => !c.inTried);
    for (let i = 0; i < 10_000; i++) {
      const useTried =
        !newOnly && tried.length > 0 && (fresh.length === 0 || randomInt(this.random, 2) === 0);
      const pool = useTried ? tried : fresh;
      const pick = pool[randomInt(this.random, pool.length)]!;
      if (randomInt(this.random, 1 << 30) < factor * this.chance(pick, now) * (1 << 30)) {
        return pick;
      }
      factor *= 1.2;
    }
    return candidates[0];
  }

  /**
   * Core's AddrMan::GetAddr: up to `maxAddresses` (and `maxPct` percent of the table) random
   * addresses, terrible ones left out, optionally of one network only.
   */
  getAddr(maxAddresses: number, maxPct: number, network?: string): NetAddress[] {
    const all = [...this.infos.values()];
    let n = all.length;
    if (maxPct !== 0) n = Math.floor((maxPct * n) / 100);
    if (maxAddresses !== 0) n = Math.min(n, maxAddresses);
    const now = this.nowSec();
    // Fisher-Yates over the whole table, stopping once enough good ones are found.
    const out: NetAddress[] = [];
    for (let i = 0; i < all.length && out.length < n; i++) {
      const j = i + randomInt(this.random, all.length - i);
      [all[i], all[j]] = [all[j]!, all[i]!];
      const info = all[i]!;
      if (network !== undefined && info.addr.network !== network) continue;
      if (this.isTerrible(info, now)) continue;
      out.push({ ...info.addr });
    }
    return out;
  }

  /** Takes over another addrman's key and entries (loading peers.dat into a live instance). */
  replaceWith(other: AddrMan): void {
    this.key = other.key;
    this.infos.clear();
    this.newTable.clear();
    this.triedTable.clear();
    this.nNew = 0;
    this.nTried = 0;
    for (const info of other.infos.values()) this.restore(info);
  }

  /** Re-inserts a stored entry (peers.dat load); positions are recomputed from the key. */
  restore(info: AddrInfo): void {
    const key = serviceKey(info.addr);
    if (this.infos.has(key)) return;
    if (info.inTried) {
      const bucket = this.triedBucket(info.addr);
      const slot = bucket * ADDRMAN_BUCKET_SIZE + this.position(info.addr, false, bucket);
      if (!this.triedTable.has(slot)) {
        this.infos.set(key, info);
        this.triedTable.set(slot, key);
        this.nTried++;
        return;
      }
      info.inTried = false;
    }
    this.placeNew(key, info);
  }
}

/** Replacement interval (Core's ADDRMAN_REPLACEMENT), exported for documentation and tests. */
export const ADDRMAN_REPLACEMENT_SECONDS = ADDRMAN_REPLACEMENT_SEC;
