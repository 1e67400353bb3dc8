/**
 * A ZeroMQ PUB socket's wire side on a passed Listener (RFC 23/ZMTP 3.1 with the NULL mechanism,
 * RFC 29/PUBSUB): each accepted connection exchanges greetings and READY commands (ours says
 * Socket-Type PUB; a peer that is not SUB or XSUB is dropped), then sends subscriptions — as
 * SUBSCRIBE/CANCEL commands (3.1) or as messages whose first byte is 1/0 (3.0) — and receives
 * every published message whose first frame starts with one of its subscriptions.
 *
 * As libzmq's PUB: subscriptions are counted (two SUBSCRIBEs need two CANCELs), a message is never
 * queued for a peer before its handshake, and each peer has a send high-water mark: a message
 * that would exceed `hwm` messages waiting to be written to that peer is dropped for it, so a
 * slow subscriber costs bounded memory and never blocks the node. `hwm` 0 is unlimited.
 */
import type { ByteStream, Listener, Logger } from '@bitcoind-lite/runtime';
import {
  encodeCommand,
  encodeMessage,
  encodeProperties,
  greeting,
  GREETING_BYTES,
  parseCommand,
  parseGreeting,
  parseProperties,
  readFrame,
  type Frame,
} from './zmtp-frames.js';

/** The largest frame a subscriber may send (subscriptions are topic prefixes). */
const MAX_INBOUND_FRAME_BYTES = 64 * 1024;
const PEER_TYPES = new Set(['SUB', 'XSUB']);

export interface ZmtpPublisherOptions {
  listener: Listener;
  logger: Logger;
  /** Per-subscriber send high-water mark in messages (ZMQ_SNDHWM); 0: unlimited. */
  hwm: number;
}

class Subscriber {
  state: 'greeting' | 'ready-wait' | 'ready' = 'greeting';
  private buf: Uint8Array = new Uint8Array(0);
  /** Subscribed prefixes (bytes as latin1 text) and how many times each was subscribed. */
  readonly subscriptions = new Map<string, number>();
  /** Messages handed to the stream and not yet flushed. */
  pending = 0;
  dropped = 0;

  constructor(
    readonly stream: ByteStream,
    private readonly onError: (why: string) => void,
  ) {}

  matches(topic: string): boolean {
    for (const prefix of this.subscriptions.keys()) if (topic.startsWith(prefix)) return true;
    return false;
  }

  receive(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    let at = 0;
    try {
      if (this.state === 'greeting') {
        if (joined.length < GREETING_BYTES) {
          // Reject a wrong signature early, before waiting for 64 bytes that may never come.
          if (joined.length >= 1 && joined[0] !== 0xff) return this.onError('not a ZMTP greeting');
          this.buf = joined;
          return;
        }
        const g = parseGreeting(joined.subarray(0, GREETING_BYTES));
        if (typeof g === 'string') return this.onError(g);
        this.state = 'ready-wait';
        at = GREETING_BYTES;
      }
      for (;;) {
        const next = readFrame(joined, at, MAX_INBOUND_FRAME_BYTES);
        if (next === undefined) break;
        at = next.next;
        this.onFrame(next.frame);
        if (this.stream.destroyed) return;
      }
    } catch (e) {
      return this.onError((e as Error).message);
    }
    this.buf = joined.slice(at);
  }

  private onFrame(frame: Frame): void {
    if (frame.command) {
      const cmd = parseCommand(frame.body);
      if (cmd === undefined) return this.onError('malformed command');
      if (this.state === 'ready-wait') {
        if (cmd.name !== 'READY') return this.onError(`expected READY, got ${cmd.name}`);
        const props = parseProperties(cmd.data);
        const type = props?.get('socket-type');
        const typeText = type === undefined ? '' : new TextDecoder().decode(type);
        if (!PEER_TYPES.has(typeText)) {
          return this.onError(`socket type ${typeText || '(none)'} cannot talk to PUB`);
        }
        this.state = 'ready';
        return;
      }
      if (cmd.name === 'SUBSCRIBE') this.subscribe(cmd.data);
      else if (cmd.name === 'CANCEL') this.cancel(cmd.data);
      else if (cmd.name === 'PING') {
        // ZMTP 3.1 heartbeat: PONG echoes the context after the 2-byte TTL.
        this.stream.write(encodeCommand('PONG', cmd.data.subarray(2)));
      }
      return;
    }
    if (this.state !== 'ready') return this.onError('message before READY');
    // ZMTP 3.0 subscriptions: a one-frame message, first byte 1 (subscribe) or 0 (cancel).
    if (frame.more || frame.body.length === 0) return;
    if (frame.body[0] === 1) this.subscribe(frame.body.subarray(1));
    else if (frame.body[0] === 0) this.cancel(frame.body.subarray(1));
  }

