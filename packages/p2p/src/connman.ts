/**
 * The connection manager (Core's CConnman): accepts inbound streams from the Listener (refusing
 * banned addresses, discouraged ones when nearly full, and evicting when full), opens manual
 * outbound connections through the Connector (`connect=`, `addnode=`, the `addnode` RPC),
 * keeps added nodes connected, opens automatic outbound connections to addresses from the
 * AddrMan (Core's ThreadOpenConnections: 8 full-relay, 2 block-relay-only) when `connect` is
 * not given, contacts `seednode` / DNS seed names as addr-fetch connections through the
 * Connector without resolving them, and numbers peers. What the messages mean is the
 * PeerManager's business (net-processing.ts).
 */
import type { ByteStream, Clock, Listener, Logger, Timer } from '@bitcoind-lite/runtime';
import { randomBytesFrom, type Random } from '@bitcoind-lite/entropy';
import { netGroup, type AddrMan } from './addrman.js';
import type { BanMan } from './ban-man.js';
import type { Connector } from './connector.js';
import { selectNodeToEvict } from './eviction.js';
import { formatService, parseIpLiteral, type NetService } from './messages/net-address.js';
import { Peer, type ConnectionType } from './peer.js';
import { DEFAULT_MAX_RECEIVE_BUFFER_BYTES, LOCAL_SERVICES, NODE_P2P_V2 } from './protocol.js';
import type { DecodedFrame, FramingError } from './v1-transport.js';
import { V2Transport } from './v2-transport.js';

/** Core's RPC error for `addnode add` of a node already added (RPC_CLIENT_NODE_ALREADY_ADDED). */
export class AddNodeError extends Error {
  override readonly name = 'AddNodeError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ConnmanEvents {
  onPeerConnected(peer: Peer): void;
  onFrame(peer: Peer, frame: DecodedFrame): Promise<void>;
  onFramingError(peer: Peer, error: FramingError): void;
  onPeerClosed(peer: Peer): void;
}

export interface ConnmanOptions {
  connector: Connector;
  listener?: Listener | undefined;
  clock: Clock;
  logger: Logger;
  magic: Uint8Array;
  defaultPort: number;
  events: ConnmanEvents;
  /** `-connect=` targets: only these are dialled, and redialled when lost. */
  connect?: string[];
  /** `-addnode=` targets, kept connected as Core's added nodes. */
  addnode?: string[];
  maxReceiveBufferBytes?: number;
  /** Core's ThreadOpenAddedConnections waits 60 s after an attempt (2 s otherwise). */
  addedNodeRetryMs?: number;
  /** Core's -connect loop backs off 500 ms per round up to 5 s. */
  connectRetryMaxMs?: number;
  /** The ban list: banned addresses are refused and never dialled. */
  banman?: BanMan | undefined;
  /** Source of automatic outbound addresses; absent: no automatic outbound. */
  addrman?: AddrMan | undefined;
  /** Keys the eviction network groups and the v2 transport's keys and garbage. */
  random: Random;
  /** Core's -maxconnections (default 125). */
  maxConnections?: number | undefined;
  /** Core's -seednode: names or addresses contacted once for addresses (addr-fetch). */
  seednodes?: string[] | undefined;
  /** DNS seed names to contact through the Connector when the addrman is empty (-dnsseed). */
  dnsSeeds?: string[] | undefined;
  /** -onlynet: networks automatic outbound may use; absent or empty: all. */
  onlynet?: string[] | undefined;
  /**
   * Core's -v2transport: offer NODE_P2P_V2, accept BIP324 inbound (v1 still detected) and try
   * v2 outbound. Needs `random`. Absent: off here; the launcher defaults it on, as Core 27+.
   */
  v2transport?: boolean | undefined;
  /** Test aid: a fixed BIP324 garbage length (0..4095) instead of a random one. */
  v2GarbageLengthBytes?: number | undefined;
}

/** Core's RPC_INVALID_PARAMETER, for addnode's v2transport without -v2transport. */
const RPC_INVALID_PARAMETER = -8;

