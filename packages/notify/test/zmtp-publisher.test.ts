/**
 * ZmtpPublisher over a real 127.0.0.1 listener, read by a hand-written ZMTP 3.0 client (RFC 23):
 * our greeting and READY (Socket-Type PUB), 3.0-style subscription messages, prefix filtering,
 * counted subscriptions and cancel, refusal of a non-SUB peer, and the per-subscriber high-water
 * mark: a subscriber that does not read loses messages, and every message is either delivered
 * whole or counted as dropped.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Logger } from '@bitcoind-lite/runtime';
import { bindListener, systemClock } from '@bitcoind-lite/runtime/host';
import {
  encodeCommand,
  encodeFrame,
  encodeProperties,
  parseCommand,
  parseProperties,
  readFrame,
  ZmtpPublisher,
} from '../src/index.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function publisher(hwm = 1000): Promise<{ pub: ZmtpPublisher; port: number }> {
  const listener = await bindListener('zmq', '127.0.0.1', 0);
  const pub = new ZmtpPublisher({
    listener,
    logger: new Logger({ write: () => undefined }, systemClock(), []),
    hwm,
  });
  pub.start();
  open.push(pub);
  return { pub, port: listener.port };
}

/** A ZMTP 3.0 peer: sends its greeting and READY, collects frames. */
class RawPeer {
  buf = Buffer.alloc(0);
  greeting: Buffer | undefined;
  frames: { more: boolean; command: boolean; body: Uint8Array }[] = [];
  closed = false;

  constructor(readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      if (this.greeting === undefined && this.buf.length >= 64) {
        this.greeting = this.buf.subarray(0, 64);
        this.buf = this.buf.subarray(64);
      }
      if (this.greeting === undefined) return;
      let at = 0;
      for (;;) {
        const f = readFrame(this.buf, at, 1 << 24);
        if (f === undefined) break;
        this.frames.push(f.frame);
        at = f.next;
      }
      this.buf = this.buf.subarray(at);
    });
    sock.on('close', () => (this.closed = true));
    sock.on('error', () => undefined);
  }

  static async open(port: number, socketType = 'SUB'): Promise<RawPeer> {
    const sock = await new Promise<Socket>((res, rej) => {
      const s = connect({ host: '127.0.0.1', port }, () => res(s));
      s.once('error', rej);
    });
    open.push({ close: () => sock.destroy() });
    const g = Buffer.alloc(64);
    g[0] = 0xff;
    g[9] = 0x7f;
    g[10] = 3;
    g[11] = 0;
    g.write('NULL', 12);
    sock.write(g);
    sock.write(encodeCommand('READY', encodeProperties({ 'Socket-Type': socketType })));
    return new RawPeer(sock);
  }

  subscribe(prefix: string, on = true): void {
    this.sock.write(
      encodeFrame(Buffer.concat([Buffer.from([on ? 1 : 0]), Buffer.from(prefix)]), {}),
    );
  }

  /** Messages (non-command frames joined by MORE), as arrays of strings. */
  messages(): string[][] {
    const out: string[][] = [];
    let cur: string[] = [];
    for (const f of this.frames) {
      if (f.command) continue;
      cur.push(Buffer.from(f.body).toString('latin1'));
      if (!f.more) {
        out.push(cur);
        cur = [];
      }
    }
    return out;
  }
}

