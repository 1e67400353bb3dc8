/**
 * The PeerManager (Core's net_processing): the version handshake, ping, headers-first sync,
 * block download and serving, block announcements, and misbehaviour. Connections come from the
 * ConnectionManager it owns; the chain is anything with the P2PChain shape (the node passes
 * packages/chain's ChainstateManager).
 *
 * This file keeps the composition, the message dispatch and the send loop; each concept lives in
 * its own file: handshake.ts (version, verack, ping), headers-sync.ts (getheaders / headers /
 * getblocks / block invs), block-relay.ts (getdata for blocks, block, announcements) and
 * misbehaviour.ts (Misbehaving and its consequences).
 *
 * Capabilities: chain, connector (outbound; NO_OUTBOUND when none), listener (optional: no
 * inbound without it), clock (all timers), random (nonces), logger ("[net]" lines as Core).
 */
import { DecodeError } from '@bitcoind-lite/consensus';
import type { Random } from '@bitcoind-lite/entropy';
import type { Clock, Listener, Logger, Timer } from '@bitcoind-lite/runtime';
import { AddrRelay } from './addr-relay.js';
import { AddrMan } from './addrman.js';
import { BanMan } from './ban-man.js';
import { BlockDownload } from './block-download.js';
import { BlockRelay } from './block-relay.js';
import { segwitHeightForMagic } from './block-mutation.js';
import type { P2PChain } from './chain-view.js';
import type { Connector } from './connector.js';
import { ConnectionManager, type ConnmanEvents } from './connman.js';
import { BIP0031_VERSION, Handshake } from './handshake.js';
import { HeadersSync, powLimitForMagic } from './headers-sync.js';
import { decodeMessage, encodeMessage, sanitizeString, type NetMessage } from './messages/index.js';
import type { P2PMempool } from './mempool-view.js';
import { Misbehaviour } from './misbehaviour.js';
import { whitelistedPermissions, type WhitelistEntry } from './net-permissions.js';
import type { NetContext } from './net-context.js';
import type { P2PDir } from './p2p-dir.js';
import { loadPeersDat, savePeersDat } from './peers-dat.js';
import { TxRelay } from './tx-relay.js';
import { refuseUnofferedService } from './unoffered-services.js';
import type { Peer } from './peer.js';
import { buildPeerInfo, type PeerInfo } from './peer-info.js';
import {
  DEFAULT_PEER_CONNECT_TIMEOUT_MS,
  MAX_INV_SZ,
  TIMEOUT_INTERVAL_MS,
  USER_AGENT,
  WTXID_RELAY_VERSION,
} from './protocol.js';
import type { DecodedFrame, FramingError } from './v1-transport.js';

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
  /** The network data directory: peers.dat and banlist.json. Absent: both kept in memory only. */
  datadir?: P2PDir | undefined;
  /** The mempool, for transaction relay; absent: transactions are ignored. */
  mempool?: P2PMempool | undefined;
  /** Core's -maxconnections. */
  maxConnections?: number | undefined;
  /** Core's -blocksonly: no transactions asked of or taken from peers without `relay`. */
  blocksOnly?: boolean | undefined;
  /** Core's -whitelist entries (net-permissions.ts parseWhitelist). */
  whitelist?: readonly WhitelistEntry[] | undefined;
  /** Core's -seednode. */
  seednodes?: string[] | undefined;
  /** DNS seed names (Core's chainparams vSeeds), used when -dnsseed and the addrman is empty. */
  dnsSeeds?: string[] | undefined;
  /** Core's -onlynet. */
  onlynet?: string[] | undefined;
  /** Whether to open automatic outbound connections from the addrman (Core: unless -connect). */
  automaticOutbound?: boolean | undefined;
  /** Average addr trickle interval (Core: 30 s). */
  addrBroadcastIntervalMs?: number | undefined;
  /** Scales Core's tx inv trickle averages (2 s / 5 s); tests use less than 1. */
  inventoryIntervalScale?: number | undefined;
  /** Core's block download timeout base, in target spacings (BLOCK_DOWNLOAD_TIMEOUT_BASE = 1). */
  blockDownloadTimeoutBaseMs?: number | undefined;
  /** Core's HEADERS_DOWNLOAD_TIMEOUT_BASE (15 min). */
  headersDownloadTimeoutBaseMs?: number | undefined;
  /** Core's -v2transport (BIP324; connman.ts). Absent: off; the launcher defaults it on. */
  v2transport?: boolean | undefined;
  /** Test aid: a fixed BIP324 garbage length (0..4095). */
  v2GarbageLengthBytes?: number | undefined;
}

