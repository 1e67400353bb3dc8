/**
 * Headers-first sync and serving headers (Core's net_processing: MaybeSendGetHeaders, the
 * headers / getheaders / getblocks handling, HandleUnconnectingHeaders, block invs, and the
 * choice of which peers to start syncing from).
 */
import {
  type BlockHeader,
  checkProofOfWork,
  getChainParams,
  networkForMessageStart,
} from '@bitcoind-lite/consensus';
import { sameBlock } from './block-download.js';
import { BLOCK_FAILED_MASK, BLOCK_VALID_MASK, type P2PBlockIndex } from './chain-view.js';
import {
  invToString,
  isBlockInv,
  MSG_BLOCK,
  MSG_WITNESS_FLAG,
  type GetHeadersMessage,
  type InvItem,
} from './messages/index.js';
import type { Misbehaviour } from './misbehaviour.js';
import { hasPermission, PF_DOWNLOAD } from './net-permissions.js';
import { hexOf, isZero, sameHash, type NetContext } from './net-context.js';
import type { Peer } from './peer.js';
import {
  HEADERS_RESPONSE_TIME_MS,
  MAX_GETBLOCKS_RESULTS,
  MAX_HEADERS_RESULTS,
  MAX_INV_SZ,
  MAX_LOCATOR_SZ,
  PROTOCOL_VERSION,
} from './protocol.js';

/** No network limit: only a header's own target is checked (unknown message start). */
const NO_POW_LIMIT = (1n << 256n) - 1n;

/**
 * The powLimit of the network whose message start is `magic` (Core's GetNetworkForMagic); for
 * a magic no built-in network has (a custom signet), only each header's own target is checked
 * here and the full check stays with processNewBlockHeaders.
 */
export function powLimitForMagic(magic: Uint8Array): bigint {
  const network = networkForMessageStart(magic);
  return network === undefined ? NO_POW_LIMIT : getChainParams(network).powLimit;
}

/** Core starts headers sync with every peer once the best header is this recent. */
const RECENT_HEADER_MS = 24 * 60 * 60 * 1000;
/** Core's HEADERS_DOWNLOAD_TIMEOUT_PER_HEADER. */
const HEADERS_DOWNLOAD_TIMEOUT_PER_HEADER_MS = 1;
const TARGET_SPACING_SEC = 600;
/** Core's STALE_RELAY_AGE_LIMIT: 30 days. */
const STALE_RELAY_AGE_LIMIT_SEC = 30 * 24 * 60 * 60;
/** Core's BLOCK_VALID_SCRIPTS. */
const BLOCK_VALID_SCRIPTS = 5;

export class HeadersSync {
  private syncStartedCount = 0;
  /** Core's m_inv_triggered_getheaders_before_sync, per peer. */
  private readonly invTriggeredGetHeaders = new WeakSet<Peer>();
  /** Core's m_last_block_inv_triggering_headers_sync. */
  private lastBlockInvTriggeringSync: Uint8Array | undefined;

  constructor(
    private readonly ctx: NetContext,
    private readonly misbehaviour: Misbehaviour,
    /** Core's HEADERS_DOWNLOAD_TIMEOUT_BASE: 15 minutes. */
    private readonly headersTimeoutBaseMs = 15 * 60_000,
    /** The network's powLimit, for Core's CheckHeadersPoW (see powLimitForMagic). */
    private readonly powLimit: bigint = NO_POW_LIMIT,
  ) {}

