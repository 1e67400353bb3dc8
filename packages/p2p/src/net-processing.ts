/**
 * The PeerManager (Core's net_processing): the version handshake, ping, headers-first sync,
 * block download and serving, block announcements, and misbehaviour. Connections come from the
 * ConnectionManager it owns; the chain is anything with the P2PChain shape (the node passes
 * packages/chain's ChainstateManager).
 *
 * Capabilities: chain, connector (outbound; NO_OUTBOUND when none), listener (optional: no
 * inbound without it), clock (all timers), random (nonces), logger ("[net]" lines as Core).
 */
import { DecodeError, type Block, type BlockHeader } from '@bitcoind-lite/consensus';
import { randomU64, type Random } from '@bitcoind-lite/entropy';
import type { Clock, Listener, Logger, Timer } from '@bitcoind-lite/runtime';
import { BlockDownload, sameBlock } from './block-download.js';
import {
  stateToString,
  type P2PBlockIndex,
  type P2PChain,
  type P2PValidationState,
} from './chain-view.js';
import type { Connector } from './connector.js';
import { ConnectionManager, type ConnmanEvents } from './connman.js';
import {
  decodeMessage,
  emptyService,
  encodeMessage,
  formatService,
  invToString,
  isBlockInv,
  isTxInv,
  MSG_BLOCK,
  MSG_CMPCT_BLOCK,
  MSG_FILTERED_BLOCK,
  MSG_WITNESS_FLAG,
  sanitizeString,
  type GetHeadersMessage,
  type InvItem,
  type NetMessage,
  type VersionMessage,
} from './messages/index.js';
import type { Peer } from './peer.js';
import { buildPeerInfo, type PeerInfo } from './peer-info.js';
import {
  DEFAULT_PEER_CONNECT_TIMEOUT_MS,
  HEADERS_RESPONSE_TIME_MS,
  LOCAL_SERVICES,
  MAX_ADDR_TO_SEND,
  MAX_BLOCKS_TO_ANNOUNCE,
  MAX_GETBLOCKS_RESULTS,
  MAX_HEADERS_RESULTS,
  MAX_INV_SZ,
  MAX_LOCATOR_SZ,
  MIN_PEER_PROTO_VERSION,
  PING_INTERVAL_MS,
  PROTOCOL_VERSION,
  SENDHEADERS_VERSION,
  TIMEOUT_INTERVAL_MS,
  USER_AGENT,
  WTXID_RELAY_VERSION,
} from './protocol.js';
import type { DecodedFrame, FramingError } from './v1-transport.js';

/** BIP31: peers above this version answer ping with pong. */
const BIP0031_VERSION = 60000;
/** Core starts headers sync with every peer once the best header is this recent. */
const RECENT_HEADER_MS = 24 * 60 * 60 * 1000;

export interface PeerManagerOptions {
  chain: P2PChain;
  /** ChainParams' messageStart (4 bytes) and default port. */
  magic: Uint8Array;
  defaultPort: number;
  connector: Connector;
  listener?: Listener | undefined;
  clock: Clock;
  random: Random;
  logger: Logger;
  connect?: string[];
  addnode?: string[];
  userAgent?: string;
  peerConnectTimeoutMs?: number;
  maxReceiveBufferBytes?: number;
  /** How often the send loop (pings, timeouts, downloads) runs. */
  tickMs?: number;
  /** Added-node retry interval (Core: 60 s). */
  addedNodeRetryMs?: number;
  /** Core's BLOCK_STALLING_TIMEOUT_DEFAULT: 2 s. */
  stallingTimeoutMs?: number;
}

