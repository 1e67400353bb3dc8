/**
 * One connection and the protocol state kept for it: Core's CNode (bytes, timing, transport)
 * and net_processing's Peer / CNodeState (handshake, ping, sync) in one object, because this
 * node has one thread of control and nothing to lock.
 *
 * Received bytes go through the transport (v1, or BIP324 v2: transport.ts) into a queue that the PeerManager drains one message
 * at a time; reading pauses while more than `maxReceiveBufferBytes` wait (Core's
 * -maxreceivebuffer), so a flooding peer slows itself, not the node.
 */
import type { ByteStream, Clock } from '@bitcoind-lite/runtime';
import type { P2PBlockIndex } from './chain-view.js';
import { KNOWN_COMMANDS, OTHER_CORE_COMMANDS } from './messages/index.js';
import type { NetAddress, NetService } from './messages/net-address.js';
import { V1Transport, type Transport, type TransportWrite } from './transport.js';
import { FramingError, type DecodedFrame } from './v1-transport.js';

/** Core's ConnectionTypeAsString values. */
export type ConnectionType =
  'inbound' | 'outbound-full-relay' | 'manual' | 'block-relay-only' | 'addr-fetch' | 'feeler';

export interface PeerEndpoints {
  /** "host:port" of the remote side as it was dialled or accepted. */
  addr: string;
  /** "host:port" of our side of the socket, or '' when unknown (e.g. through a proxy). */
  addrBind: string;
  /** The remote address when it is a numeric IP, for `network` and discouragement. */
  service: NetService | undefined;
}

export interface BlockInFlight {
  index: P2PBlockIndex;
  requestedMs: number;
}

export type FrameHandler = (peer: Peer, frame: DecodedFrame) => Promise<void>;

const OTHER = '*other*';

export class Peer {
  // --- connection (CNode) ---
  readonly connTimeMs: number;
  lastSendMs = 0;
  lastRecvMs = 0;
  bytesSent = 0;
  bytesRecv = 0;
  readonly bytesSentPerMsg = new Map<string, number>();
  readonly bytesRecvPerMsg = new Map<string, number>();
  disconnecting = false;
  disconnectReason = '';
  /** Core's NetPermissionFlags from -whitelist (net-permissions.ts). */
  permissions = 0;

  // --- handshake ---
  /** The nonce we sent in our version, to detect connecting to ourselves. */
  localNonce = 0n;
  versionSent = false;
  /** The peer's version (0 until its version message arrives). */
  version = 0;
  commonVersion = 0;
  services = 0n;
  subver = '';
  startingHeight = -1;
  relayTxes = false;
  timeOffsetSec = 0;
  verackReceived = false;
  /** Core's fSuccessfullyConnected: both version and verack have arrived. */
  successfullyConnected = false;
  wtxidRelay = false;
  wantsAddrV2 = false;
  /** BIP130: announce new blocks with headers. */
  preferHeaders = false;
  feeFilterSatPerKvB = 0n;
  sentGetAddr = false;
  /** Seconds of the last new block this peer gave us (getpeerinfo's last_block). */
  lastBlockTimeSec = 0;
  answeredGetAddr = false;

  // --- address relay (Core's Peer::m_addr_*) ---
  /** Core's m_addr_token_bucket: one address may be processed per token; starts at 1. */
  addrTokenBucket = 1;
  addrTokenTimestampMs = 0;
  addrProcessed = 0;
  addrRateLimited = 0;
  /** Addresses queued for this peer (Core's m_addrs_to_send), sent on a Poisson timer. */
  addrsToSend: NetAddress[] = [];
  /** Addresses this peer knows (Core's m_addr_known), by "host:port". */
  readonly addrKnown = new Set<string>();
  nextAddrSendMs = 0;

  // --- transaction relay (Core's Peer::TxRelay) ---
  /** wtxids (or txids for non-wtxid peers), hex, this peer knows about (m_tx_inventory_known_filter). */
  readonly txKnown = new Set<string>();
  /** Transactions waiting for the next trickle (m_tx_inventory_to_send), wtxid hex. */
  readonly txToSend = new Set<string>();
  /** The mempool sequence at the last tx inv sent (Core's m_last_inv_sequence); 0 until tracked. */
  lastInvSequence = 0;
  /** Our address as the peer's version message gave it (Core's addrLocal), "ip:port". */
  addrLocal: string | undefined;
  nextInvSendMs = 0;
  /** Transactions requested from this peer and not yet received, by inv hash hex. */
  readonly txRequested = new Map<string, number>();
  /** The last feefilter we sent, and when the next may go (Core's m_fee_filter_sent). */
  feeFilterSentSatPerKvB = -1n;
  nextFeeFilterSendMs = 0;
  lastTxTimeSec = 0;

  // --- ping (BIP31) ---
  pingNonceSent = 0n;
  pingStartMs = 0;
  pingQueued = false;
  lastPingTimeMs: number | undefined;
  minPingTimeMs: number | undefined;

