/**
 * The version handshake and liveness pings (Core's net_processing: PushNodeVersion, the
 * version / verack / wtxidrelay / sendaddrv2 handling, MaybeSendPing and the pong checks of
 * BIP31). Nonces come from the Random capability, times from the Clock.
 */
import { randomU64 } from '@bitcoind-lite/entropy';
import {
  emptyService,
  formatService,
  sanitizeString,
  type VersionMessage,
} from './messages/index.js';
import type { NetContext } from './net-context.js';
import type { Peer } from './peer.js';
import {
  MIN_PEER_PROTO_VERSION,
  NODE_NETWORK,
  NODE_NETWORK_LIMITED,
  NODE_WITNESS,
  PING_INTERVAL_MS,
  PROTOCOL_VERSION,
  SENDHEADERS_VERSION,
  TIMEOUT_INTERVAL_MS,
  WTXID_RELAY_VERSION,
} from './protocol.js';

/** Core's NODE_NETWORK_LIMITED_ALLOW_CONN_BLOCKS: limited peers are wanted this close to the tip. */
const NODE_NETWORK_LIMITED_ALLOW_CONN_BLOCKS = 144;

/** BIP31: peers above this version answer ping with pong. */
export const BIP0031_VERSION = 60000;

export class Handshake {
  constructor(
    private readonly ctx: NetContext,
    private readonly userAgent: string,
    /** Core's RejectIncomingTxs: the version's relay flag is its negation. */
    private readonly rejectIncomingTxs: (peer: Peer) => boolean = (p) =>
      p.connectionType === 'block-relay-only',
  ) {}

  disconnectAfterVerack(peer: Peer, command: string): void {
    this.ctx.log.debug('net', `${command} received after verack, disconnecting peer=${peer.id}`);
    peer.disconnect(`${command} after verack`);
  }

  pushVersion(peer: Peer): void {
    let nonce = randomU64(this.ctx.random);
    if (nonce === 0n) nonce = 1n;
    peer.localNonce = nonce;
    peer.versionSent = true;
    const height = this.ctx.chain.activeChain.height();
    // NODE_P2P_V2 joins the base services when -v2transport is on (BIP324 "Signaling").
    const services = this.ctx.connman.localServices;
    const them = peer.endpoints.service ?? emptyService();
    const txRelay = !this.rejectIncomingTxs(peer);
    this.ctx.send(peer, {
      type: 'version',
      version: PROTOCOL_VERSION,
      services,
      timestamp: BigInt(Math.floor(this.ctx.clock.nowMs() / 1000)),
      addrRecv: { services: 0n, service: them },
      addrFrom: { services, service: emptyService() },
      nonce,
      userAgent: this.userAgent,
      startHeight: height,
      // Block-relay-only connections and -blocksonly ask for no transactions (BIP37 relay flag).
      relay: txRelay,
    });
    const themText = peer.endpoints.service ? formatService(them) : '[::]:0';
    this.ctx.log.debug(
      'net',
      `send version message: version ${PROTOCOL_VERSION}, blocks=${height}, them=${themText}, txrelay=${txRelay ? 1 : 0}, peer=${peer.id}`,
    );
  }

  /**
   * Core's GetDesirableServiceFlags: full nodes with witness data, or pruned (NODE_NETWORK_LIMITED)
   * ones while our tip is within 144 blocks' time of now.
   */
  private desirableServices(services: bigint): bigint {
    if ((services & NODE_NETWORK_LIMITED) !== 0n) {
      const tipTimeSec = this.ctx.chain.activeChain.tip().header.time;
      const depth = Math.floor((this.ctx.clock.nowMs() / 1000 - tipTimeSec) / 600);
      if (depth < NODE_NETWORK_LIMITED_ALLOW_CONN_BLOCKS)
        return NODE_NETWORK_LIMITED | NODE_WITNESS;
    }
    return NODE_NETWORK | NODE_WITNESS;
  }