export class PeerManager implements ConnmanEvents {
  readonly connman: ConnectionManager;
  private readonly chain: P2PChain;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly log: Logger;
  private readonly userAgent: string;
  private readonly connectTimeoutMs: number;
  private readonly download: BlockDownload;
  /** Serializes chain mutations, as cs_main does in Core. */
  private chainLock: Promise<unknown> = Promise.resolve();
  private syncStartedCount = 0;
  /** Blocks to announce (Core's m_blocks_for_headers_relay), per peer id. */
  private readonly toAnnounce = new Map<number, P2PBlockIndex[]>();
  private timer: Timer | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Addresses whose peers misbehaved (Core's BanMan::Discourage). */
  readonly discouraged = new Set<string>();
  private readonly tickMs: number;
  private readonly stallingTimeoutMs: number;

  constructor(o: PeerManagerOptions) {
    for (const k of ['chain', 'magic', 'connector', 'clock', 'random', 'logger'] as const) {
      if (o[k] === undefined) throw new TypeError(`PeerManager: ${k} is required`);
    }
    this.chain = o.chain;
    this.clock = o.clock;
    this.random = o.random;
    this.log = o.logger;
    this.userAgent = o.userAgent ?? USER_AGENT;
    this.connectTimeoutMs = o.peerConnectTimeoutMs ?? DEFAULT_PEER_CONNECT_TIMEOUT_MS;
    this.tickMs = o.tickMs ?? 500;
    this.stallingTimeoutMs = o.stallingTimeoutMs ?? 2000;
    this.download = new BlockDownload(o.chain, o.logger, o.clock);
    this.connman = new ConnectionManager({
      connector: o.connector,
      listener: o.listener,
      clock: o.clock,
      logger: o.logger,
      magic: o.magic,
      defaultPort: o.defaultPort,
      events: this,
      connect: o.connect,
      addnode: o.addnode,
      maxReceiveBufferBytes: o.maxReceiveBufferBytes,
      addedNodeRetryMs: o.addedNodeRetryMs,
    });
  }

  start(): void {
    this.unsubscribe = this.chain.on('updatedBlockTip', (tip, fork, ibd) =>
      this.updatedBlockTip(tip, fork, ibd),
    );
    this.timer = this.clock.setInterval(() => this.tick(), this.tickMs);
    this.connman.start();
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.unsubscribe?.();
    await this.connman.stop();
    await this.chainLock.catch(() => undefined);
  }

  getPeerInfo(): PeerInfo[] {
    return this.connman
      .allPeers()
      .filter((p) => !p.disconnecting)
      .map((p) => buildPeerInfo(p, this.download.inflightHeights(p)));
  }

  private withChain<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chainLock.then(fn, fn);
    this.chainLock = run.catch(() => undefined);
    return run;
  }

  private send(peer: Peer, msg: NetMessage): void {
    const payload = encodeMessage(msg);
    this.log.debug('net', `sending ${msg.type} (${payload.length} bytes) peer=${peer.id}`);
    peer.sendRaw(msg.type, payload);
  }

  // ---------------------------------------------------------------- connection events

  onPeerConnected(peer: Peer): void {
    if (!peer.inbound) this.pushVersion(peer);
  }

  onFramingError(_peer: Peer, _error: FramingError): void {}

  onPeerClosed(peer: Peer): void {
    if (peer.syncStarted) this.syncStartedCount--;
    this.download.peerGone(peer);
    this.toAnnounce.delete(peer.id);
    // Another peer may now serve what this one was downloading.
    for (const p of this.connman.allPeers()) this.sendMessages(p);
  }

  async onFrame(peer: Peer, frame: DecodedFrame): Promise<void> {
    if (frame.kind === 'rejected') {
      this.log.debug('net', `${frame.reason}, peer=${peer.id}`);
      return;
    }
    const command = sanitizeString(frame.command);
    this.log.debug('net', `received: ${command} (${frame.payload.length} bytes) peer=${peer.id}`);
    let msg: NetMessage | undefined;
    try {
      msg = decodeMessage(frame.command, frame.payload);
    } catch (e) {
      // Core catches deserialization failures in ProcessMessages, logs and carries on.
      const what = e instanceof DecodeError ? e.message : String(e);
      this.log.debug(
        'net',
        `ProcessMessages(${command}, ${frame.payload.length} bytes): Exception '${sanitizeString(what)}' caught, peer=${peer.id}`,
      );
      return;
    }
    try {
      await this.processMessage(peer, command, msg);
    } catch (e) {
      this.log.error(
        `processing ${command} from peer=${peer.id} failed: ${(e as Error).message}`,
        'net',
      );
    }
    this.sendMessages(peer);
  }

  // ---------------------------------------------------------------- message dispatch