  private subscribe(prefix: Uint8Array): void {
    const key = Buffer.from(prefix).toString('latin1');
    this.subscriptions.set(key, (this.subscriptions.get(key) ?? 0) + 1);
  }

  private cancel(prefix: Uint8Array): void {
    const key = Buffer.from(prefix).toString('latin1');
    const n = this.subscriptions.get(key);
    if (n === undefined) return;
    if (n <= 1) this.subscriptions.delete(key);
    else this.subscriptions.set(key, n - 1);
  }
}

export class ZmtpPublisher {
  readonly listener: Listener;
  readonly hwm: number;
  private readonly logger: Logger;
  private readonly subscribers = new Set<Subscriber>();
  private started = false;
  private closed = false;

  constructor(o: ZmtpPublisherOptions) {
    if (o === undefined) throw new TypeError('ZmtpPublisher: options are required');
    if (o.listener === undefined) throw new TypeError('ZmtpPublisher: listener is required');
    if (o.logger === undefined) throw new TypeError('ZmtpPublisher: logger is required');
    if (!Number.isInteger(o.hwm) || o.hwm < 0) {
      throw new RangeError(`ZmtpPublisher: hwm must be a non-negative integer, got ${o.hwm}`);
    }
    this.listener = o.listener;
    this.logger = o.logger;
    this.hwm = o.hwm;
  }

  /** Starts accepting subscribers. */
  start(): void {
    if (this.started) throw new Error('ZmtpPublisher: already started');
    this.started = true;
    this.listener.accept((stream) => this.onConnection(stream));
  }

  /** Subscribers that finished the handshake (for tests and logs). */
  subscriberCount(): number {
    let n = 0;
    for (const s of this.subscribers) if (s.state === 'ready') n++;
    return n;
  }

  /** Messages dropped at the high-water mark, over all subscribers so far connected. */
  droppedCount(): number {
    let n = 0;
    for (const s of this.subscribers) n += s.dropped;
    return n + this.droppedByGone;
  }

  private droppedByGone = 0;

  /**
   * Sends a multipart message to every ready subscriber whose subscriptions match its first
   * frame. Never blocks and never fails: as ZMQ's PUB, a subscriber at its high-water mark
   * misses the message.
   */
  publish(parts: readonly Uint8Array[]): void {
    if (this.closed || parts.length === 0) return;
    const topic = Buffer.from(parts[0]!).toString('latin1');
    let wire: Uint8Array | undefined;
    for (const s of this.subscribers) {
      if (s.state !== 'ready' || !s.matches(topic)) continue;
      if (this.hwm > 0 && s.pending >= this.hwm) {
        s.dropped++;
        continue;
      }
      wire ??= encodeMessage(parts);
      s.pending++;
      s.stream.write(wire, () => s.pending--);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closing = this.listener.close().catch(() => undefined);
    for (const s of this.subscribers) s.stream.destroy();
    this.subscribers.clear();
    await closing;
  }

  private onConnection(stream: ByteStream): void {
    if (this.closed) {
      stream.destroy();
      return;
    }
    const peer = `${stream.remoteAddress ?? '?'}:${stream.remotePort ?? 0}`;
    const sub = new Subscriber(stream, (why) => {
      this.logger.debug('zmq', `dropping subscriber ${peer} on ${this.listener.address}: ${why}`);
      stream.destroy();
    });
    this.subscribers.add(sub);
    stream.setNoDelay?.(true);
    stream.on('data', (chunk: Buffer) => sub.receive(chunk));
    stream.on('error', () => undefined);
    stream.on('close', () => {
      this.droppedByGone += sub.dropped;
      this.subscribers.delete(sub);
    });
    stream.write(greeting());
    stream.write(encodeCommand('READY', encodeProperties({ 'Socket-Type': 'PUB' })));
  }
}
