/**
 * Which blocks to fetch from which peer (Core's FindNextBlocksToDownload and the blocks-in-flight
 * bookkeeping). Each peer's best known block comes from its headers and invs; blocks between our
 * last common block with it and that best block are requested, at most 16 in flight per peer
 * and never the same block from two peers, within a 1024-block window past the common block.
 */
import type { Clock, Logger } from '@bitcoind-lite/runtime';
import {
  BLOCK_FAILED_MASK,
  BLOCK_HAVE_DATA,
  type P2PBlockIndex,
  type P2PChain,
} from './chain-view.js';
import { MSG_WITNESS_BLOCK, type InvItem } from './messages/inv.js';
import type { Peer } from './peer.js';
import {
  BLOCK_DOWNLOAD_WINDOW,
  MAX_BLOCKS_IN_TRANSIT_PER_PEER,
  NODE_NETWORK,
  NODE_NETWORK_LIMITED,
  NODE_WITNESS,
} from './protocol.js';

export function sameBlock(a: P2PBlockIndex, b: P2PBlockIndex): boolean {
  if (a === b) return true;
  if (a.height !== b.height) return false;
  for (let i = 0; i < 32; i++) if (a.hash[i] !== b.hash[i]) return false;
  return true;
}

function key(hash: Uint8Array): string {
  return Buffer.from(hash).toString('hex');
}

/** Core's LastCommonAncestor. */
export function lastCommonAncestor(a: P2PBlockIndex, b: P2PBlockIndex): P2PBlockIndex | undefined {
  let x: P2PBlockIndex | undefined = a.height > b.height ? a.getAncestor(b.height) : a;
  let y: P2PBlockIndex | undefined = b.height > a.height ? b.getAncestor(a.height) : b;
  while (x && y && !sameBlock(x, y)) {
    x = x.prev;
    y = y.prev;
  }
  return x;
}

export class BlockDownload {
  /** Block hash (hex, internal order) -> the peer it is requested from. */
  private readonly inFlight = new Map<string, number>();
  /**
   * Set by requestBlocks when nothing could be requested only because the window is held up by
   * a block in flight from this other peer (Core's nodeStaller).
   */
  staller: number | undefined;