/** Core's BLOCK_DOWNLOAD_TIMEOUT_BASE (1 target spacing = 10 min) and _PER_PEER (0.5). */
export const BLOCK_DOWNLOAD_TIMEOUT_BASE_MS = 10 * 60_000;
export const BLOCK_DOWNLOAD_TIMEOUT_PER_PEER_MS = 5 * 60_000;
/** Core's HEADERS_DOWNLOAD_TIMEOUT_BASE. */
export const HEADERS_DOWNLOAD_TIMEOUT_BASE_MS = 15 * 60_000;
/** Core's DUMP_PEERS_INTERVAL: peers.dat is rewritten every 15 minutes. */
const DUMP_PEERS_INTERVAL_MS = 15 * 60_000;

export class PeerManager implements ConnmanEvents, NetContext {
  readonly connman: ConnectionManager;
  readonly chain: P2PChain;
  readonly clock: Clock;
  readonly random: Random;
  readonly log: Logger;
  readonly download: BlockDownload;
  private readonly connectTimeoutMs: number;
  /** Serializes chain mutations, as cs_main does in Core. */
  private chainLock: Promise<unknown> = Promise.resolve();
  /** Serializes message handling across peers (see onFrame). */
  private messageLock: Promise<unknown> = Promise.resolve();
  private timer: Timer | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly handshake: Handshake;
  private readonly headersSync: HeadersSync;
  private readonly blockRelay: BlockRelay;
  private readonly misbehaviour: Misbehaviour;
  readonly banman: BanMan;
  addrman: AddrMan;
  private readonly addrRelay: AddrRelay;
  private readonly txRelay: TxRelay;
  private readonly datadir: P2PDir | undefined;
  private readonly magic: Uint8Array;
  private dumpTimer: Timer | undefined;
  private readonly blockTimeoutBaseMs: number;
  private readonly headersTimeoutBaseMs: number;
  private readonly tickMs: number;
  private readonly stallingTimeoutMs: number;
  private readonly whitelist: readonly WhitelistEntry[];

  constructor(o: PeerManagerOptions) {
    for (const k of ['chain', 'magic', 'connector', 'clock', 'random', 'logger'] as const) {
      if (o[k] === undefined) throw new TypeError(`PeerManager: ${k} is required`);
    }
    this.chain = o.chain;
    this.clock = o.clock;
    this.random = o.random;
    this.log = o.logger;
    this.connectTimeoutMs = o.peerConnectTimeoutMs ?? DEFAULT_PEER_CONNECT_TIMEOUT_MS;
    this.tickMs = o.tickMs ?? 500;
    this.stallingTimeoutMs = o.stallingTimeoutMs ?? 2000;
    this.whitelist = o.whitelist ?? [];
    this.download = new BlockDownload(o.chain, o.logger, o.clock);
    this.datadir = o.datadir;
    this.magic = o.magic;
    this.blockTimeoutBaseMs = o.blockDownloadTimeoutBaseMs ?? BLOCK_DOWNLOAD_TIMEOUT_BASE_MS;
    this.headersTimeoutBaseMs = o.headersDownloadTimeoutBaseMs ?? HEADERS_DOWNLOAD_TIMEOUT_BASE_MS;
    this.banman = new BanMan({ clock: o.clock, logger: o.logger, dir: o.datadir });
    this.addrman = new AddrMan({ random: o.random, clock: o.clock });
    const automatic = o.automaticOutbound ?? (o.connect ?? []).length === 0;
    this.connman = new ConnectionManager({
      banman: this.banman,
      addrman: automatic ? this.addrman : undefined,
      random: o.random,
      maxConnections: o.maxConnections,
      seednodes: o.seednodes,
      dnsSeeds: o.dnsSeeds,
      onlynet: o.onlynet,
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
      v2transport: o.v2transport,
      v2GarbageLengthBytes: o.v2GarbageLengthBytes,
    });
    this.misbehaviour = new Misbehaviour(this, this.banman);
    this.addrRelay = new AddrRelay(this, this.addrman, this.banman, {
      reachable: (n) => this.connman.isReachable(n),
      addrBroadcastIntervalMs: o.addrBroadcastIntervalMs,
    });
    this.txRelay = new TxRelay(this, o.mempool, {
      inventoryIntervalScale: o.inventoryIntervalScale,
      ignoreIncomingTxs: o.blocksOnly,
    });
    this.handshake = new Handshake(this, o.userAgent ?? USER_AGENT, (p) =>
      this.txRelay.rejectIncomingTxs(p),
    );
    this.headersSync = new HeadersSync(
      this,
      this.misbehaviour,
      this.headersTimeoutBaseMs,
      powLimitForMagic(o.magic),
    );
    this.blockRelay = new BlockRelay(this, this.misbehaviour, segwitHeightForMagic(o.magic));
  }