async function until(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out: ${what}`);
}

const enc = (s: string) => new TextEncoder().encode(s);

describe('ZmtpPublisher', () => {
  it('greets as ZMTP 3.1 NULL and says READY with Socket-Type PUB', async () => {
    const { port } = await publisher();
    const peer = await RawPeer.open(port);
    await until(() => peer.frames.length > 0, 'READY');
    const g = peer.greeting!;
    expect([g[0], g[9], g[10], g[11]]).toEqual([0xff, 0x7f, 3, 1]);
    expect(g.subarray(12, 16).toString()).toBe('NULL');
    expect(g.subarray(16, 64).every((b) => b === 0)).toBe(true);
    const ready = parseCommand(peer.frames[0]!.body)!;
    expect(ready.name).toBe('READY');
    expect(Buffer.from(parseProperties(ready.data)!.get('socket-type')!).toString()).toBe('PUB');
  });

  it('sends only messages whose topic starts with a subscription; counted subscriptions, cancel', async () => {
    const { pub } = await publisher().then(async (p) => ({ ...p, peer: undefined }));
    const port = (pub.listener as { port: number }).port;
    const peer = await RawPeer.open(port);
    peer.subscribe('hash');
    peer.subscribe('hash');
    await until(() => pub.subscriberCount() === 1, 'handshake');
    // A subscription message may still be in flight: publish until the first one arrives.
    await until(() => {
      pub.publish([enc('hashblock'), enc('x')]);
      return peer.messages().length > 0;
    }, 'subscription');
    pub.publish([enc('rawtx'), enc('no')]);
    pub.publish([enc('hashtx'), enc('a'), enc('\x01\x00\x00\x00')]);
    await until(() => peer.messages().some((m) => m[0] === 'hashtx'), 'hashtx');
    // Messages arrive in order, so rawtx would have come before hashtx.
    expect(peer.messages().filter((m) => m[0] !== 'hashblock')).toEqual([
      ['hashtx', 'a', '\x01\x00\x00\x00'],
    ]);

    // One cancel of two subscriptions keeps it; the second removes it.
    peer.subscribe('hash', false);
    peer.subscribe('raw');
    await until(() => {
      pub.publish([enc('rawblock'), enc('r')]);
      return peer.messages().some((m) => m[0] === 'rawblock');
    }, 'raw subscription');
    pub.publish([enc('hashblock'), enc('still')]);
    await until(() => peer.messages().some((m) => m[1] === 'still'), 'still subscribed');
    peer.subscribe('hash', false);
    peer.subscribe('marker');
    await until(() => {
      pub.publish([enc('marker'), enc('m')]);
      return peer.messages().some((m) => m[0] === 'marker');
    }, 'marker');
    pub.publish([enc('hashblock'), enc('gone')]);
    pub.publish([enc('marker'), enc('end')]);
    await until(() => peer.messages().some((m) => m[1] === 'end'), 'end');
    expect(peer.messages().some((m) => m[1] === 'gone')).toBe(false);
  });

  it('drops a peer that is not SUB/XSUB, and one without a ZMTP greeting', async () => {
    const { port } = await publisher();
    const push = await RawPeer.open(port, 'PUSH');
    await until(() => push.closed, 'PUSH dropped');
    const sock = connect({ host: '127.0.0.1', port });
    open.push({ close: () => sock.destroy() });
    sock.on('error', () => undefined);
    let closed = false;
    sock.on('close', () => (closed = true));
    sock.resume(); // read, so the server's close is seen
    sock.write('GET / HTTP/1.1\r\n\r\n');
    await until(() => closed, 'HTTP peer dropped');
  });

  it('a subscriber that does not read loses messages past the high-water mark, whole', async () => {
    const { pub, port } = await publisher(4);
    const peer = await RawPeer.open(port);
    peer.subscribe('');
    await until(() => {
      pub.publish([enc('probe'), enc('p')]);
      return peer.messages().length > 0;
    }, 'subscription');
    peer.sock.pause();
    const blobs = () => peer.messages().filter((m) => m[0] === 'blob');
    const big = new Uint8Array(1 << 20);
    const sent = 200;
    for (let i = 0; i < sent; i++) pub.publish([enc('blob'), big]);
    expect(pub.droppedCount()).toBeGreaterThan(0);
    const dropped = pub.droppedCount();
    peer.sock.resume();
    await until(() => blobs().length === sent - dropped, 'delivered');
    expect(blobs().every((m) => m[0] === 'blob' && m[1]!.length === 1 << 20)).toBe(true);
  });
});
