/**
 * Address relay (Core's net_processing: addr / addrv2 / getaddr handling, RelayAddress,
 * MaybeSendAddr), backed by the AddrMan.
 *
 * Core's rules kept here: more than 1000 addresses in one message is misbehaviour; each peer
 * has a token bucket of 0.1 address per second (up to 1000), topped up by 1000 when we asked it
 * with getaddr, and addresses beyond it are counted as rate-limited and dropped; addresses
 * with an absurd time are aged 5 days; learned addresses are stored with a 2-hour penalty;
 * fresh ones from unsolicited small messages are relayed to two peers; getaddr is answered
 * once per connection, only for inbound peers, from a cache of at most 1000 addresses (23% of
 * the table) that lasts about a day, so repeated requests do not map the table. Queued
 * addresses go out on a Poisson timer (30 s average), as Core trickles them.
 */
import type { AddrMan } from './addrman.js';
import type { BanMan } from './ban-man.js';
import { formatService, networkClass, type NetAddress } from './messages/net-address.js';
import type { NetContext } from './net-context.js';
import type { Peer } from './peer.js';
import { poissonDelayMs } from './poisson.js';
import { MAX_ADDR_TO_SEND, NODE_NETWORK, NODE_NETWORK_LIMITED, NODE_WITNESS } from './protocol.js';
import { randomInt } from '@bitcoind-lite/entropy';

/** Core's MAX_ADDR_RATE_PER_SECOND and MAX_ADDR_PROCESSING_TOKEN_BUCKET. */
export const MAX_ADDR_RATE_PER_SECOND = 0.1;
export const MAX_ADDR_PROCESSING_TOKEN_BUCKET = MAX_ADDR_TO_SEND;
/** Core's MAX_PCT_ADDR_TO_SEND. */
export const MAX_PCT_ADDR_TO_SEND = 23;
/** Core's AVG_ADDRESS_BROADCAST_INTERVAL. */
export const AVG_ADDRESS_BROADCAST_INTERVAL_MS = 30_000;
/** Core keeps its getaddr answer 21 hours plus up to 6 (m_addr_response_caches). */
const ADDR_CACHE_BASE_MS = 21 * 60 * 60 * 1000;
const ADDR_CACHE_JITTER_MS = 6 * 60 * 60 * 1000;
/** Addresses relayed unsolicited must be this fresh (Core: 10 minutes). */
const RELAY_FRESH_SEC = 10 * 60;

export interface AddrRelayOptions {
  /** Networks this node may connect to (onlynet); undefined: all. */
  reachable: (network: string) => boolean;
  addrBroadcastIntervalMs?: number | undefined;
}

export class AddrRelay {
  private cache: { addrs: NetAddress[]; expiresMs: number } | undefined;
  private readonly intervalMs: number;

  constructor(
    private readonly ctx: NetContext,
    readonly addrman: AddrMan,
    private readonly banman: BanMan,
    private readonly o: AddrRelayOptions,
  ) {
    this.intervalMs = o.addrBroadcastIntervalMs ?? AVG_ADDRESS_BROADCAST_INTERVAL_MS;
  }

  /** Core's SetupAddressRelay: block-relay-only connections take no part. */
  private relays(peer: Peer): boolean {
    return peer.connectionType !== 'block-relay-only';
  }

  /** We asked this peer for addresses: it may send a full message (Core tops up the bucket). */
  sentGetAddr(peer: Peer): void {
    peer.sentGetAddr = true;
    peer.addrTokenBucket += MAX_ADDR_TO_SEND;
  }

  onAddr(peer: Peer, type: 'addr' | 'addrv2', addrs: NetAddress[], count: number): void {
    if (!this.relays(peer)) {
      this.ctx.log.debug('net', `ignoring ${type} message from block-relay-only peer=${peer.id}`);
      return;
    }
    if (count > MAX_ADDR_TO_SEND) {
      this.ctx.misbehaving(peer, `${type} message size = ${count}`);
      return;
    }
    const nowMs = this.ctx.clock.nowMs();
    const nowSec = Math.floor(nowMs / 1000);
    // Refill the bucket for the time since the last message (Core caps it at the maximum).
    if (peer.addrTokenBucket < MAX_ADDR_PROCESSING_TOKEN_BUCKET) {
      const elapsedSec =
        peer.addrTokenTimestampMs === 0 ? 0 : (nowMs - peer.addrTokenTimestampMs) / 1000;
      peer.addrTokenBucket = Math.min(
        peer.addrTokenBucket + Math.max(0, elapsedSec) * MAX_ADDR_RATE_PER_SECOND,
        MAX_ADDR_PROCESSING_TOKEN_BUCKET,
      );
    }
    peer.addrTokenTimestampMs = nowMs;

    const ok: NetAddress[] = [];
    let processed = 0;
    let rateLimited = 0;
    for (const a of addrs) {
      if (peer.addrTokenBucket < 1) {
        rateLimited++;
        continue;
      }
      peer.addrTokenBucket -= 1;
      // Core stores only addresses that may serve blocks.
      const full = (a.services & (NODE_NETWORK | NODE_WITNESS)) === (NODE_NETWORK | NODE_WITNESS);
      const limited = (a.services & NODE_NETWORK_LIMITED) !== 0n;
      if (!full && !limited) continue;
      if (a.time <= 100_000_000 || a.time > nowSec + 10 * 60) a.time = nowSec - 5 * 24 * 60 * 60;
      peer.addrKnown.add(formatService(a));
      if (this.banman.isBanned(a) || this.banman.isDiscouraged(a)) continue;
      processed++;
      const reachable = this.o.reachable(a.network);
      if (
        a.time > nowSec - RELAY_FRESH_SEC &&
        !peer.sentGetAddr &&
        addrs.length <= 10 &&
        isRoutable(a)
      ) {
        this.relayAddress(peer, a, reachable);
      }
      if (reachable) ok.push(a);
    }
    peer.addrProcessed += processed;
    peer.addrRateLimited += rateLimited;
    // AddrMan refuses unroutable addresses (loopback, private ranges), as Core's AddrMan::Add.
    const added = this.addrman.add(ok.filter(isRoutable), peerSource(peer), 2 * 60 * 60);
    this.ctx.log.debug(
      'net',
      `Received addr: ${addrs.length} addresses (${processed} processed, ${rateLimited} rate-limited, ${added} new) from peer=${peer.id}`,
    );
    if (addrs.length < MAX_ADDR_TO_SEND) peer.sentGetAddr = false;
    if (peer.connectionType === 'addr-fetch' && addrs.length > 1) {
      this.ctx.log.debug('net', `addrfetch connection completed peer=${peer.id}; disconnecting`);
      peer.disconnect('addr-fetch done');
    }
  }