  /**
   * Core's headers sync timeout: while our best header is more than a day old, the peer we
   * sync headers from must deliver within 15 minutes plus 1 ms per header we expect (from the
   * time since our best header). It is dropped only when it is the one sync peer and another
   * outbound peer could take over; once headers are recent the timeout no longer applies.
   */
  headersSyncTimedOut(peer: Peer, now: number): boolean {
    if (!peer.syncStarted || peer.headersSyncTimeoutMs === Infinity) return false;
    const bestMs = this.ctx.chain.bestHeader.header.time * 1000;
    if (bestMs > now - RECENT_HEADER_MS) {
      peer.headersSyncTimeoutMs = Infinity;
      return false;
    }
    if (now <= peer.headersSyncTimeoutMs || this.syncStartedCount !== 1) return false;
    const others = this.ctx.connman
      .allPeers()
      .some((p) => p !== peer && !p.inbound && !p.disconnecting && p.successfullyConnected);
    if (!others) return false;
    this.ctx.log.info(`Timeout downloading headers from peer=${peer.id}, disconnecting`);
    peer.disconnect('headers sync timeout');
    return true;
  }

  peerClosed(peer: Peer): void {
    if (peer.syncStarted) this.syncStartedCount--;
  }

  findForkInLocator(locator: Uint8Array[]): P2PBlockIndex | undefined {
    const chain = this.ctx.chain.activeChain;
    for (const hash of locator) {
      const idx = this.ctx.chain.lookup(hash);
      if (idx === undefined) continue;
      if (chain.contains(idx)) return idx;
      const anc = idx.getAncestor(chain.height());
      if (anc !== undefined && sameBlock(anc, chain.tip())) return chain.tip();
    }
    return chain.at(0);
  }

  onGetHeaders(peer: Peer, m: GetHeadersMessage): void {
    if (m.locator.length > MAX_LOCATOR_SZ) {
      this.ctx.log.debug(
        'net',
        `getheaders locator size ${m.locator.length} > ${MAX_LOCATOR_SZ}, disconnect peer=${peer.id}`,
      );
      peer.disconnect('locator too large');
      return;
    }
    // Core serves headers during IBD too; only an active chain below the network's minimum
    // chain work (never on regtest) is withheld, with an empty answer so the peer does not
    // wait on us.
    const minimumChainWork = this.ctx.chain.params?.minimumChainWork ?? 0n;
    if (
      this.ctx.chain.activeChain.tip().chainWork < minimumChainWork &&
      !hasPermission(peer.permissions, PF_DOWNLOAD)
    ) {
      this.ctx.log.debug(
        'net',
        `Ignoring getheaders from peer=${peer.id} because active chain has too little work; sending empty response`,
      );
      this.ctx.send(peer, { type: 'headers', headers: [] });
      return;
    }
    const chain = this.ctx.chain.activeChain;
    let start: P2PBlockIndex | undefined;
    if (m.locator.length === 0) {
      start = this.ctx.chain.lookup(m.hashStop);
      if (start === undefined) return;
      if (!this.blockRequestAllowed(start)) {
        this.ctx.log.debug(
          'net',
          `ProcessMessage: ignoring request from peer=${peer.id} for old block header that isn't in the main chain`,
        );
        return;
      }
    } else {
      const fork = this.findForkInLocator(m.locator);
      start = fork ? chain.next(fork) : undefined;
    }
    const headers: BlockHeader[] = [];
    let last: P2PBlockIndex | undefined;
    for (let idx = start; idx !== undefined; idx = chain.next(idx)) {
      headers.push(idx.header);
      last = idx;
      if (headers.length >= MAX_HEADERS_RESULTS || sameHash(idx.hash, m.hashStop)) break;
    }
    this.ctx.log.debug(
      'net',
      `getheaders ${start ? start.height : -1} to ${isZero(m.hashStop) ? 'end' : hexOf(m.hashStop)} from peer=${peer.id}`,
    );
    // Core remembers the last header sent, so later announcements can connect to it.
    peer.bestHeaderSent = last ?? chain.tip();
    this.ctx.send(peer, { type: 'headers', headers });
  }