/** Core's MAX_OUTBOUND_FULL_RELAY_CONNECTIONS and MAX_BLOCK_RELAY_ONLY_CONNECTIONS. */
export const MAX_OUTBOUND_FULL_RELAY_CONNECTIONS = 8;
export const MAX_BLOCK_RELAY_ONLY_CONNECTIONS = 2;
/** Core's DEFAULT_MAX_PEER_CONNECTIONS. */
export const DEFAULT_MAX_PEER_CONNECTIONS = 125;

export interface HostPort {
  host: string;
  port: number;
}

/** Parses "host", "host:port", "[v6]" or "[v6]:port" (Core's SplitHostPort). */
export function splitHostPort(target: string, defaultPort: number): HostPort {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(target);
  if (bracket) return { host: bracket[1]!, port: bracket[2] ? Number(bracket[2]) : defaultPort };
  const colon = target.lastIndexOf(':');
  // A bare IPv6 literal has several colons and no port.
  if (colon > 0 && target.indexOf(':') === colon) {
    const port = Number(target.slice(colon + 1));
    if (Number.isInteger(port) && port > 0 && port < 65536) {
      return { host: target.slice(0, colon), port };
    }
  }
  return { host: target, port: defaultPort };
}

function endpoint(host: string | undefined, port: number | undefined): string {
  if (host === undefined || port === undefined) return '';
  const h = host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host;
  return h.includes(':') ? `[${h}]:${port}` : `${h}:${port}`;
}

interface ManualTarget {
  target: string;
  kind: 'connect' | 'added';
  /** Core's AddedNodeParams::m_use_v2transport: try v2 first on each attempt. */
  useV2: boolean;
  attempts: number;
  nextAttemptMs: number;
}

export class ConnectionManager {
  private readonly peers = new Map<number, Peer>();
  private nextPeerId = 0;
  private readonly manual = new Map<string, ManualTarget>();
  private readonly dialling = new Set<string>();
  private readonly o: ConnmanOptions;
  private timer: Timer | undefined;
  private stopped = false;
  private started = false;
  totalBytesRecvClosed = 0;
  totalBytesSentClosed = 0;
  readonly maxOutboundFullRelay: number;
  readonly maxOutboundBlockRelay: number;
  readonly maxInbound: number;
  private readonly evictionKey: Uint8Array;
  private autoDialling = false;
  private readonly addrFetch: string[] = [];
  private seedsQueued = false;

  constructor(options: ConnmanOptions) {
    for (const k of ['connector', 'clock', 'logger', 'magic', 'events', 'random'] as const) {
      if (options[k] === undefined) throw new TypeError(`ConnectionManager: ${k} is required`);
    }
    this.o = options;
    const max = options.maxConnections ?? DEFAULT_MAX_PEER_CONNECTIONS;
    // Core's split of -maxconnections: automatic outbound first, the rest inbound.
    this.maxOutboundFullRelay = Math.min(MAX_OUTBOUND_FULL_RELAY_CONNECTIONS, max);
    this.maxOutboundBlockRelay = Math.min(
      MAX_BLOCK_RELAY_ONLY_CONNECTIONS,
      max - this.maxOutboundFullRelay,
    );
    this.maxInbound = Math.max(0, max - this.maxOutboundFullRelay - this.maxOutboundBlockRelay);
    this.evictionKey = randomBytesFrom(options.random, 32);
    // Core 27+: -connect and -addnode targets try v2 whenever -v2transport is on.
    for (const t of options.connect ?? []) this.addManual(t, 'connect', this.v2transport);
    for (const t of options.addnode ?? []) this.addManual(t, 'added', this.v2transport);
  }

  /** Core's -v2transport (NODE_P2P_V2 among our services). */
  get v2transport(): boolean {
    return this.o.v2transport === true;
  }

  /** The services we offer (version messages, getnetworkinfo's localservices). */
  get localServices(): bigint {
    return LOCAL_SERVICES | (this.v2transport ? NODE_P2P_V2 : 0n);
  }

  private addManual(target: string, kind: ManualTarget['kind'], useV2: boolean): void {
    this.manual.set(target, { target, kind, useV2, attempts: 0, nextAttemptMs: 0 });
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.o.listener?.accept((stream) => this.acceptInbound(stream));
    this.timer = this.o.clock.setInterval(() => this.maintain(), 500);
    this.maintain();
  }