  private async processMessage(
    peer: Peer,
    command: string,
    msg: NetMessage | undefined,
  ): Promise<void> {
    if (msg?.type === 'version') return this.onVersion(peer, msg);
    if (peer.version === 0) {
      this.log.debug(
        'net',
        `non-version message before version handshake. Message "${command}" from peer=${peer.id}`,
      );
      return;
    }
    if (msg === undefined) {
      this.log.debug('net', `Unknown message type "${command}" from peer=${peer.id}`);
      return;
    }
    switch (msg.type) {
      case 'verack':
        return this.onVerack(peer);
      case 'wtxidrelay':
        if (peer.successfullyConnected) return this.disconnectAfterVerack(peer, 'wtxidrelay');
        if (peer.commonVersion >= WTXID_RELAY_VERSION) peer.wtxidRelay = true;
        return;
      case 'sendaddrv2':
        if (peer.successfullyConnected) return this.disconnectAfterVerack(peer, 'sendaddrv2');
        peer.wantsAddrV2 = true;
        return;
      default:
        break;
    }
    if (!peer.successfullyConnected) {
      this.log.debug(
        'net',
        `Unsupported message "${command}" prior to verack from peer=${peer.id}`,
      );
      return;
    }
    switch (msg.type) {
      case 'sendheaders':
        peer.preferHeaders = true;
        return;
      case 'sendcmpct':
        // This node offers no compact blocks (BIP152): Core ignores sendcmpct it cannot honour.
        return;
      case 'feefilter':
        if (msg.feeRateSatPerKvB >= 0n && msg.feeRateSatPerKvB <= 21_000_000n * 100_000_000n) {
          peer.feeFilterSatPerKvB = msg.feeRateSatPerKvB;
          this.log.debug(
            'net',
            `received: feefilter of ${msg.feeRateSatPerKvB} sat/kvB from peer=${peer.id}`,
          );
        }
        return;
      case 'ping':
        if (peer.version > BIP0031_VERSION) this.send(peer, { type: 'pong', nonce: msg.nonce });
        return;
      case 'pong':
        return this.onPong(peer, msg.nonce);
      case 'getheaders':
        return this.onGetHeaders(peer, msg);
      case 'getblocks':
        return this.onGetBlocks(peer, msg);
      case 'headers':
        return this.onHeaders(peer, msg.headers);
      case 'inv':
        return this.onInv(peer, msg.items);
      case 'getdata':
        return this.onGetData(peer, msg.items);
      case 'notfound':
        this.download.notFound(peer, msg.items);
        return;
      case 'block':
        return this.onBlock(peer, msg.block);
      case 'tx':
        // Transaction relay arrives with the mempool (issue 5); until then transactions are dropped.
        return;
      case 'addr':
      case 'addrv2':
        if (msg.count > MAX_ADDR_TO_SEND) {
          this.misbehaving(peer, `${msg.type} message size = ${msg.count}`);
        }
        return;
      case 'getaddr':
        // Core answers only inbound peers, once per connection; without an addrman, nothing to send.
        if (!peer.inbound) {
          this.log.debug(
            'net',
            `Ignoring "getaddr" from outbound-full-relay connection. peer=${peer.id}`,
          );
          return;
        }
        peer.answeredGetAddr = true;
        return;
      case 'mempool':
        // No NODE_BLOOM: Core disconnects a peer that asks for the mempool without permission.
        this.log.debug(
          'net',
          `mempool request with bloom filters disabled, disconnect peer=${peer.id}`,
        );
        peer.disconnect('mempool request with bloom filters disabled');
        return;
      default:
        return;
    }
  }

  private disconnectAfterVerack(peer: Peer, command: string): void {
    this.log.debug('net', `${command} received after verack from peer=${peer.id}; disconnecting`);
    peer.disconnect(`${command} after verack`);
  }

  // ---------------------------------------------------------------- handshake

  private pushVersion(peer: Peer): void {
    let nonce = randomU64(this.random);
    if (nonce === 0n) nonce = 1n;
    peer.localNonce = nonce;
    peer.versionSent = true;
    const height = this.chain.activeChain.height();
    const them = peer.endpoints.service ?? emptyService();
    this.send(peer, {
      type: 'version',
      version: PROTOCOL_VERSION,
      services: LOCAL_SERVICES,
      timestamp: BigInt(Math.floor(this.clock.nowMs() / 1000)),
      addrRecv: { services: 0n, service: them },
      addrFrom: { services: LOCAL_SERVICES, service: emptyService() },
      nonce,
      userAgent: this.userAgent,
      startHeight: height,
      relay: true,
    });
    const themText = peer.endpoints.service ? formatService(them) : '[::]:0';
    this.log.debug(
      'net',
      `send version message: version ${PROTOCOL_VERSION}, blocks=${height}, them=${themText}, txrelay=1, peer=${peer.id}`,
    );
  }