  /**
   * Core's BlockRequestAllowed: a block off the active chain is served only when fully
   * validated (BLOCK_VALID_SCRIPTS) and less than a month older than our best header (Core also
   * bounds its proof-equivalent time by the same month, not computed here).
   */
  private blockRequestAllowed(idx: P2PBlockIndex): boolean {
    if (this.ctx.chain.activeChain.contains(idx)) return true;
    if ((idx.status & BLOCK_FAILED_MASK) !== 0) return false;
    if ((idx.status & BLOCK_VALID_MASK) < BLOCK_VALID_SCRIPTS) return false;
    return this.ctx.chain.bestHeader.header.time - idx.header.time < STALE_RELAY_AGE_LIMIT_SEC;
  }

  onGetBlocks(peer: Peer, m: GetHeadersMessage): void {
    if (m.locator.length > MAX_LOCATOR_SZ) {
      this.ctx.log.debug(
        'net',
        `getblocks locator size ${m.locator.length} > ${MAX_LOCATOR_SZ}, disconnect peer=${peer.id}`,
      );
      peer.disconnect('locator too large');
      return;
    }
    const chain = this.ctx.chain.activeChain;
    const fork = this.findForkInLocator(m.locator);
    const items: InvItem[] = [];
    for (let idx = fork ? chain.next(fork) : undefined; idx !== undefined; idx = chain.next(idx)) {
      if (sameHash(idx.hash, m.hashStop)) break;
      items.push({ type: MSG_BLOCK, hash: idx.hash });
      if (items.length >= MAX_GETBLOCKS_RESULTS) break;
    }
    this.ctx.log.debug(
      'net',
      `getblocks ${fork ? fork.height + 1 : -1} to ${isZero(m.hashStop) ? 'end' : hexOf(m.hashStop)} limit ${MAX_GETBLOCKS_RESULTS} from peer=${peer.id}`,
    );
    if (items.length > 0) this.ctx.send(peer, { type: 'inv', items });
  }

  maybeSendGetHeaders(peer: Peer, from: P2PBlockIndex | undefined, force = false): boolean {
    const now = this.ctx.clock.nowMs();
    if (
      !force &&
      peer.lastGetHeadersMs !== 0 &&
      now - peer.lastGetHeadersMs < HEADERS_RESPONSE_TIME_MS
    ) {
      return false;
    }
    peer.lastGetHeadersMs = now;
    const locator = this.ctx.chain.activeChain.getLocator(from);
    this.ctx.send(peer, {
      type: 'getheaders',
      version: PROTOCOL_VERSION,
      locator,
      hashStop: new Uint8Array(32),
    });
    return true;
  }

  async onHeaders(peer: Peer, headers: BlockHeader[]): Promise<void> {
    if (headers.length > MAX_HEADERS_RESULTS) {
      this.ctx.misbehaving(peer, `headers message size = ${headers.length}`);
      return;
    }
    peer.lastGetHeadersMs = 0;
    if (headers.length === 0) return;
    // Core's CheckHeadersPoW runs first, before asking whether the headers connect: a header
    // that misses its own target is misbehaviour even when its parent is unknown to us.
    if (!headers.every((h) => checkProofOfWork(h.hash(), h.bits, this.powLimit))) {
      this.ctx.misbehaving(peer, 'header with invalid proof of work');
      return;
    }
    for (let i = 1; i < headers.length; i++) {
      if (!sameHash(headers[i]!.prevBlock, headers[i - 1]!.hash())) {
        this.ctx.misbehaving(peer, 'non-continuous headers sequence');
        return;
      }
    }
    const first = headers[0]!;
    if (this.ctx.chain.lookup(first.prevBlock) === undefined) {
      // Core's HandleUnconnectingHeaders: ask for the headers in between, from our best header.
      const best = this.ctx.chain.bestHeader;
      if (this.maybeSendGetHeaders(peer, best)) {
        this.ctx.log.debug(
          'net',
          `received header ${first.hashHex()}: missing prev block ${hexOf(first.prevBlock)}, sending getheaders (${best.height}) to end (peer=${peer.id})`,
        );
      }
      this.ctx.download.updateBlockAvailability(peer, headers[headers.length - 1]!.hash());
      return;
    }
    const { state, last } = await this.ctx.withChain(() =>
      this.ctx.chain.processNewBlockHeaders(headers),
    );
    if (!state.valid) {
      this.misbehaviour.maybePunishNodeForBlock(peer, state, 'invalid header received');
      return;
    }
    if (last !== undefined) {
      this.ctx.download.updateBlockAvailability(peer, last.hash);
      const items = this.ctx.download.directFetch(peer, last, TARGET_SPACING_SEC);
      if (items.length > 0) this.ctx.send(peer, { type: 'getdata', items });
      if (headers.length === MAX_HEADERS_RESULTS) {
        // A full message: the peer has more. Core asks from the last header it sent.
        this.ctx.log.debug(
          'net',
          `more getheaders (${last.height}) to end to peer=${peer.id} (startheight:${peer.startingHeight})`,
        );
        this.maybeSendGetHeaders(peer, last, true);
      }
    }
  }