  private maintain(): void {
    this.maintainManualConnections();
    this.openConnections();
  }

  /** Whether automatic outbound runs: not with `connect=`, and only with an addrman. */
  get automaticOutbound(): boolean {
    return (this.o.connect ?? []).length === 0 && this.o.addrman !== undefined;
  }

  /** -onlynet: may automatic connections use this network? */
  isReachable(network: string): boolean {
    const only = this.o.onlynet ?? [];
    return only.length === 0 || only.includes(network);
  }

  /**
   * Core's ThreadOpenConnections, one attempt per round: addr-fetch (seed) connections first,
   * then full-relay and block-relay-only outbound to addresses from the AddrMan that are not
   * banned or discouraged, not already connected, in a network group no other outbound peer is
   * in, and in a network -onlynet allows.
   */
  private openConnections(): void {
    if (this.stopped || !this.automaticOutbound || this.autoDialling) return;
    const addrman = this.o.addrman!;
    if (!this.seedsQueued) {
      this.seedsQueued = true;
      this.addrFetch.push(...(this.o.seednodes ?? []));
      if (addrman.size().total === 0) this.addrFetch.push(...(this.o.dnsSeeds ?? []));
    }
    const seed = this.addrFetch.shift();
    if (seed !== undefined) {
      void this.openAddrFetch(seed);
      return;
    }
    if (this.o.connector.kind === 'none') return;
    const outbound = this.allPeers().filter((p) => !p.inbound && !p.disconnecting);
    const full = outbound.filter((p) => p.connectionType === 'outbound-full-relay').length;
    const blockRelay = outbound.filter((p) => p.connectionType === 'block-relay-only').length;
    let type: ConnectionType;
    if (full < this.maxOutboundFullRelay) type = 'outbound-full-relay';
    else if (blockRelay < this.maxOutboundBlockRelay) type = 'block-relay-only';
    else return;
    const groups = new Set(
      outbound
        .filter((p) => p.endpoints.service && !p.isManual)
        .map((p) => Buffer.from(netGroup(p.endpoints.service!)).toString('hex')),
    );
    const connected = new Set(this.allPeers().map((p) => p.endpoints.addr));
    const info = addrman.select(false, (i) => {
      const a = i.addr;
      return (
        this.isReachable(a.network) &&
        !connected.has(formatService(a)) &&
        !groups.has(Buffer.from(netGroup(a)).toString('hex')) &&
        !(this.o.banman?.isBanned(a) ?? false) &&
        !(this.o.banman?.isDiscouraged(a) ?? false)
      );
    });
    if (info === undefined) return;
    const target = formatService(info.addr);
    addrman.attempt(info.addr, true);
    this.autoDialling = true;
    // Core: v2 for automatic connections only to addresses that advertise NODE_P2P_V2.
    const useV2 = this.v2transport && (info.addr.services & NODE_P2P_V2) !== 0n;
    this.o.logger.debug(
      'net',
      `trying ${useV2 ? 'v2' : 'v1'} connection ${target} lastseen=${((this.o.clock.nowMs() / 1000 - info.addr.time) / 3600).toFixed(1)}hrs`,
    );
    this.openOutbound(target, type, useV2)
      .catch((e: unknown) =>
        this.o.logger.debug('net', `connection to ${target} failed: ${(e as Error).message}`),
      )
      .finally(() => (this.autoDialling = false));
  }

  /**
   * An addr-fetch connection to a seed (Core's -seednode, and DNS seeds behind a proxy): the
   * name goes to the Connector unresolved. With no outbound grant it is refused here; a
   * `!direct` grant refuses names it does not list. Either way the refusal is logged.
   */
  private async openAddrFetch(target: string): Promise<void> {
    if (this.o.connector.kind === 'none') {
      this.o.logger.info(
        `Not contacting seed ${target}: the manifest grants no outbound connections (outbound: !socks5 resolves names)`,
      );
      return;
    }
    try {
      await this.openOutbound(target, 'addr-fetch');
    } catch (e) {
      this.o.logger.info(`Seed ${target} not contacted: ${(e as Error).message}`);
    }
  }