  /**
   * Reads banlist.json and peers.dat from the datadir (Core does this before starting
   * connections). A corrupt file is reported and ignored.
   */
  async load(): Promise<void> {
    await this.banman.load();
    const loaded = await loadPeersDat(this.datadir, this.magic, {
      random: this.random,
      clock: this.clock,
      logger: this.log,
    });
    this.addrman.replaceWith(loaded);
  }

  /** Writes peers.dat now (also every 15 minutes and at stop). */
  async dumpAddresses(): Promise<void> {
    if (this.datadir === undefined) return;
    const started = this.clock.monotonicMs();
    await savePeersDat(this.datadir, this.addrman, this.magic);
    this.log.debug(
      'net',
      `Flushed ${this.addrman.size().total} addresses to peers.dat  ${Math.floor(this.clock.monotonicMs() - started)}ms`,
    );
  }

  /** Queues a transaction from this node (sendrawtransaction) for relay to every peer. */
  relayTransaction(tx: Parameters<TxRelay['relayTransaction']>[0]): void {
    this.txRelay.relayTransaction(tx);
  }

  /** The `getnodeaddresses` RPC. */
  getNodeAddresses(count: number, network?: string): ReturnType<AddrRelay['getNodeAddresses']> {
    return this.addrRelay.getNodeAddresses(count, network);
  }

  start(): void {
    this.dumpTimer = this.clock.setInterval(
      () => void this.dumpAddresses().catch(() => undefined),
      DUMP_PEERS_INTERVAL_MS,
    );
    this.unsubscribe = this.chain.on('updatedBlockTip', (tip, fork, ibd) =>
      this.blockRelay.updatedBlockTip(tip, fork, ibd),
    );
    this.timer = this.clock.setInterval(() => this.tick(), this.tickMs);
    this.connman.start();
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.dumpTimer?.cancel();
    this.unsubscribe?.();
    await this.connman.stop();
    await this.chainLock.catch(() => undefined);
    await this.dumpAddresses().catch((e: unknown) =>
      this.log.warning(`Failed to write peers.dat: ${String(e)}`),
    );
    await this.banman.flush();
  }

  getPeerInfo(): PeerInfo[] {
    // pingwait is measured on the mockable clock, as Core's m_ping_start.
    const nowMs = this.clock.nowMs();
    return this.connman
      .allPeers()
      .filter((p) => !p.disconnecting)
      .map((p) => buildPeerInfo(p, this.download.inflightHeights(p), nowMs));
  }