  onInv(peer: Peer, items: InvItem[]): void {
    if (items.length > MAX_INV_SZ) {
      this.ctx.misbehaving(peer, `inv message size = ${items.length}`);
      return;
    }
    let bestUnknown: Uint8Array | undefined;
    for (const item of items) {
      if (isBlockInv(item.type) && (item.type & ~MSG_WITNESS_FLAG) === MSG_BLOCK) {
        const known = this.ctx.chain.lookup(item.hash) !== undefined;
        this.ctx.log.debug(
          'net',
          `got inv: ${invToString(item)}  ${known ? 'have' : 'new'} peer=${peer.id}`,
        );
        this.ctx.download.updateBlockAvailability(peer, item.hash);
        if (!known && !this.ctx.download.isInFlight(item.hash)) bestUnknown = item.hash;
      }
      // Transaction invs wait for the mempool (issue 5).
    }
    if (bestUnknown === undefined) return;
    // Core, in IBD or not: a peer we sync headers from is asked at once; any other peer only
    // for the first new block it announces, and only one such peer per new block.
    const triggeredBefore = this.invTriggeredGetHeaders.has(peer);
    const sameBlockAgain =
      this.lastBlockInvTriggeringSync !== undefined &&
      sameHash(bestUnknown, this.lastBlockInvTriggeringSync);
    if (!peer.syncStarted && (triggeredBefore || sameBlockAgain)) return;
    const best = this.ctx.chain.bestHeader;
    if (this.maybeSendGetHeaders(peer, best)) {
      this.ctx.log.debug(
        'net',
        `getheaders (${best.height}) ${hexOf(bestUnknown)} to peer=${peer.id}`,
      );
    }
    if (!peer.syncStarted) {
      this.invTriggeredGetHeaders.add(peer);
      this.lastBlockInvTriggeringSync = bestUnknown;
    }
  }

  maybeStartSync(peer: Peer): void {
    if (peer.syncStarted || !this.ctx.download.canServeBlocks(peer)) return;
    const best = this.ctx.chain.bestHeader;
    const recent = best.header.time * 1000 > this.ctx.clock.nowMs() - RECENT_HEADER_MS;
    const preferred =
      !peer.inbound ||
      this.ctx.connman.allPeers().every((p) => p.inbound || !p.successfullyConnected);
    if (!((this.syncStartedCount === 0 && preferred) || recent)) return;
    peer.syncStarted = true;
    this.syncStartedCount++;
    const now = this.ctx.clock.nowMs();
    const expectedHeaders = Math.max(0, (now / 1000 - best.header.time) / TARGET_SPACING_SEC);
    peer.headersSyncTimeoutMs =
      now + this.headersTimeoutBaseMs + HEADERS_DOWNLOAD_TIMEOUT_PER_HEADER_MS * expectedHeaders;
    // Start one back so the answer is never empty (Core does the same).
    const from = best.prev ?? best;
    if (this.maybeSendGetHeaders(peer, from, true)) {
      this.ctx.log.debug(
        'net',
        `initial getheaders (${from.height}) to peer=${peer.id} (startheight:${peer.startingHeight})`,
      );
    }
  }
}
