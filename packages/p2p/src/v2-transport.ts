/**
 * BIP324's v2 transport for one connection (Core's V2Transport): the handshake state machine on
 * top of the packet cipher in bip324/, then application messages with BIP324's short message
 * IDs. Sans-I/O: received bytes go in through `receivedBytes`, bytes to send go out through the
 * `write` callback as soon as the handshake allows.
 *
 * Receive states, as Core's RecvState:
 *   key-maybe-v1 (responder only): up to 16 bytes decide between v1 (they equal magic +
 *     "version\0\0\0\0\0", BIP324 "respond_v2_handshake") and v2 (the first byte that differs);
 *   key: the peer's 64-byte ElligatorSwift key; then the ciphers are set up and we send our
 *     garbage terminator and version packet, authenticating our garbage as its AAD;
 *   garbage: the peer's garbage, byte by byte, until its terminator (at most 4095 + 16 bytes);
 *   version: packets; the first one authenticates the garbage as AAD; decoys are skipped; the
 *     first non-decoy is the version packet, whose contents are ignored (future extensions);
 *   app: application packets; decoys are skipped;
 *   v1: the responder saw a v1 peer and hands everything to a V1Transport on the same socket.
 * Send states, as Core's SendState: maybe-v1 (responder, nothing sent yet), awaiting-key (our
 * key and garbage are out, messages wait), ready (messages are encrypted and written), v1.
 *
 * Failures that end the connection are thrown as FramingError with Core's log text.
 */
import { randomBytesFrom, randomInt, type Random } from '@bitcoind-lite/entropy';
import type { Logger } from '@bitcoind-lite/runtime';
import { ellswiftCreate } from './bip324/ellswift.js';
import { V2_EXPANSION, V2_LENGTH_LEN, V2Cipher } from './bip324/v2-cipher.js';
import { COMMAND_SIZE, MAX_PROTOCOL_MESSAGE_LENGTH } from './protocol.js';
import {
  V1Transport,
  type Transport,
  type TransportProtocolType,
  type TransportWrite,
} from './transport.js';
import { FramingError, type DecodedFrame } from './v1-transport.js';
import { decodeV2Contents, encodeV2Contents } from './v2-message-ids.js';

/** BIP324: at most 4095 bytes of garbage before the terminator. */
export const V2_MAX_GARBAGE_LEN = 4095;
export const V2_GARBAGE_TERMINATOR_LEN = 16;
export const V2_ELLSWIFT_LEN = 64;
/** Bytes that tell a v1 peer apart: network magic + "version" NUL-padded to 12. */
export const V1_PREFIX_LEN = 16;
/** Core's MAX_CONTENTS_LEN: long message type (1 + 12) plus the largest allowed payload. */
export const V2_MAX_PACKET_CONTENTS_LEN = 1 + COMMAND_SIZE + MAX_PROTOCOL_MESSAGE_LENGTH;
/** The version packet's contents: empty in BIP324 as published (TRANSPORT_VERSION). */
const VERSION_CONTENTS = new Uint8Array(0);
/** A packet buffer grows by at most this much beyond what has arrived (Core's reserve ahead). */
const MAX_RESERVE_AHEAD = 256 * 1024;

const VERSION_COMMAND = [0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0, 0, 0, 0, 0];

type RecvState = 'key-maybe-v1' | 'key' | 'garbage' | 'version' | 'app' | 'v1';
type SendState = 'maybe-v1' | 'awaiting-key' | 'ready' | 'v1';