  /** Disconnects every peer and waits for their streams to close. The listener is the launcher's. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    const all = [...this.peers.values()];
    for (const p of all) p.disconnect('shutting down');
    await Promise.all(all.map((p) => p.closed));
  }

  allPeers(): Peer[] {
    return [...this.peers.values()];
  }

  getPeer(id: number): Peer | undefined {
    return this.peers.get(id);
  }

  connectionCount(): number {
    let n = 0;
    for (const p of this.peers.values()) if (!p.disconnecting) n++;
    return n;
  }

  /** The nonces of our own outbound version messages (Core's CheckIncomingNonce). */
  isLocalNonce(nonce: bigint): boolean {
    for (const p of this.peers.values()) {
      if (!p.inbound && !p.successfullyConnected && p.localNonce === nonce) return true;
    }
    return false;
  }

  /**
   * The `addnode` RPC: add, remove, onetry (Core's error codes and messages). `v2transport`
   * defaults to -v2transport; asking for v2 when it is off is Core's RPC_INVALID_PARAMETER.
   */
  addNode(target: string, command: 'add' | 'remove' | 'onetry', v2transport?: boolean): void {
    const useV2 = v2transport ?? this.v2transport;
    if (useV2 && !this.v2transport && command !== 'remove') {
      throw new AddNodeError(
        RPC_INVALID_PARAMETER,
        'Error: v2transport requested but not enabled (see -v2transport)',
      );
    }
    if (command === 'onetry') {
      void this.openManual(target, useV2);
      return;
    }
    if (command === 'add') {
      if (this.manual.has(target)) {
        throw new AddNodeError(-23, 'Error: Node already added');
      }
      this.addManual(target, 'added', useV2);
      this.maintainManualConnections();
      return;
    }
    const m = this.manual.get(target);
    if (m === undefined || m.kind !== 'added') {
      throw new AddNodeError(
        -24,
        'Error: Node could not be removed. It has not been added previously.',
      );
    }
    this.manual.delete(target);
  }

  /**
   * The `disconnectnode` RPC: by "host:port" address or by peer id. Returns whether a peer was
   * found (Core: RPC_CLIENT_NODE_NOT_CONNECTED otherwise).
   */
  disconnectNode(address: string | undefined, nodeId: number | undefined): boolean {
    for (const p of this.peers.values()) {
      if (p.disconnecting) continue;
      const match =
        address !== undefined
          ? p.endpoints.addr === address || p.target === address
          : p.id === nodeId;
      if (match) {
        this.o.logger.debug('net', `disconnectnode: disconnecting peer=${p.id}`);
        p.disconnect('disconnectnode');
        return true;
      }
    }
    return false;
  }

  /** Disconnects every peer whose address is banned now (after setban add). */
  disconnectBanned(): void {
    for (const p of this.peers.values()) {
      if (!p.disconnecting && this.o.banman?.isBanned(p.endpoints.service)) {
        this.o.logger.debug('net', `disconnecting banned peer=${p.id}`);
        p.disconnect('banned');
      }
    }
  }

  /** getnettotals: bytes of open and closed connections. */
  totals(): { bytesRecv: number; bytesSent: number } {
    let bytesRecv = this.totalBytesRecvClosed;
    let bytesSent = this.totalBytesSentClosed;
    for (const p of this.peers.values()) {
      bytesRecv += p.bytesRecv;
      bytesSent += p.bytesSent;
    }
    return { bytesRecv, bytesSent };
  }

  /** Added nodes, for getaddednodeinfo: the target and whether a peer is connected to it. */
  addedNodes(): { addednode: string; connected: boolean; peer?: Peer }[] {
    return [...this.manual.values()]
      .filter((m) => m.kind === 'added')
      .map((m) => {
        const peer = this.findByTarget(m.target);
        return peer
          ? { addednode: m.target, connected: true, peer }
          : { addednode: m.target, connected: false };
      });
  }

  private findByTarget(target: string): Peer | undefined {
    for (const p of this.peers.values()) {
      if (p.disconnecting) continue;
      if (p.target === target || p.endpoints.addr === target) return p;
    }
    return undefined;
  }