  withChain<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chainLock.then(fn, fn);
    this.chainLock = run.catch(() => undefined);
    return run;
  }

  send(peer: Peer, msg: NetMessage): void {
    const payload = encodeMessage(msg);
    this.log.debug('net', `sending ${msg.type} (${payload.length} bytes) peer=${peer.id}`);
    peer.sendRaw(msg.type, payload);
  }

  // ---------------------------------------------------------------- connection events

  onPeerConnected(peer: Peer): void {
    peer.permissions = whitelistedPermissions(this.whitelist, peer.endpoints.service, peer.inbound);
    if (!peer.inbound) this.handshake.pushVersion(peer);
  }

  onFramingError(_peer: Peer, _error: FramingError): void {}

  onPeerClosed(peer: Peer): void {
    this.headersSync.peerClosed(peer);
    this.txRelay.peerClosed(peer);
    this.download.peerGone(peer);
    this.blockRelay.peerClosed(peer);
    // Another peer may now serve what this one was downloading.
    for (const p of this.connman.allPeers()) this.sendMessages(p);
  }

  /**
   * Messages from all peers are handled one at a time, in arrival order, as Core's single
   * message-handler thread does: a peer's headers are fully processed (and their blocks asked
   * for) before another peer's inv for the same block is looked at.
   */
  onFrame(peer: Peer, frame: DecodedFrame): Promise<void> {
    const run = this.messageLock.then(() => this.handleFrame(peer, frame));
    this.messageLock = run.catch(() => undefined);
    return run;
  }

  private async handleFrame(peer: Peer, frame: DecodedFrame): Promise<void> {
    if (frame.kind === 'rejected') {
      this.log.debug('net', `${frame.reason}, peer=${peer.id}`);
      return;
    }
    const command = sanitizeString(frame.command);
    this.log.debug('net', `received: ${command} (${frame.payload.length} bytes) peer=${peer.id}`);
    if (command === 'pong' && frame.payload.length < 8 && peer.version !== 0) {
      // Core reads no nonce from a short pong, logs "Short payload" and ends the ping.
      this.handshake.onShortPong(peer, frame.payload.length);
      this.sendMessages(peer);
      return;
    }
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
      await this.processMessage(peer, command, msg, frame.payload);
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
    payload: Uint8Array = new Uint8Array(0),
  ): Promise<void> {
    if (msg?.type === 'version') {
      this.handshake.onVersion(peer, msg);
      // Core tops up the address token bucket when it asks for addresses.
      if (peer.sentGetAddr) this.addrRelay.sentGetAddr(peer);
      return;
    }
    if (peer.version === 0) {
      this.log.debug(
        'net',
        `non-version message before version handshake. Message "${command}" from peer=${peer.id}`,
      );
      return;
    }
    if (refuseUnofferedService(peer, command, payload, this.log)) return;
    if (msg === undefined) {
      this.log.debug('net', `Unknown message type "${command}" from peer=${peer.id}`);
      return;
    }
    switch (msg.type) {
      case 'verack':
        this.handshake.onVerack(peer);
        // Core's AddrMan::Good: an automatic outbound handshake completed.
        if (
          peer.successfullyConnected &&
          peer.endpoints.service &&
          (peer.connectionType === 'outbound-full-relay' ||
            peer.connectionType === 'block-relay-only')
        ) {
          this.addrman.good(peer.endpoints.service);
        }
        return;
      case 'wtxidrelay':
        if (peer.successfullyConnected)
          return this.handshake.disconnectAfterVerack(peer, 'wtxidrelay');
        if (peer.commonVersion >= WTXID_RELAY_VERSION) peer.wtxidRelay = true;
        return;
      case 'sendaddrv2':
        if (peer.successfullyConnected)
          return this.handshake.disconnectAfterVerack(peer, 'sendaddrv2');
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
        return this.handshake.onPong(peer, msg.nonce);
      case 'getheaders':
        return this.headersSync.onGetHeaders(peer, msg);
      case 'getblocks':
        return this.headersSync.onGetBlocks(peer, msg);
      case 'headers':
        return this.headersSync.onHeaders(peer, msg.headers);
      case 'inv':
        // Core checks the size before looking at any entry: an oversized inv gets no getdata.
        if (msg.items.length > MAX_INV_SZ) {
          this.misbehaving(peer, `inv message size = ${msg.items.length}`);
          return;
        }
        this.headersSync.onInv(peer, msg.items);
        this.txRelay.onInv(peer, msg.items);
        return;
      case 'getdata':
        return this.blockRelay.onGetData(peer, msg.items, (item) => this.txRelay.serve(peer, item));
      case 'notfound':
        this.download.notFound(peer, msg.items);
        return;
      case 'block':
        return this.blockRelay.onBlock(peer, msg.block);
      case 'tx':
        return this.txRelay.onTx(peer, msg.tx);
      case 'addr':
      case 'addrv2':
        return this.addrRelay.onAddr(peer, msg.type, msg.addrs, msg.count);
      case 'getaddr':
        return this.addrRelay.onGetAddr(peer);
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

  /** Core's Misbehaving: the peer will be discouraged and disconnected. */
  misbehaving(peer: Peer, message: string): void {
    this.misbehaviour.misbehaving(peer, message);
  }

  /** The `ping` RPC: every peer gets a ping on the next send loop. */
  pingAll(): void {
    this.handshake.pingAll();
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

  /**
   * Core's block download timeout: the oldest block in flight from a peer must arrive within
   * 10 minutes plus 5 more per other peer we are downloading from (Core's
   * BLOCK_DOWNLOAD_TIMEOUT_BASE / _PER_PEER times the target spacing).
   */
  private blockDownloadTimedOut(peer: Peer, now: number): boolean {
    let oldest: { requestedMs: number; hashHex: string } | undefined;
    for (const f of peer.blocksInFlight.values()) {
      if (!oldest || f.requestedMs < oldest.requestedMs) {
        oldest = { requestedMs: f.requestedMs, hashHex: f.index.hashHex };
      }
    }
    if (oldest === undefined) return false;
    const others = this.connman
      .allPeers()
      .filter((p) => p !== peer && !p.disconnecting && p.blocksInFlight.size > 0).length;
    const limitMs = this.blockTimeoutBaseMs + BLOCK_DOWNLOAD_TIMEOUT_PER_PEER_MS * others;
    if (now - oldest.requestedMs <= limitMs) return false;
    this.log.info(`Timeout downloading block ${oldest.hashHex}, disconnecting peer=${peer.id}`);
    peer.disconnect('block download timeout');
    return true;
  }

  /** Core's CConnman::InactivityCheck, plus the block download stalling check. */
  private inactivityCheck(peer: Peer, now: number): boolean {
    if (this.blockDownloadTimedOut(peer, now)) return true;
    if (this.headersSync.headersSyncTimedOut(peer, now)) return true;
    if (peer.stallingSinceMs !== 0 && now - peer.stallingSinceMs > this.stallingTimeoutMs) {
      this.log.info(`Peer=${peer.id} is stalling block download, disconnecting`);
      peer.disconnect('stalling block download');
      return true;
    }
    // Core's ShouldRunInactivityChecks: only once -peertimeout has passed (on mockable time).
    if (now - peer.connTimeMs <= this.connectTimeoutMs) return false;
    let reason = '';
    if (peer.lastRecvMs === 0 || peer.lastSendMs === 0) {
      const never =
        (peer.lastRecvMs === 0 ? ', never received from peer' : '') +
        (peer.lastSendMs === 0 ? ', never sent to peer' : '');
      reason = `socket no message in first ${Math.round(this.connectTimeoutMs / 1000)} seconds${never}`;
    } else if (now - peer.lastSendMs > TIMEOUT_INTERVAL_MS) {
      reason = `socket sending timeout: ${Math.round((now - peer.lastSendMs) / 1000)}s`;
    } else if (now - peer.lastRecvMs > TIMEOUT_INTERVAL_MS) {
      reason = `socket receive timeout: ${Math.round((now - peer.lastRecvMs) / 1000)}s`;
    } else if (!peer.successfullyConnected) {
      // Core names a v2 handshake that never confirmed separately from the version handshake.
      reason =
        peer.transportType === 'detecting' ? 'V2 handshake timeout' : 'version handshake timeout';
    }
    if (reason === '') return false;
    this.log.debug('net', `${reason}, disconnecting peer=${peer.id}`);
    peer.disconnect(reason);
    return true;
  }

  /** Core's SendMessages: punish, ping, start sync, announce, request blocks. */
  sendMessages(peer: Peer): void {
    if (peer.disconnecting || !peer.successfullyConnected) return;
    if (this.misbehaviour.maybeDiscourageAndDisconnect(peer)) return;
    this.handshake.maybeSendPing(peer);
    if (peer.disconnecting) return;
    this.addrRelay.maybeSendAddr(peer);
    this.headersSync.maybeStartSync(peer);
    this.blockRelay.announceBlocks(peer);
    this.txRelay.sendMessages(peer);
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
}