  constructor(
    private readonly chain: P2PChain,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  /** Core's CanServeBlocks: the peer claims NODE_NETWORK or NODE_NETWORK_LIMITED. */
  canServeBlocks(peer: Peer): boolean {
    return (peer.services & (NODE_NETWORK | NODE_NETWORK_LIMITED)) !== 0n;
  }

  /** Core downloads only from full nodes that serve witness data (segwit is active on regtest). */
  private canDownloadFrom(peer: Peer): boolean {
    return (peer.services & NODE_NETWORK) !== 0n && (peer.services & NODE_WITNESS) !== 0n;
  }

  /** Core's UpdateBlockAvailability: the peer has the block with this hash. */
  updateBlockAvailability(peer: Peer, hash: Uint8Array): void {
    this.processBlockAvailability(peer);
    const idx = this.chain.lookup(hash);
    if (idx !== undefined && idx.chainWork > 0n) {
      if (peer.bestKnownBlock === undefined || idx.chainWork >= peer.bestKnownBlock.chainWork) {
        peer.bestKnownBlock = idx;
      }
    } else {
      peer.lastUnknownBlockHash = hash;
    }
  }

  /** Core's ProcessBlockAvailability: resolve an announced hash once its header is known. */
  processBlockAvailability(peer: Peer): void {
    if (peer.lastUnknownBlockHash === undefined) return;
    const idx = this.chain.lookup(peer.lastUnknownBlockHash);
    if (idx === undefined || idx.chainWork === 0n) return;
    if (peer.bestKnownBlock === undefined || idx.chainWork >= peer.bestKnownBlock.chainWork) {
      peer.bestKnownBlock = idx;
    }
    peer.lastUnknownBlockHash = undefined;
  }

  /** A block arrived from `peer`: clears its request; returns whether we had asked for it. */
  received(peer: Peer, hash: Uint8Array): boolean {
    const k = key(hash);
    const owner = this.inFlight.get(k);
    const requested = peer.blocksInFlight.has(k);
    if (owner !== undefined && requested) this.inFlight.delete(k);
    peer.blocksInFlight.delete(k);
    return requested;
  }

  /** notfound for a block: the request is dropped so another peer may be asked. */
  notFound(peer: Peer, items: InvItem[]): void {
    for (const it of items) {
      const k = key(it.hash);
      if (peer.blocksInFlight.delete(k)) this.inFlight.delete(k);
    }
  }

  peerGone(peer: Peer): void {
    for (const k of peer.blocksInFlight.keys()) {
      if (this.inFlight.get(k) === peer.id) this.inFlight.delete(k);
    }
    peer.blocksInFlight.clear();
  }

  inflightHeights(peer: Peer): number[] {
    return [...peer.blocksInFlight.values()].map((b) => b.index.height).sort((a, b) => a - b);
  }

  isInFlight(hash: Uint8Array): boolean {
    return this.inFlight.has(key(hash));
  }

  /**
   * Core's HeadersDirectFetchBlocks: when our tip is recent and a peer's headers lead to at
   * least as much work, the missing blocks on the way are asked of that peer at once (even a
   * peer without NODE_NETWORK; witness data is required as segwit is active), oldest first.
   */
  directFetch(peer: Peer, last: P2PBlockIndex, targetSpacingSec: number): InvItem[] {
    const active = this.chain.activeChain;
    const tip = active.tip();
    const canDirectFetch = tip.header.time * 1000 > this.clock.nowMs() - targetSpacingSec * 20_000;
    if (!canDirectFetch || (last.status & BLOCK_FAILED_MASK) !== 0) return [];
    if (tip.chainWork > last.chainWork || (peer.services & NODE_WITNESS) === 0n) return [];
    const toFetch: P2PBlockIndex[] = [];
    let walk: P2PBlockIndex | undefined = last;
    while (walk && !active.contains(walk) && toFetch.length <= MAX_BLOCKS_IN_TRANSIT_PER_PEER) {
      if ((walk.status & BLOCK_HAVE_DATA) === 0 && !this.inFlight.has(key(walk.hash))) {
        toFetch.push(walk);
      }
      walk = walk.prev;
    }
    if (walk === undefined || !active.contains(walk)) {
      this.log.debug('net', `Large reorg, won't direct fetch to ${last.hashHex} (${last.height})`);
      return [];
    }
    const items: InvItem[] = [];
    for (const idx of toFetch.reverse()) {
      if (peer.blocksInFlight.size >= MAX_BLOCKS_IN_TRANSIT_PER_PEER) break;
      const k = key(idx.hash);
      this.inFlight.set(k, peer.id);
      peer.blocksInFlight.set(k, { index: idx, requestedMs: this.clock.nowMs() });
      items.push({ type: MSG_WITNESS_BLOCK, hash: idx.hash });
      this.log.debug('net', `Requesting block ${idx.hashHex} from  peer=${peer.id}`);
    }
    if (items.length > 1) {
      this.log.debug(
        'net',
        `Downloading blocks toward ${last.hashHex} (${last.height}) via headers direct fetch`,
      );
    }
    return items;
  }

  /** Core's FindNextBlocksToDownload plus the getdata it leads to. */
  requestBlocks(peer: Peer): InvItem[] {
    this.staller = undefined;
    if (!this.canDownloadFrom(peer)) return [];
    let free = MAX_BLOCKS_IN_TRANSIT_PER_PEER - peer.blocksInFlight.size;
    if (free <= 0) return [];
    this.processBlockAvailability(peer);
    const best = peer.bestKnownBlock;
    const active = this.chain.activeChain;
    const tip = active.tip();
    if (best === undefined || best.chainWork < tip.chainWork) return [];

    // Start from the last block we are known to share with this peer.
    if (peer.lastCommonBlock === undefined) {
      peer.lastCommonBlock = active.at(Math.min(best.height, active.height()));
    }
    if (peer.lastCommonBlock === undefined) return [];
    const common = lastCommonAncestor(peer.lastCommonBlock, best);
    if (common === undefined) return [];
    peer.lastCommonBlock = common;
    if (sameBlock(common, best)) return [];

    const windowEnd = common.height + BLOCK_DOWNLOAD_WINDOW;
    const maxHeight = Math.min(best.height, windowEnd + 1);
    const path: P2PBlockIndex[] = [];
    for (let idx = best.getAncestor(maxHeight); idx && idx.height > common.height; idx = idx.prev) {
      path.push(idx);
    }
    path.reverse();

    const items: InvItem[] = [];
    let contiguous = true;
    let waitingFor: number | undefined;
    for (const idx of path) {
      // A block on an invalid chain: nothing past it is worth fetching from this peer.
      if ((idx.status & BLOCK_FAILED_MASK) !== 0) break;
      if ((idx.status & BLOCK_HAVE_DATA) !== 0 || active.contains(idx)) {
        if (contiguous) peer.lastCommonBlock = idx;
        continue;
      }
      contiguous = false;
      if (idx.height > windowEnd) {
        // The window is full: if another peer's block holds it, that peer is stalling us.
        if (items.length === 0 && waitingFor !== undefined && waitingFor !== peer.id) {
          this.staller = waitingFor;
        }
        break;
      }
      const owner = this.inFlight.get(key(idx.hash));
      if (owner !== undefined) {
        waitingFor ??= owner;
        continue;
      }
      const k = key(idx.hash);
      this.inFlight.set(k, peer.id);
      peer.blocksInFlight.set(k, { index: idx, requestedMs: this.clock.nowMs() });
      items.push({ type: MSG_WITNESS_BLOCK, hash: idx.hash });
      this.log.debug('net', `Requesting block ${idx.hashHex} (${idx.height}) peer=${peer.id}`);
      if (--free === 0) break;
    }
    return items;
  }
}