  private maintainManualConnections(): void {
    if (this.stopped) return;
    const now = this.o.clock.nowMs();
    for (const m of this.manual.values()) {
      if (m.nextAttemptMs > now || this.dialling.has(m.target) || this.findByTarget(m.target))
        continue;
      m.attempts++;
      const delay =
        m.kind === 'connect'
          ? Math.min(500 * m.attempts, this.o.connectRetryMaxMs ?? 5000)
          : (this.o.addedNodeRetryMs ?? 60_000);
      m.nextAttemptMs = now + delay;
      void this.openManual(m.target, m.useV2).then((ok) => {
        if (ok) m.attempts = 0;
      });
    }
  }

  /** Core's OpenNetworkConnection for a manual target; resolves whether it connected. */
  private async openManual(target: string, useV2: boolean): Promise<boolean> {
    if (this.stopped || this.dialling.has(target) || this.findByTarget(target)) return false;
    const { host, port } = splitHostPort(target, this.o.defaultPort);
    this.dialling.add(target);
    this.o.logger.debug(
      'net',
      `trying ${useV2 ? 'v2' : 'v1'} connection ${target} lastseen=0.0hrs`,
    );
    const ip = parseIpLiteral(host, port);
    if (this.o.banman?.isBanned(ip)) {
      this.dialling.delete(target);
      this.o.logger.debug('net', `not connecting to banned ${target}`);
      return false;
    }
    let stream: ByteStream;
    try {
      stream = await this.o.connector.connect(host, port);
    } catch (e) {
      this.o.logger.debug('net', `connection to ${target} failed: ${(e as Error).message}`);
      return false;
    } finally {
      this.dialling.delete(target);
    }
    if (this.stopped) {
      stream.destroy();
      return false;
    }
    const remote = parseIpLiteral(host, port);
    this.addPeer(
      stream,
      'manual',
      {
        addr: remote ? endpoint(host, port) : `${host}:${port}`,
        addrBind: endpoint(stream.localAddress, stream.localPort),
        service: remote,
      },
      target,
      useV2,
    );
    return true;
  }

  /**
   * Core's CConnman::AddConnection, behind the regtest-only `addconnection` RPC: false when as
   * many connections of that type as allowed (8 full-relay, 2 block-relay-only) are open; else
   * true once the connection is made (and its version sent) or has failed (failures are only
   * logged), as Core's OpenNetworkConnection returns after connecting.
   */
  async addConnection(target: string, type: ConnectionType, useV2: boolean): Promise<boolean> {
    const max =
      type === 'outbound-full-relay'
        ? this.maxOutboundFullRelay
        : type === 'block-relay-only'
          ? this.maxOutboundBlockRelay
          : undefined;
    const existing = this.allPeers().filter((p) => p.connectionType === type).length;
    if (max !== undefined && existing >= max) return false;
    await this.openOutbound(target, type, useV2).catch((e: unknown) =>
      this.o.logger.debug('net', `connection to ${target} failed: ${(e as Error).message}`),
    );
    return true;
  }

  /**
   * Opens an outbound connection of a given type (automatic outbound, addr-fetch, tests).
   * `useV2` defaults to -v2transport.
   */
  async openOutbound(
    target: string,
    type: ConnectionType = 'outbound-full-relay',
    useV2: boolean = this.v2transport,
  ): Promise<Peer> {
    const { host, port } = splitHostPort(target, this.o.defaultPort);
    const remote = parseIpLiteral(host, port);
    if (this.o.banman?.isBanned(remote)) throw new Error(`${target} is banned`);
    const stream = await this.o.connector.connect(host, port);
    if (this.stopped) {
      stream.destroy();
      throw new Error('shutting down');
    }
    return this.addPeer(
      stream,
      type,
      {
        addr: `${host.includes(':') ? `[${host}]` : host}:${port}`,
        addrBind: endpoint(stream.localAddress, stream.localPort),
        service: remote,
      },
      undefined,
      useV2,
    );
  }