  private onVersion(peer: Peer, m: VersionMessage): void {
    if (peer.version !== 0) {
      this.log.debug('net', `redundant version message from peer=${peer.id}`);
      return;
    }
    if (m.version < MIN_PEER_PROTO_VERSION) {
      this.log.debug('net', `peer=${peer.id} using obsolete version ${m.version}; disconnecting`);
      peer.disconnect('obsolete version');
      return;
    }
    if (peer.inbound && this.connman.isLocalNonce(m.nonce)) {
      this.log.info(`connected to self at ${peer.endpoints.addr}, disconnecting`);
      peer.disconnect('connected to self');
      return;
    }
    if (peer.inbound) this.pushVersion(peer);
    peer.commonVersion = Math.min(m.version, PROTOCOL_VERSION);
    peer.version = m.version;
    peer.services = m.services;
    peer.subver = sanitizeString(m.userAgent);
    peer.startingHeight = m.startHeight;
    peer.relayTxes = m.relay;
    peer.timeOffsetSec = Number(m.timestamp) - Math.floor(this.clock.nowMs() / 1000);

    // BIP339 and BIP155 are signalled between version and verack.
    if (peer.commonVersion >= WTXID_RELAY_VERSION) this.send(peer, { type: 'wtxidrelay' });
    if (peer.commonVersion >= 70016) this.send(peer, { type: 'sendaddrv2' });
    this.send(peer, { type: 'verack' });

    this.log.debug(
      'net',
      `receive version message: ${peer.subver}: version ${m.version}, blocks=${m.startHeight}, us=${formatService(m.addrRecv.service)}, txrelay=${m.relay ? 1 : 0}, peer=${peer.id}`,
    );
    if (!peer.inbound) {
      // Core asks outbound peers for addresses right away.
      this.send(peer, { type: 'getaddr' });
      peer.sentGetAddr = true;
    }
  }

  private onVerack(peer: Peer): void {
    if (peer.successfullyConnected) {
      this.log.debug('net', `ignoring redundant verack message from peer=${peer.id}`);
      return;
    }
    this.log.info(
      `New ${peer.connectionType} v1 peer connected: version: ${peer.version}, blocks=${peer.startingHeight}, peer=${peer.id}`,
    );
    // BIP130: ask for headers announcements. No sendcmpct: this node offers no compact blocks.
    if (peer.commonVersion >= SENDHEADERS_VERSION) this.send(peer, { type: 'sendheaders' });
    peer.verackReceived = true;
    peer.successfullyConnected = true;
  }

  private onPong(peer: Peer, nonce: bigint): void {
    const now = this.clock.nowMs();
    let finished = false;
    let problem = '';
    if (peer.pingNonceSent !== 0n) {
      if (nonce === peer.pingNonceSent) {
        finished = true;
        const rtt = now - peer.pingStartMs;
        if (rtt >= 0) {
          peer.lastPingTimeMs = rtt;
          peer.minPingTimeMs = Math.min(peer.minPingTimeMs ?? rtt, rtt);
        } else problem = 'Timing mishap';
      } else if (nonce === 0n) {
        // A zero nonce cancels the outstanding ping.
        finished = true;
        problem = 'Nonce zero';
      } else problem = 'Nonce mismatch';
    } else problem = 'Unsolicited pong without ping';
    if (problem !== '') {
      this.log.debug(
        'net',
        `pong peer=${peer.id}: ${problem}, ${peer.pingNonceSent.toString(16)} expected, ${nonce.toString(16)} received, 8 bytes`,
      );
    }
    if (finished) peer.pingNonceSent = 0n;
  }

  // ---------------------------------------------------------------- serving

  /** Core's FindForkInGlobalIndex: the first locator entry on our active chain. */
  private findForkInLocator(locator: Uint8Array[]): P2PBlockIndex | undefined {
    const chain = this.chain.activeChain;
    for (const hash of locator) {
      const idx = this.chain.lookup(hash);
      if (idx === undefined) continue;
      if (chain.contains(idx)) return idx;
      const anc = idx.getAncestor(chain.height());
      if (anc !== undefined && sameBlock(anc, chain.tip())) return chain.tip();
    }
    return chain.at(0);
  }

