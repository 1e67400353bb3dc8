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
import { BlockDownload } from './block-download.js';
import { BlockRelay } from './block-relay.js';
import type { P2PChain } from './chain-view.js';
import type { Connector } from './connector.js';
import { ConnectionManager, type ConnmanEvents } from './connman.js';
import { BIP0031_VERSION, Handshake } from './handshake.js';
import { HeadersSync } from './headers-sync.js';
import { decodeMessage, encodeMessage, sanitizeString, type NetMessage } from './messages/index.js';
import { Misbehaviour } from './misbehaviour.js';
import type { NetContext } from './net-context.js';
import type { Peer } from './peer.js';
import { buildPeerInfo, type PeerInfo } from './peer-info.js';
import {
  DEFAULT_PEER_CONNECT_TIMEOUT_MS,
  MAX_ADDR_TO_SEND,
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
}

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
  private timer: Timer | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly handshake: Handshake;
  private readonly headersSync: HeadersSync;
  private readonly blockRelay: BlockRelay;
  private readonly misbehaviour: Misbehaviour;
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
    this.misbehaviour = new Misbehaviour(this);
    this.handshake = new Handshake(this, o.userAgent ?? USER_AGENT);
    this.headersSync = new HeadersSync(this, this.misbehaviour);
    this.blockRelay = new BlockRelay(this, this.misbehaviour);
  }

  /** Addresses whose peers misbehaved (Core's BanMan::Discourage). */
  get discouraged(): Set<string> {
    return this.misbehaviour.discouraged;
  }

  start(): void {
    this.unsubscribe = this.chain.on('updatedBlockTip', (tip, fork, ibd) =>
      this.blockRelay.updatedBlockTip(tip, fork, ibd),
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
    if (!peer.inbound) this.handshake.pushVersion(peer);
  }

  onFramingError(_peer: Peer, _error: FramingError): void {}

  onPeerClosed(peer: Peer): void {
    this.headersSync.peerClosed(peer);
    this.download.peerGone(peer);
    this.blockRelay.peerClosed(peer);
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
    if (msg?.type === 'version') return this.handshake.onVersion(peer, msg);
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
        return this.handshake.onVerack(peer);
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
        return this.headersSync.onInv(peer, msg.items);
      case 'getdata':
        return this.blockRelay.onGetData(peer, msg.items);
      case 'notfound':
        this.download.notFound(peer, msg.items);
        return;
      case 'block':
        return this.blockRelay.onBlock(peer, msg.block);
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
  sendMessages(peer: Peer): void {
    if (peer.disconnecting || !peer.successfullyConnected) return;
    if (this.misbehaviour.maybeDiscourageAndDisconnect(peer)) return;
    this.handshake.maybeSendPing(peer);
    if (peer.disconnecting) return;
    this.headersSync.maybeStartSync(peer);
    this.blockRelay.announceBlocks(peer);
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