  private acceptInbound(stream: ByteStream): void {
    if (this.stopped) {
      stream.destroy();
      return;
    }
    const host = stream.remoteAddress;
    const port = stream.remotePort ?? 0;
    const addr = endpoint(host, port);
    const service: NetService | undefined =
      host !== undefined ? parseIpLiteral(host.replace(/^::ffff:(?=\d)/, ''), port) : undefined;
    // Core's CreateNodeFromAcceptedSocket: banned always refused; discouraged when nearly full.
    const inbound = this.allPeers().filter((p) => p.inbound && !p.disconnecting).length;
    if (this.o.banman?.isBanned(service)) {
      this.o.logger.debug('net', `connection from ${addr} dropped (banned)`);
      stream.destroy();
      return;
    }
    if (this.o.banman?.isDiscouraged(service) && inbound + 1 >= this.maxInbound) {
      this.o.logger.debug('net', `connection from ${addr} dropped (discouraged)`);
      stream.destroy();
      return;
    }
    if (inbound >= this.maxInbound) {
      const victim = selectNodeToEvict(this.allPeers(), this.evictionKey);
      if (victim === undefined) {
        this.o.logger.debug(
          'net',
          `failed to find an eviction candidate - connection dropped (full)`,
        );
        stream.destroy();
        return;
      }
      this.o.logger.debug('net', `selected peer=${victim.id} for eviction`);
      victim.disconnect('evicted');
    }
    this.o.logger.debug('net', `connection from ${addr || 'unknown'} accepted`);
    this.addPeer(
      stream,
      'inbound',
      {
        addr,
        addrBind: endpoint(stream.localAddress, stream.localPort),
        service,
      },
      undefined,
      // Core: with -v2transport every inbound connection starts as v2, detecting v1 peers.
      this.v2transport,
    );
  }

  private addPeer(
    stream: ByteStream,
    type: ConnectionType,
    endpoints: Peer['endpoints'],
    target: string | undefined,
    useV2: boolean,
  ): Peer {
    stream.setNoDelay?.(true);
    const id = this.nextPeerId;
    const peer = new Peer(
      this.nextPeerId++,
      stream,
      type,
      endpoints,
      this.o.magic,
      this.o.clock,
      this.o.maxReceiveBufferBytes ?? DEFAULT_MAX_RECEIVE_BUFFER_BYTES,
      target,
      useV2
        ? (write) =>
            new V2Transport({
              magic: this.o.magic,
              initiator: type !== 'inbound',
              random: this.o.random,
              write,
              logger: this.o.logger,
              peerId: id,
              garbageLengthBytes: this.o.v2GarbageLengthBytes,
            })
        : undefined,
    );
    this.peers.set(peer.id, peer);
    this.o.logger.debug('net', `Added connection peer=${peer.id}`);
    peer.start(
      (p, f) => this.o.events.onFrame(p, f),
      (e) => {
        this.o.logger.debug('net', `${e.message}, peer=${peer.id}`);
        peer.disconnect(e.message);
      },
      () => {
        this.peers.delete(peer.id);
        this.totalBytesRecvClosed += peer.bytesRecv;
        this.totalBytesSentClosed += peer.bytesSent;
        this.o.logger.debug('net', `disconnecting peer=${peer.id}`);
        this.o.events.onPeerClosed(peer);
        if (!this.stopped && peer.transport.shouldReconnectV1()) this.reconnectV1(peer);
      },
    );
    this.o.events.onPeerConnected(peer);
    return peer;
  }

  /**
   * BIP324 "Signaling": an outbound v2 attempt the peer dropped before sending anything is
   * retried once with v1, to the same target and of the same type (Core's ShouldReconnectV1 and
   * m_reconnections).
   */
  private reconnectV1(peer: Peer): void {
    this.o.logger.debug('net', `retrying with v1 transport protocol for peer=${peer.id}`);
    const log = (e: unknown): void =>
      this.o.logger.debug('net', `v1 retry to ${peer.endpoints.addr} failed: ${String(e)}`);
    if (peer.isManual && peer.target !== undefined) {
      this.openManual(peer.target, false).catch(log);
    } else {
      this.o.logger.debug('net', `trying v1 connection ${peer.endpoints.addr} lastseen=0.0hrs`);
      this.openOutbound(peer.endpoints.addr, peer.connectionType, false).catch(log);
    }
  }
}