  onGetAddr(peer: Peer): void {
    // Core answers inbound peers only: an outbound peer asking is fingerprinting us.
    if (!peer.inbound) {
      this.ctx.log.debug(
        'net',
        `Ignoring "getaddr" from ${peer.connectionType} connection. peer=${peer.id}`,
      );
      return;
    }
    if (!this.relays(peer)) return;
    if (peer.answeredGetAddr) {
      this.ctx.log.debug('net', `Ignoring repeated "getaddr". peer=${peer.id}`);
      return;
    }
    peer.answeredGetAddr = true;
    peer.addrsToSend = [];
    for (const a of this.cachedAddresses()) this.pushAddress(peer, a);
  }

  private cachedAddresses(): NetAddress[] {
    const now = this.ctx.clock.nowMs();
    if (this.cache === undefined || this.cache.expiresMs < now) {
      const addrs = this.addrman.getAddr(MAX_ADDR_TO_SEND, MAX_PCT_ADDR_TO_SEND);
      const jitter = randomInt(this.ctx.random, ADDR_CACHE_JITTER_MS);
      this.cache = { addrs, expiresMs: now + ADDR_CACHE_BASE_MS + jitter };
    }
    return this.cache.addrs;
  }

  /** Core's PushAddress: queue unless the peer knows it or cannot decode it (v1 and non-IP). */
  private pushAddress(peer: Peer, a: NetAddress): void {
    if (!peer.wantsAddrV2 && a.network !== 'ipv4' && a.network !== 'ipv6') return;
    if (peer.addrKnown.has(formatService(a))) return;
    if (peer.addrsToSend.length >= MAX_ADDR_TO_SEND) {
      peer.addrsToSend[randomInt(this.ctx.random, peer.addrsToSend.length)] = a;
    } else peer.addrsToSend.push(a);
  }

  /** Core's RelayAddress: to two address-relaying peers (one if we cannot reach it ourselves). */
  private relayAddress(from: Peer, a: NetAddress, reachable: boolean): void {
    const candidates = this.ctx.connman
      .allPeers()
      .filter((p) => p !== from && p.successfullyConnected && !p.disconnecting && this.relays(p));
    const n = reachable ? 2 : 1;
    for (let i = 0; i < n && candidates.length > 0; i++) {
      const [p] = candidates.splice(randomInt(this.ctx.random, candidates.length), 1);
      this.pushAddress(p!, a);
    }
  }

  /** Core's MaybeSendAddr, run from the send loop. */
  maybeSendAddr(peer: Peer): void {
    if (!this.relays(peer)) return;
    const now = this.ctx.clock.nowMs();
    if (peer.nextAddrSendMs === 0) {
      peer.nextAddrSendMs = now + poissonDelayMs(this.ctx.random, this.intervalMs);
      return;
    }
    if (now < peer.nextAddrSendMs) return;
    peer.nextAddrSendMs = now + poissonDelayMs(this.ctx.random, this.intervalMs);
    const out = peer.addrsToSend.filter((a) => !peer.addrKnown.has(formatService(a)));
    peer.addrsToSend = [];
    if (out.length === 0) return;
    for (const a of out) peer.addrKnown.add(formatService(a));
    this.ctx.send(peer, {
      type: peer.wantsAddrV2 ? 'addrv2' : 'addr',
      addrs: out,
      count: out.length,
    });
  }

  /** getnodeaddresses: `count` known addresses (0 = all), optionally of one network. */
  getNodeAddresses(count: number, network?: string): NetAddress[] {
    return this.addrman.getAddr(count, 0, network);
  }
}

/** Core's CNetAddr::IsRoutable, from the same ranges as getpeerinfo's network class. */
export function isRoutable(a: NetAddress | Peer['endpoints']['service']): boolean {
  if (a === undefined) return false;
  return networkClass(a) !== 'not_publicly_routable';
}

function peerSource(peer: Peer): NetAddress {
  const s = peer.endpoints.service;
  return s
    ? { ...s, services: 0n, time: 0 }
    : { network: 'ipv4', addr: new Uint8Array(4), port: 0, services: 0n, time: 0 };
}