  onVersion(peer: Peer, m: VersionMessage): void {
    if (peer.version !== 0) {
      this.ctx.log.debug('net', `redundant version message from peer=${peer.id}`);
      return;
    }
    // Core's ExpectServicesFromConn: automatic outbound, block-relay-only and addr-fetch peers
    // must offer what we need of them.
    const expectServices = ['outbound-full-relay', 'block-relay-only', 'addr-fetch'].includes(
      peer.connectionType,
    );
    const wanted = this.desirableServices(m.services);
    if (expectServices && (m.services & wanted) !== wanted) {
      const hex = (n: bigint) => n.toString(16).padStart(8, '0');
      this.ctx.log.debug(
        'net',
        `peer does not offer the expected services (${hex(m.services)} offered, ${hex(wanted)} expected), disconnecting peer=${peer.id}`,
      );
      peer.disconnect('missing expected services');
      return;
    }
    if (m.version < MIN_PEER_PROTO_VERSION) {
      this.ctx.log.debug(
        'net',
        `peer using obsolete version ${m.version}, disconnecting peer=${peer.id}`,
      );
      peer.disconnect('obsolete version');
      return;
    }
    if (peer.inbound && this.ctx.connman.isLocalNonce(m.nonce)) {
      this.ctx.log.info(`connected to self at ${peer.endpoints.addr}, disconnecting`);
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
    peer.timeOffsetSec = Number(m.timestamp) - Math.floor(this.ctx.clock.nowMs() / 1000);
    // Core's SetAddrLocal: the addr_recv the peer saw us at, unless it left it empty.
    if (m.addrRecv.service.port !== 0 || m.addrRecv.service.addr.some((b) => b !== 0)) {
      peer.addrLocal = formatService(m.addrRecv.service);
    }

    // BIP339 and BIP155 are signalled between version and verack.
    if (peer.commonVersion >= WTXID_RELAY_VERSION) this.ctx.send(peer, { type: 'wtxidrelay' });
    if (peer.commonVersion >= 70016) this.ctx.send(peer, { type: 'sendaddrv2' });
    this.ctx.send(peer, { type: 'verack' });

    this.ctx.log.debug(
      'net',
      `receive version message: ${peer.subver}: version ${m.version}, blocks=${m.startHeight}, us=${formatService(m.addrRecv.service)}, txrelay=${m.relay ? 1 : 0}, peer=${peer.id}`,
    );
    // A feeler only checks that the address answers (Core drops it after the version).
    if (peer.connectionType === 'feeler') {
      this.ctx.log.debug('net', `feeler connection completed, disconnecting peer=${peer.id}`);
      peer.disconnect('feeler connection completed');
      return;
    }
    if (!peer.inbound && peer.connectionType !== 'block-relay-only') {
      // Core asks outbound peers for addresses right away.
      this.ctx.send(peer, { type: 'getaddr' });
      peer.sentGetAddr = true;
    }
  }

  onVerack(peer: Peer): void {
    if (peer.successfullyConnected) {
      this.ctx.log.debug('net', `ignoring redundant verack message from peer=${peer.id}`);
      return;
    }
    this.ctx.log.info(
      `New ${peer.connectionType} ${peer.transportType} peer connected: version: ${peer.version}, blocks=${peer.startingHeight}, peer=${peer.id}`,
    );
    // BIP130: ask for headers announcements. No sendcmpct: this node offers no compact blocks.
    if (peer.commonVersion >= SENDHEADERS_VERSION) this.ctx.send(peer, { type: 'sendheaders' });
    peer.verackReceived = true;
    peer.successfullyConnected = true;
  }

  onPong(peer: Peer, nonce: bigint): void {
    const now = this.ctx.clock.nowMs();
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
      this.ctx.log.debug(
        'net',
        `pong peer=${peer.id}: ${problem}, ${peer.pingNonceSent.toString(16)} expected, ${nonce.toString(16)} received, 8 bytes`,
      );
    }
    if (finished) peer.pingNonceSent = 0n;
  }

  /** A pong too short to carry a nonce: Core treats the ping as finished (no time recorded). */
  onShortPong(peer: Peer, payloadBytes: number): void {
    this.ctx.log.debug(
      'net',
      `pong peer=${peer.id}: Short payload, ${peer.pingNonceSent.toString(16)} expected, 0 received, ${payloadBytes} bytes`,
    );
    peer.pingNonceSent = 0n;
  }

  maybeSendPing(peer: Peer): void {
    const now = this.ctx.clock.nowMs();
    if (peer.pingNonceSent !== 0n && now - peer.pingStartMs > TIMEOUT_INTERVAL_MS) {
      this.ctx.log.debug(
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
    while (nonce === 0n) nonce = randomU64(this.ctx.random);
    peer.pingQueued = false;
    peer.pingStartMs = now;
    peer.pingNonceSent = nonce;
    this.ctx.send(peer, { type: 'ping', nonce });
  }

  /** The `ping` RPC: every peer gets a ping on the next send loop. */
  pingAll(): void {
    for (const p of this.ctx.connman.allPeers()) p.pingQueued = true;
  }
}
