/**
 * Core's SelectNodeToEvict, simplified: when inbound slots are full, a new inbound connection
 * may take the place of an existing inbound peer. Candidates are inbound peers not already
 * disconnecting. Protected, in Core's order: 4 peers from distinct network groups (keyed, so an
 * attacker cannot choose them), the 8 with the lowest minimum ping, the 4 that most recently
 * gave us a new transaction, the 4 that most recently gave us a new block, then half of the
 * rest by longest uptime. Of the remaining, the network group with the most peers loses its
 * youngest connection. Not done: Core's protections for onion / I2P / localhost inbound and
 * for block-relay-only inbound peers; NoBan permissions.
 */
import { sha256d } from '@bitcoind-lite/consensus';
import { netGroup } from './addrman.js';
import type { Peer } from './peer.js';

export interface EvictionCandidate {
  peer: Peer;
  keyedNetGroup: string;
}

function keyedGroup(peer: Peer, key: Uint8Array): string {
  const s = peer.endpoints.service;
  const g = s ? netGroup(s) : new Uint8Array(0);
  const buf = new Uint8Array(key.length + g.length);
  buf.set(key);
  buf.set(g, key.length);
  return Buffer.from(sha256d(buf).subarray(0, 8)).toString('hex');
}

function protect(list: EvictionCandidate[], n: number, better: (a: Peer, b: Peer) => number): void {
  list.sort((a, b) => better(a.peer, b.peer));
  list.splice(0, Math.min(n, list.length));
}

/** The peer to evict, or undefined when every candidate is protected. */
export function selectNodeToEvict(peers: Peer[], key: Uint8Array): Peer | undefined {
  let list: EvictionCandidate[] = peers
    .filter((p) => p.inbound && !p.disconnecting)
    .map((peer) => ({ peer, keyedNetGroup: keyedGroup(peer, key) }));

  // 4 by distinct keyed network group.
  list.sort((a, b) => (a.keyedNetGroup < b.keyedNetGroup ? -1 : 1));
  const seen = new Set<string>();
  list = list.filter((c) => {
    if (seen.size < 4 && !seen.has(c.keyedNetGroup)) {
      seen.add(c.keyedNetGroup);
      return false;
    }
    return true;
  });
  protect(list, 8, (a, b) => (a.minPingTimeMs ?? Infinity) - (b.minPingTimeMs ?? Infinity));
  protect(list, 4, (a, b) => b.lastTxTimeSec - a.lastTxTimeSec);
  protect(list, 4, (a, b) => b.lastBlockTimeSec - a.lastBlockTimeSec);
  protect(list, Math.floor(list.length / 2), (a, b) => a.connTimeMs - b.connTimeMs);
  if (list.length === 0) return undefined;

  // The group with the most connections (ties: the one with the youngest member) loses its youngest.
  const groups = new Map<string, EvictionCandidate[]>();
  for (const c of list) {
    const g = groups.get(c.keyedNetGroup) ?? [];
    g.push(c);
    groups.set(c.keyedNetGroup, g);
  }
  let worst: EvictionCandidate[] | undefined;
  let worstYoungest = -Infinity;
  for (const g of groups.values()) {
    const youngest = Math.max(...g.map((c) => c.peer.connTimeMs));
    if (
      !worst ||
      g.length > worst.length ||
      (g.length === worst.length && youngest > worstYoungest)
    ) {
      worst = g;
      worstYoungest = youngest;
    }
  }
  return worst!.reduce((y, c) => (c.peer.connTimeMs > y.peer.connTimeMs ? c : y)).peer;
}