export interface V2TransportOptions {
  /** The network's message start (4 bytes): part of the key derivation and the v1 prefix. */
  magic: Uint8Array;
  /** True when we opened the connection. */
  initiator: boolean;
  /** Source of the ephemeral key, the ellswift randomness and the garbage. */
  random: Random;
  write: TransportWrite;
  /** For Core's "[net]" lines; optional. */
  logger?: Logger | undefined;
  /** The peer id the log lines name. */
  peerId?: number | undefined;
  /** Test aid: send exactly this many garbage bytes (0..4095) instead of a random count. */
  garbageLengthBytes?: number | undefined;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export class V2Transport implements Transport {
  private readonly magic: Uint8Array;
  private readonly initiator: boolean;
  private readonly write: TransportWrite;
  private readonly logger: Logger | undefined;
  private readonly peerId: number;
  private readonly privateKey: Uint8Array;
  private readonly ourEllswift: Uint8Array;
  /** Our garbage, kept until it has been authenticated as the version packet's AAD. */
  private sendGarbage: Uint8Array;

  private recvState: RecvState;
  private sendState: SendState;
  private cipher: V2Cipher | undefined;
  private v1: V1Transport | undefined;
  /** Bytes of the item being received (prefix, key, garbage, or the current packet). */
  private buf = new Uint8Array(V2_MAX_GARBAGE_LEN + V2_GARBAGE_TERMINATOR_LEN);
  private bufLen = 0;
  /** The current packet's contents length, once its length field is decrypted. */
  private recvLen = -1;
  /** The peer's garbage: the AAD of the first packet after its terminator. */
  private recvAad: Uint8Array = new Uint8Array(0);
  /** Messages sent before the handshake lets packets go (Core keeps them in vSendMsg). */
  private readonly queued: { command: string; payload: Uint8Array }[] = [];
  private handshakeBytesSent = 0;

  constructor(o: V2TransportOptions) {
    for (const k of ['magic', 'random', 'write'] as const) {
      if (o[k] === undefined) throw new TypeError(`V2Transport: ${k} is required`);
    }
    if (typeof o.initiator !== 'boolean') {
      throw new TypeError('V2Transport: initiator must be a boolean');
    }
    this.magic = o.magic;
    this.initiator = o.initiator;
    this.write = o.write;
    this.logger = o.logger;
    this.peerId = o.peerId ?? -1;
    const garbageLen = o.garbageLengthBytes ?? randomInt(o.random, V2_MAX_GARBAGE_LEN + 1);
    if (!Number.isInteger(garbageLen) || garbageLen < 0 || garbageLen > V2_MAX_GARBAGE_LEN) {
      throw new RangeError(`garbageLengthBytes: 0..${V2_MAX_GARBAGE_LEN}, got ${garbageLen}`);
    }
    // An ephemeral key per connection (BIP324 ellswift_create); a 32-byte string is not a valid
    // scalar with probability ~2^-128, in which case another is drawn.
    let key: Uint8Array;
    let ellswift: Uint8Array | undefined;
    do {
      key = randomBytesFrom(o.random, 32);
      try {
        ellswift = ellswiftCreate(key, randomBytesFrom(o.random, 32));
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
      }
    } while (ellswift === undefined);
    this.privateKey = key;
    this.ourEllswift = ellswift;
    this.sendGarbage = randomBytesFrom(o.random, garbageLen);
    this.recvState = o.initiator ? 'key' : 'key-maybe-v1';
    this.sendState = o.initiator ? 'awaiting-key' : 'maybe-v1';
    // The initiator speaks first: key and garbage go out at once.
    if (o.initiator) this.startSendingHandshake();
  }

  get protocolType(): TransportProtocolType {
    if (this.recvState === 'v1') return 'v1';
    // Core's GetInfo: v2 only once the version packet has been received and authenticated.
    return this.recvState === 'app' ? 'v2' : 'detecting';
  }

  get sessionId(): Uint8Array | undefined {
    return this.recvState === 'app' ? this.cipher!.sessionId : undefined;
  }

  shouldReconnectV1(): boolean {
    // Core: only an outbound connection that received nothing at all, after we sent at least
    // a v1 header's worth (24 bytes) so that a v1 peer would have dropped us.
    return (
      this.initiator &&
      this.recvState === 'key' &&
      this.bufLen === 0 &&
      this.handshakeBytesSent >= 24
    );
  }

  sendMessage(command: string, payload: Uint8Array): number {
    if (this.sendState === 'v1') return this.v1!.sendMessage(command, payload);
    const contents = encodeV2Contents(command, payload);
    if (this.sendState === 'ready') this.write(this.cipher!.encrypt(contents));
    else this.queued.push({ command, payload });
    return contents.length + V2_EXPANSION;
  }

  receivedBytes(chunk: Uint8Array): DecodedFrame[] {
    if (this.recvState === 'v1') return this.v1!.receivedBytes(chunk);
    const out: DecodedFrame[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      switch (this.recvState) {
        case 'key-maybe-v1':
          pos += this.take(chunk, pos, V1_PREFIX_LEN - this.bufLen);
          if (!this.processMaybeV1Bytes()) {
            // v1 from here on: what we held back and the rest of the chunk go to V1Transport.
            out.push(...this.v1!.receivedBytes(chunk.subarray(pos)));
            return out;
          }
          break;
        case 'key':
          pos += this.take(chunk, pos, V2_ELLSWIFT_LEN - this.bufLen);
          this.processKeyBytes();
          break;
        case 'garbage':
          pos += this.take(chunk, pos, 1);
          this.processGarbageByte();
          break;
        case 'version':
        case 'app': {
          const want =
            this.bufLen < V2_LENGTH_LEN
              ? V2_LENGTH_LEN - this.bufLen
              : V2_EXPANSION + this.recvLen - this.bufLen;
          pos += this.take(chunk, pos, want);
          const frame = this.processPacketBytes();
          if (frame !== undefined) out.push(frame);
          break;
        }
        default:
          throw new Error(`unreachable receive state ${this.recvState}`);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- receive states

  /** Appends up to `want` bytes of chunk[pos..] to the buffer; returns how many it took. */
  private take(chunk: Uint8Array, pos: number, want: number): number {
    const n = Math.min(want, chunk.length - pos);
    if (this.bufLen + n > this.buf.length) {
      // Grow towards what the item needs, but never far beyond what has arrived.
      const needed = this.bufLen + n;
      const capacity = Math.min(
        this.bufLen + want,
        Math.max(needed + MAX_RESERVE_AHEAD, this.buf.length * 2),
      );
      const next = new Uint8Array(capacity);
      next.set(this.buf.subarray(0, this.bufLen));
      this.buf = next;
    }
    this.buf.set(chunk.subarray(pos, pos + n), this.bufLen);
    this.bufLen += n;
    return n;
  }

  /** Returns false when the connection turned out to be v1 (the held bytes went to V1Transport). */
  private processMaybeV1Bytes(): boolean {
    for (let i = 0; i < this.bufLen; i++) {
      const expected = i < 4 ? this.magic[i] : VERSION_COMMAND[i - 4];
      if (this.buf[i] !== expected) {
        // BIP324: any mismatch with the v1 prefix means a v2 key; keep the bytes, send ours.
        this.recvState = 'key';
        this.sendState = 'awaiting-key';
        this.startSendingHandshake();
        return true;
      }
    }
    if (this.bufLen < V1_PREFIX_LEN) return true;
    // A v1 version message: fall back to v1 on this socket, as Core does.
    this.v1 = new V1Transport(this.magic, this.write);
    this.recvState = 'v1';
    this.sendState = 'v1';
    const held = this.buf.slice(0, this.bufLen);
    this.bufLen = 0;
    this.sendGarbage = new Uint8Array(0);
    const frames = this.v1.receivedBytes(held);
    if (frames.length !== 0) throw new Error('16 bytes cannot complete a v1 message');
    for (const m of this.queued.splice(0)) this.v1.sendMessage(m.command, m.payload);
    return false;
  }

  private processKeyBytes(): void {
    // Core: on a responder, bytes 4..16 equal to a v1 version header (the magic differed, or
    // we would be in v1 already) mean a v1 peer of another network; say so and disconnect.
    if (!this.initiator && this.bufLen >= V1_PREFIX_LEN) {
      let match = true;
      for (let i = 0; i < VERSION_COMMAND.length; i++) {
        if (this.buf[4 + i] !== VERSION_COMMAND[i]) match = false;
      }
      if (match) {
        throw new FramingError(
          `V2 transport error: V1 peer with wrong MessageStart ${hex(this.buf.subarray(0, 4))}`,
        );
      }
    }
    if (this.bufLen < V2_ELLSWIFT_LEN) return;
    this.cipher = new V2Cipher({
      privateKey: this.privateKey,
      ourEllswift: this.ourEllswift,
      theirEllswift: this.buf.slice(0, V2_ELLSWIFT_LEN),
      initiator: this.initiator,
      magic: this.magic,
    });
    this.privateKey.fill(0);
    this.recvState = 'garbage';
    this.bufLen = 0;
    // Our garbage terminator, then the version packet with our garbage as its AAD (Core sends
    // no separate empty garbage authentication packet: the version packet is that packet).
    const versionPacket = this.cipher.encrypt(VERSION_CONTENTS, this.sendGarbage);
    const out = new Uint8Array(V2_GARBAGE_TERMINATOR_LEN + versionPacket.length);
    out.set(this.cipher.sendGarbageTerminator, 0);
    out.set(versionPacket, V2_GARBAGE_TERMINATOR_LEN);
    this.sendGarbage = new Uint8Array(0);
    this.sendState = 'ready';
    this.write(out);
    for (const m of this.queued.splice(0)) {
      this.write(this.cipher.encrypt(encodeV2Contents(m.command, m.payload)));
    }
  }

  private processGarbageByte(): void {
    if (this.bufLen < V2_GARBAGE_TERMINATOR_LEN) return;
    const terminator = this.cipher!.recvGarbageTerminator;
    const start = this.bufLen - V2_GARBAGE_TERMINATOR_LEN;
    let found = true;
    for (let i = 0; i < V2_GARBAGE_TERMINATOR_LEN; i++) {
      if (this.buf[start + i] !== terminator[i]) {
        found = false;
        break;
      }
    }
    if (found) {
      this.recvAad = this.buf.slice(0, start);
      this.bufLen = 0;
      this.recvState = 'version';
      return;
    }
    if (this.bufLen === V2_MAX_GARBAGE_LEN + V2_GARBAGE_TERMINATOR_LEN) {
      throw new FramingError('V2 transport error: missing garbage terminator');
    }
  }

  /** Processes the packet in the buffer when complete; returns an application message, if any. */
  private processPacketBytes(): DecodedFrame | undefined {
    const cipher = this.cipher!;
    if (this.bufLen === V2_LENGTH_LEN && this.recvLen < 0) {
      this.recvLen = cipher.decryptLength(this.buf.subarray(0, V2_LENGTH_LEN));
      if (this.recvLen > V2_MAX_PACKET_CONTENTS_LEN) {
        throw new FramingError(`V2 transport error: packet too large (${this.recvLen} bytes)`);
      }
      return undefined;
    }
    if (this.recvLen < 0 || this.bufLen < V2_EXPANSION + this.recvLen) return undefined;
    const packet = cipher.decrypt(this.buf.subarray(V2_LENGTH_LEN, this.bufLen), this.recvAad);
    const contentsLen = this.recvLen;
    this.bufLen = 0;
    this.recvLen = -1;
    if (this.buf.length > MAX_RESERVE_AHEAD) this.buf = new Uint8Array(256);
    if (packet === undefined) {
      throw new FramingError(
        `V2 transport error: packet decryption failure (${contentsLen} bytes)`,
      );
    }
    // Only the first packet after the terminator carries the garbage as AAD.
    this.recvAad = new Uint8Array(0);
    if (packet.ignore) return undefined; // a decoy
    if (this.recvState === 'version') {
      // The version packet: its contents are ignored, for future extensions (BIP324).
      this.recvState = 'app';
      return undefined;
    }
    const rawSize = packet.contents.length + V2_EXPANSION;
    const decoded = decodeV2Contents(packet.contents);
    if (decoded === undefined) {
      return {
        kind: 'rejected',
        reason: `V2 transport error: invalid message type (${packet.contents.length} bytes contents)`,
        rawSize,
      };
    }
    // V2Cipher.decrypt returns a fresh buffer per packet, so the payload view can be kept.
    return { kind: 'message', command: decoded.command, payload: decoded.payload, rawSize };
  }

  // ---------------------------------------------------------------- send side

  private startSendingHandshake(): void {
    const out = new Uint8Array(V2_ELLSWIFT_LEN + this.sendGarbage.length);
    out.set(this.ourEllswift, 0);
    out.set(this.sendGarbage, V2_ELLSWIFT_LEN);
    this.logger?.debug('net', `start sending v2 handshake to peer=${this.peerId}`);
    this.handshakeBytesSent += out.length;
    this.write(out);
  }
}