  // --- sync (CNodeState) ---
  bestKnownBlock: P2PBlockIndex | undefined;
  lastCommonBlock: P2PBlockIndex | undefined;
  bestHeaderSent: P2PBlockIndex | undefined;
  syncStarted = false;
  /** Core's m_headers_sync_timeout; Infinity once headers are recent. */
  headersSyncTimeoutMs = Infinity;
  lastGetHeadersMs = 0;
  readonly blocksInFlight = new Map<string, BlockInFlight>();
  /** The hash of a block announced by inv but not yet known as a header. */
  lastUnknownBlockHash: Uint8Array | undefined;
  /** When this peer started holding up the download window (Core's m_stalling_since), or 0. */
  stallingSinceMs = 0;
  /** Core's m_should_discourage, set by Misbehaving. */
  shouldDiscourage = false;
  misbehaviourReason = '';

  /** The wire protocol: V1Transport, or V2Transport (BIP324) when the connection tries v2. */
  readonly transport: Transport;
  private readonly queue: DecodedFrame[] = [];
  private queuedBytes = 0;
  private draining = false;
  private paused = false;
  private closedResolve!: () => void;
  /** Resolves once the stream is closed and the queue will not be drained further. */
  readonly closed: Promise<void>;

  constructor(
    readonly id: number,
    readonly stream: ByteStream,
    readonly connectionType: ConnectionType,
    readonly endpoints: PeerEndpoints,
    magic: Uint8Array,
    private readonly clock: Clock,
    private readonly maxReceiveBufferBytes: number,
    /** The manual target ("host:port" string given to addnode/connect), when there is one. */
    readonly target: string | undefined,
    /** Makes the transport around the Peer's writer; absent: plain v1. */
    makeTransport?: (write: TransportWrite) => Transport,
  ) {
    this.connTimeMs = clock.nowMs();
    const write = (bytes: Uint8Array): void => this.writeBytes(bytes);
    this.transport = makeTransport ? makeTransport(write) : new V1Transport(magic, write);
    this.closed = new Promise((resolve) => (this.closedResolve = resolve));
  }

  get inbound(): boolean {
    return this.connectionType === 'inbound';
  }

  get isManual(): boolean {
    return this.connectionType === 'manual';
  }

  /** Wires the stream to the decoder and `handler`; `onClose` runs once when the stream ends. */
  start(
    handler: FrameHandler,
    onFramingError: (e: FramingError) => void,
    onClose: () => void,
  ): void {
    this.stream.on('data', (chunk: Buffer) => {
      if (this.disconnecting) return;
      this.bytesRecv += chunk.length;
      this.lastRecvMs = this.clock.nowMs();
      let frames: DecodedFrame[];
      try {
        frames = this.transport.receivedBytes(
          new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length),
        );
      } catch (e) {
        if (e instanceof FramingError) onFramingError(e);
        else throw e;
        return;
      }
      for (const f of frames) {
        const type = f.kind === 'message' ? this.countedType(f.command) : OTHER;
        this.bytesRecvPerMsg.set(type, (this.bytesRecvPerMsg.get(type) ?? 0) + f.rawSize);
        this.queue.push(f);
        this.queuedBytes += f.rawSize;
      }
      if (this.queuedBytes > this.maxReceiveBufferBytes && !this.paused) {
        this.paused = true;
        this.stream.pause();
      }
      void this.drain(handler);
    });
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      this.disconnecting = true;
      this.queue.length = 0;
      onClose();
      this.closedResolve();
    };
    this.stream.on('close', close);
    this.stream.on('end', () => this.stream.destroy());
    this.stream.on('error', () => this.stream.destroy());
  }

  private countedType(command: string): string {
    return KNOWN_COMMANDS.has(command) || OTHER_CORE_COMMANDS.has(command) ? command : OTHER;
  }

  private async drain(handler: FrameHandler): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.disconnecting) {
        const f = this.queue.shift()!;
        this.queuedBytes -= f.rawSize;
        if (this.paused && this.queuedBytes <= this.maxReceiveBufferBytes) {
          this.paused = false;
          this.stream.resume();
        }
        await handler(this, f);
      }
    } finally {
      this.draining = false;
    }
  }

  /** Frames and writes one message; returns the payload size (for the "sending" log line). */
  sendRaw(command: string, payload: Uint8Array): void {
    if (this.disconnecting || this.stream.destroyed) return;
    const size = this.transport.sendMessage(command, payload);
    const type = this.countedType(command);
    this.bytesSentPerMsg.set(type, (this.bytesSentPerMsg.get(type) ?? 0) + size);
  }

  /** getpeerinfo's transport_protocol_type. */
  get transportType(): 'detecting' | 'v1' | 'v2' {
    return this.transport.protocolType;
  }

  /** getpeerinfo's session_id: the BIP324 session id in hex, '' unless v2. */
  get sessionIdHex(): string {
    const id = this.transport.sessionId;
    return id === undefined ? '' : Buffer.from(id).toString('hex');
  }

  /** Every byte the transport writes (messages and v2 handshake) is counted here. */
  private writeBytes(bytes: Uint8Array): void {
    if (this.disconnecting || this.stream.destroyed) return;
    this.bytesSent += bytes.length;
    this.lastSendMs = this.clock.nowMs();
    this.stream.write(bytes);
  }

  /** Marks the peer for disconnection and closes the stream once queued writes flush. */
  disconnect(reason: string): void {
    if (this.disconnecting) return;
    this.disconnecting = true;
    this.disconnectReason = reason;
    this.queue.length = 0;
    this.stream.end();
    // A peer that does not read must not keep the socket open: destroy soon after.
    const t = this.clock.setTimeout(() => this.stream.destroy(), 1000);
    this.stream.once('close', () => t.cancel());
  }
}