  private onGetHeaders(peer: Peer, m: GetHeadersMessage): void {
    if (m.locator.length > MAX_LOCATOR_SZ) {
      this.log.debug(
        'net',
        `getheaders locator size ${m.locator.length} > ${MAX_LOCATOR_SZ}, disconnect peer=${peer.id}`,
      );
      peer.disconnect('locator too large');
      return;
    }
    if (this.chain.isInitialBlockDownload()) {
      this.log.debug(
        'net',
        `Ignoring getheaders from peer=${peer.id} because node is in initial block download`,
      );
      return;
    }
    const chain = this.chain.activeChain;
    let start: P2PBlockIndex | undefined;
    if (m.locator.length === 0) {
      start = this.chain.lookup(m.hashStop);
      if (start === undefined) return;
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
    this.log.debug(
      'net',
      `getheaders ${start ? start.height : -1} to ${isZero(m.hashStop) ? 'end' : hexOf(m.hashStop)} from peer=${peer.id}`,
    );
    // Core remembers the last header sent, so later announcements can connect to it.
    peer.bestHeaderSent = last ?? chain.tip();
    this.send(peer, { type: 'headers', headers });
  }

  private onGetBlocks(peer: Peer, m: GetHeadersMessage): void {
    if (m.locator.length > MAX_LOCATOR_SZ) {
      this.log.debug(
        'net',
        `getblocks locator size ${m.locator.length} > ${MAX_LOCATOR_SZ}, disconnect peer=${peer.id}`,
      );
      peer.disconnect('locator too large');
      return;
    }
    const chain = this.chain.activeChain;
    const fork = this.findForkInLocator(m.locator);
    const items: InvItem[] = [];
    for (let idx = fork ? chain.next(fork) : undefined; idx !== undefined; idx = chain.next(idx)) {
      if (sameHash(idx.hash, m.hashStop)) break;
      items.push({ type: MSG_BLOCK, hash: idx.hash });
      if (items.length >= MAX_GETBLOCKS_RESULTS) break;
    }
    this.log.debug(
      'net',
      `getblocks ${fork ? fork.height + 1 : -1} to ${isZero(m.hashStop) ? 'end' : hexOf(m.hashStop)} limit ${MAX_GETBLOCKS_RESULTS} from peer=${peer.id}`,
    );
    if (items.length > 0) this.send(peer, { type: 'inv', items });
  }

  private async onGetData(peer: Peer, items: InvItem[]): Promise<void> {
    if (items.length > MAX_INV_SZ) {
      this.misbehaving(peer, `getdata message size = ${items.length}`);
      return;
    }
    const notFound: InvItem[] = [];
    for (const item of items) {
      if (peer.disconnecting) return;
      if (isTxInv(item.type)) {
        // No mempool yet: every transaction is not found, as Core answers for unknown ones.
        notFound.push(item);
        continue;
      }
      if (!isBlockInv(item.type)) continue;
      const idx = this.chain.lookup(item.hash);
      // Core serves blocks on the active chain (or valid, recent ones); never unvalidated data.
      if (idx === undefined || (idx.status & 8) === 0 || !this.chain.activeChain.contains(idx)) {
        this.log.debug(
          'net',
          `ignoring request from peer=${peer.id} for unknown or unserved block ${idx?.hashHex ?? ''}`,
        );
        continue;
      }
      if (item.type === MSG_FILTERED_BLOCK) continue; // no BIP37 filter was ever loaded
      let payload: Uint8Array;
      if ((item.type & MSG_WITNESS_FLAG) !== 0 || item.type === MSG_CMPCT_BLOCK) {
        payload = await this.chain.readRawBlock(idx);
      } else {
        payload = (await this.chain.readBlock(idx)).serialize(false);
      }
      this.log.debug('net', `sending block (${payload.length} bytes) peer=${peer.id}`);
      peer.sendRaw('block', payload);
    }
    if (notFound.length > 0) this.send(peer, { type: 'notfound', items: notFound });
  }

  // ---------------------------------------------------------------- sync

  /** Core's MaybeSendGetHeaders: at most one getheaders outstanding per peer. */
  private maybeSendGetHeaders(peer: Peer, from: P2PBlockIndex | undefined, force = false): boolean {
    const now = this.clock.nowMs();
    if (
      !force &&
      peer.lastGetHeadersMs !== 0 &&
      now - peer.lastGetHeadersMs < HEADERS_RESPONSE_TIME_MS
    ) {
      return false;
    }
    peer.lastGetHeadersMs = now;
    const locator = this.chain.activeChain.getLocator(from);
    this.send(peer, {
      type: 'getheaders',
      version: PROTOCOL_VERSION,
      locator,
      hashStop: new Uint8Array(32),
    });
    return true;
  }

  private async onHeaders(peer: Peer, headers: BlockHeader[]): Promise<void> {
    if (headers.length > MAX_HEADERS_RESULTS) {
      this.misbehaving(peer, `headers message size = ${headers.length}`);
      return;
    }
    peer.lastGetHeadersMs = 0;
    if (headers.length === 0) return;
    for (let i = 1; i < headers.length; i++) {
      if (!sameHash(headers[i]!.prevBlock, headers[i - 1]!.hash())) {
        this.misbehaving(peer, 'non-continuous headers sequence');
        return;
      }
    }
    const first = headers[0]!;
    if (this.chain.lookup(first.prevBlock) === undefined) {
      // Core's HandleUnconnectingHeaders: ask for the headers in between, from our best header.
      const best = this.chain.bestHeader;
      if (this.maybeSendGetHeaders(peer, best)) {
        this.log.debug(
          'net',
          `received header ${first.hashHex()}: missing prev block ${hexOf(first.prevBlock)}, sending getheaders (${best.height}) to end (peer=${peer.id})`,
        );
      }
      this.download.updateBlockAvailability(peer, headers[headers.length - 1]!.hash());
      return;
    }
    const { state, last } = await this.withChain(() => this.chain.processNewBlockHeaders(headers));
    if (!state.valid) {
      this.maybePunishNodeForBlock(peer, state, 'invalid header received');
      return;
    }
    if (last !== undefined) {
      this.download.updateBlockAvailability(peer, last.hash);
      if (headers.length === MAX_HEADERS_RESULTS) {
        // A full message: the peer has more. Core asks from the last header it sent.
        this.log.debug(
          'net',
          `more getheaders (${last.height}) to end to peer=${peer.id} (startheight:${peer.startingHeight})`,
        );
        this.maybeSendGetHeaders(peer, last, true);
      }
    }
  }

  private onInv(peer: Peer, items: InvItem[]): void {
    if (items.length > MAX_INV_SZ) {
      this.misbehaving(peer, `inv message size = ${items.length}`);
      return;
    }
    let bestUnknown: Uint8Array | undefined;
    for (const item of items) {
      if (isBlockInv(item.type) && (item.type & ~MSG_WITNESS_FLAG) === MSG_BLOCK) {
        const known = this.chain.lookup(item.hash) !== undefined;
        this.log.debug(
          'net',
          `got inv: ${invToString(item)}  ${known ? 'have' : 'new'} peer=${peer.id}`,
        );
        this.download.updateBlockAvailability(peer, item.hash);
        if (!known && !this.chain.isInitialBlockDownload()) bestUnknown = item.hash;
      }
      // Transaction invs wait for the mempool (issue 5).
    }
    if (bestUnknown !== undefined) {
      const best = this.chain.bestHeader;
      if (this.maybeSendGetHeaders(peer, best)) {
        this.log.debug(
          'net',
          `getheaders (${best.height}) ${hexOf(bestUnknown)} to peer=${peer.id}`,
        );
      }
    }
  }

  private async onBlock(peer: Peer, block: Block): Promise<void> {
    const hash = block.hash();
    const requested = this.download.received(peer, hash);
    // A block from a peer ends its stall (Core clears m_stalling_since on delivery).
    if (requested) peer.stallingSinceMs = 0;
    this.log.debug('net', `received block ${block.hashHex()} peer=${peer.id}`);
    const { state, isNew } = await this.withChain(() =>
      this.chain.processNewBlock(block, { forceProcessing: requested }),
    );
    if (!state.valid) {
      this.maybePunishNodeForBlock(peer, state, stateToString(state));
      return;
    }
    if (isNew) peer.lastBlockTimeSec = Math.floor(this.clock.nowMs() / 1000);
  }

  // ---------------------------------------------------------------- misbehaviour

  /** Core's Misbehaving: the peer will be discouraged and disconnected. */
  misbehaving(peer: Peer, message: string): void {
    peer.shouldDiscourage = true;
    peer.misbehaviourReason = message;
    this.log.debug('net', `Misbehaving: peer=${peer.id}${message ? `: ${message}` : ''}`);
  }

  /** Core's MaybePunishNodeForBlock: which validation failures are the peer's fault. */
  private maybePunishNodeForBlock(peer: Peer, state: P2PValidationState, message: string): void {
    switch (state.result) {
      case 'consensus':
      case 'mutated':
      case 'invalid-header':
      case 'invalid-prev':
      case 'missing-prev':
        this.misbehaving(
          peer,
          message === 'invalid header received' ? `${message}: ${stateToString(state)}` : message,
        );
        return;
      case 'cached-invalid':
        // Outbound peers on an invalid chain are dropped; inbound ones are not punished.
        if (!peer.inbound) {
          this.misbehaving(peer, message);
          return;
        }
        break;
      default:
        break;
    }
    if (message !== '') this.log.debug('net', `peer=${peer.id}: ${message}`);
  }

  /** Core's MaybeDiscourageAndDisconnect. */
  private maybeDiscourageAndDisconnect(peer: Peer): boolean {
    if (!peer.shouldDiscourage) return false;
    peer.shouldDiscourage = false;
    if (peer.isManual) {
      this.log.debug('net', `Warning: not punishing manually connected peer ${peer.id}!`);
      return false;
    }
    const s = peer.endpoints.service;
    const local =
      s === undefined ||
      (s.network === 'ipv4' && (s.addr[0] === 127 || s.addr[0] === 0)) ||
      (s.network === 'ipv6' && s.addr.every((b, i) => b === (i === 15 ? 1 : 0)));
    if (local) {
      this.log.debug('net', `Warning: disconnecting but not discouraging local peer ${peer.id}!`);
    } else {
      this.log.debug('net', `Disconnecting and discouraging peer ${peer.id}!`);
      this.discouraged.add(formatService({ ...s, port: 0 }).replace(/:0$/, ''));
    }
    peer.disconnect('misbehaving');
    return true;
  }

  // ---------------------------------------------------------------- announcements

  /** Core's UpdatedBlockTip: queue up to MAX_BLOCKS_TO_ANNOUNCE new blocks for each peer. */
  private updatedBlockTip(tip: P2PBlockIndex, fork: P2PBlockIndex | undefined, ibd: boolean): void {
    if (ibd) return;
    const blocks: P2PBlockIndex[] = [];
    for (
      let idx: P2PBlockIndex | undefined = tip;
      idx && !(fork && sameBlock(idx, fork));
      idx = idx.prev
    ) {
      blocks.push(idx);
      if (blocks.length === MAX_BLOCKS_TO_ANNOUNCE) break;
    }
    blocks.reverse();
    for (const peer of this.connman.allPeers()) {
      if (peer.version === 0) continue;
      const q = this.toAnnounce.get(peer.id) ?? [];
      q.push(...blocks);
      this.toAnnounce.set(peer.id, q);
      this.sendMessages(peer);
    }
  }

  private announceBlocks(peer: Peer): void {
    const queue = this.toAnnounce.get(peer.id);
    if (!queue || queue.length === 0) return;
    this.toAnnounce.delete(peer.id);
    this.download.processBlockAvailability(peer);
    const chain = this.chain.activeChain;
    let revertToInv = !peer.preferHeaders || queue.length > MAX_BLOCKS_TO_ANNOUNCE;
    const headers: BlockHeader[] = [];
    let bestIndex: P2PBlockIndex | undefined;
    if (!revertToInv) {
      let foundStart = false;
      for (const idx of queue) {
        const onChain = chain.at(idx.height);
        if (!onChain || !sameBlock(onChain, idx)) {
          revertToInv = true; // reorganized away since it was queued
          break;
        }
        if (bestIndex && !(idx.prev && sameBlock(idx.prev, bestIndex))) {
          revertToInv = true; // the queued blocks do not connect
          break;
        }
        bestIndex = idx;
        if (foundStart) headers.push(idx.header);
        else if (this.peerHasHeader(peer, idx)) continue;
        else if (idx.prev === undefined || this.peerHasHeader(peer, idx.prev)) {
          foundStart = true;
          headers.push(idx.header);
        } else {
          revertToInv = true; // nothing we could send would connect for this peer
          break;
        }
      }
    }
    if (!revertToInv && headers.length > 0) {
      this.log.debug(
        'net',
        `SendMessages: ${headers.length} headers, range (${headers[0]!.hashHex()}, ${headers[headers.length - 1]!.hashHex()}), to peer=${peer.id}`,
      );
      this.send(peer, { type: 'headers', headers });
      peer.bestHeaderSent = bestIndex;
      return;
    }
    if (revertToInv) {
      const last = queue[queue.length - 1]!;
      if (!this.peerHasHeader(peer, last)) {
        this.log.debug('net', `SendMessages: sending inv peer=${peer.id} hash=${last.hashHex}`);
        this.send(peer, { type: 'inv', items: [{ type: MSG_BLOCK, hash: last.hash }] });
      }
    }
  }

  private peerHasHeader(peer: Peer, idx: P2PBlockIndex): boolean {
    for (const known of [peer.bestKnownBlock, peer.bestHeaderSent]) {
      if (known === undefined || known.height < idx.height) continue;
      const anc = known.getAncestor(idx.height);
      if (anc !== undefined && sameBlock(anc, idx)) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- the send loop

  private tick(): void {
    const now = this.clock.nowMs();
    for (const peer of this.connman.allPeers()) {
      if (peer.disconnecting) continue;
      if (this.inactivityCheck(peer, now)) continue;
      this.sendMessages(peer);
    }
  }

  /** Core's CConnman::InactivityCheck, plus the block download stalling check. */
  private inactivityCheck(peer: Peer, now: number): boolean {
    if (peer.stallingSinceMs !== 0 && now - peer.stallingSinceMs > this.stallingTimeoutMs) {
      this.log.info(`Peer=${peer.id} is stalling block download, disconnecting`);
      peer.disconnect('stalling block download');
      return true;
    }
    if (now - peer.connTimeMs < this.connectTimeoutMs) return false;
    let reason = '';
    if (peer.lastRecvMs === 0 || peer.lastSendMs === 0) {
      reason = `socket no message in first ${Math.round(this.connectTimeoutMs / 1000)} seconds, ${peer.lastRecvMs !== 0 ? 1 : 0} ${peer.lastSendMs !== 0 ? 1 : 0}`;
    } else if (now - peer.lastSendMs > TIMEOUT_INTERVAL_MS) {
      reason = `socket sending timeout: ${Math.round((now - peer.lastSendMs) / 1000)}s`;
    } else if (now - peer.lastRecvMs > TIMEOUT_INTERVAL_MS) {
      reason = `socket receive timeout: ${Math.round((now - peer.lastRecvMs) / 1000)}s`;
    } else if (!peer.successfullyConnected) {
      reason = 'version handshake timeout';
    }
    if (reason === '') return false;
    this.log.debug('net', `${reason} peer=${peer.id}`);
    peer.disconnect(reason);
    return true;
  }

  /** Core's SendMessages: punish, ping, start sync, announce, request blocks. */
  private sendMessages(peer: Peer): void {
    if (peer.disconnecting || !peer.successfullyConnected) return;
    if (this.maybeDiscourageAndDisconnect(peer)) return;
    this.maybeSendPing(peer);
    if (peer.disconnecting) return;
    this.maybeStartSync(peer);
    this.announceBlocks(peer);
    const items = this.download.requestBlocks(peer);
    if (items.length > 0) this.send(peer, { type: 'getdata', items });
    const stallerId = this.download.staller;
    if (items.length === 0 && stallerId !== undefined) {
      const staller = this.connman.getPeer(stallerId);
      if (staller && staller.stallingSinceMs === 0) {
        staller.stallingSinceMs = this.clock.nowMs();
        this.log.debug('net', `Stall started peer=${stallerId}`);
      }
    }
  }

  private maybeSendPing(peer: Peer): void {
    const now = this.clock.nowMs();
    if (peer.pingNonceSent !== 0n && now - peer.pingStartMs > TIMEOUT_INTERVAL_MS) {
      this.log.debug(
        'net',
        `ping timeout: ${((now - peer.pingStartMs) / 1000).toFixed(6)}s peer=${peer.id}`,
      );
      peer.disconnect('ping timeout');
      return;
    }
    const due = peer.pingNonceSent === 0n && now - peer.pingStartMs >= PING_INTERVAL_MS;
    if (!peer.pingQueued && !due) return;
    if (peer.pingNonceSent !== 0n && peer.pingQueued) return; // one ping outstanding at a time
    let nonce = 0n;
    while (nonce === 0n) nonce = randomU64(this.random);
    peer.pingQueued = false;
    peer.pingStartMs = now;
    peer.pingNonceSent = nonce;
    this.send(peer, { type: 'ping', nonce });
  }

  /** The `ping` RPC: every peer gets a ping on the next send loop. */
  pingAll(): void {
    for (const p of this.connman.allPeers()) p.pingQueued = true;
  }

  private maybeStartSync(peer: Peer): void {
    if (peer.syncStarted || !this.download.canServeBlocks(peer)) return;
    const best = this.chain.bestHeader;
    const recent = best.header.time * 1000 > this.clock.nowMs() - RECENT_HEADER_MS;
    const preferred =
      !peer.inbound || this.connman.allPeers().every((p) => p.inbound || !p.successfullyConnected);
    if (!((this.syncStartedCount === 0 && preferred) || recent)) return;
    peer.syncStarted = true;
    this.syncStartedCount++;
    // Start one back so the answer is never empty (Core does the same).
    const from = best.prev ?? best;
    if (this.maybeSendGetHeaders(peer, from, true)) {
      this.log.debug(
        'net',
        `initial getheaders (${from.height}) to peer=${peer.id} (startheight:${peer.startingHeight})`,
      );
    }
  }
}

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isZero(h: Uint8Array): boolean {
  return h.every((b) => b === 0);
}

function hexOf(hash: Uint8Array): string {
  return Buffer.from(hash).reverse().toString('hex');
}
