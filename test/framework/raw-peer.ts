/**
 * A hand-driven P2P peer for end-to-end tests against a real node: a node:net socket to
 * 127.0.0.1 speaking the v1 framing. It writes exactly what a test gives it (including bytes no
 * honest peer would send) and decodes what the node answers with @bitcoind-lite/p2p's V1Decoder,
 * so a test can assert what the node sent back (getdata, getheaders, pong) and when it hung up.
 */
import net from 'node:net';
import { getChainParams } from '@bitcoind-lite/consensus';
import {
  FramingError,
  PROTOCOL_VERSION,
  V1Decoder,
  decodeMessage,
  encodeMessage,
  serializeMessage,
  type NetMessage,
} from '@bitcoind-lite/p2p';

export const REGTEST_MAGIC = getChainParams('regtest').messageStart;

/** One framed message with the regtest magic, ready to write. */
export function frame(m: NetMessage, magic: Uint8Array = REGTEST_MAGIC): Uint8Array {
  return serializeMessage(magic, m.type, encodeMessage(m));
}

/** The message type whose `type` can be T (inv, getdata and notfound share one interface). */
export type MessageOf<T extends NetMessage['type'], M = NetMessage> = M extends { type: infer U }
  ? T extends U
    ? M
    : never
  : never;

export interface RawPeerOptions {
  /** Answer the node's pings (default true), so only the hostile part of a test is hostile. */
  autoPong?: boolean;
}

export class RawPeer {
  /** Every message the node sent us, in order (commands this codebase cannot decode are kept raw). */
  readonly received: { command: string; msg: NetMessage | undefined }[] = [];
  /** Set when the node's bytes could not be framed (should never happen with an honest node). */
  framingError: Error | undefined;
  readonly closed: Promise<void>;
  private isClosed = false;
  private readonly decoder = new V1Decoder(REGTEST_MAGIC);
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly socket: net.Socket,
    private readonly o: RawPeerOptions,
  ) {
    this.closed = new Promise((r) =>
      socket.once('close', () => {
        this.isClosed = true;
        this.wake();
        r();
      }),
    );
    // The node may hang up while we are still writing: EPIPE / ECONNRESET are expected here.
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => this.onData(d));
  }

  static async connect(port: number, o: RawPeerOptions = {}): Promise<RawPeer> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((res, rej) => {
      socket.once('connect', () => res());
      socket.once('error', rej);
    });
    return new RawPeer(socket, o);
  }

  /**
   * The peer the node dials: waits for the next connection to `server` (a listener on
   * 127.0.0.1 the test handed to addconnection / addnode) and speaks on it.
   */
  static async accept(server: net.Server, o: RawPeerOptions = {}): Promise<RawPeer> {
    const socket = await new Promise<net.Socket>((res) => server.once('connection', res));
    return new RawPeer(socket, o);
  }

  /** Our side's port: the node lists us in getpeerinfo as `127.0.0.1:<localPort>`. */
  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  get addr(): string {
    return `127.0.0.1:${this.localPort}`;
  }

  get open(): boolean {
    return !this.isClosed;
  }

  /** Writes raw bytes; resolves when they are handed to the kernel (or the socket is gone). */
  write(bytes: Uint8Array): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((r) => this.socket.write(bytes, () => r()));
  }

  send(m: NetMessage): Promise<void> {
    return this.write(frame(m));
  }

  /**
   * Sends version (with `services` and `startHeight`), waits for the node's version and verack,
   * then sends verack: afterwards the node treats us as fully connected.
   */
  async handshake(o: { services?: bigint; startHeight?: number } = {}): Promise<void> {
    await this.send({
      type: 'version',
      version: PROTOCOL_VERSION,
      services: o.services ?? 0n,
      timestamp: BigInt(Math.floor(Date.now() / 1000)),
      addrRecv: {
        services: 0n,
        service: { network: 'ipv4', addr: Uint8Array.of(127, 0, 0, 1), port: 0 },
      },
      addrFrom: { services: 0n, service: { network: 'ipv6', addr: new Uint8Array(16), port: 0 } },
      nonce: 0x686f7374696c65n,
      userAgent: '/hostile-raw-peer/',
      startHeight: o.startHeight ?? 0,
      relay: false,
    });
    await this.waitFor('version');
    await this.waitFor('verack');
    await this.send({ type: 'verack' });
  }

  /** The first received message of `command` matching `pred`; rejects after `timeoutMs`. */
  async waitFor<T extends NetMessage['type']>(
    command: T,
    pred: (m: MessageOf<T>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<MessageOf<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.received.find(
        (r) => r.command === command && r.msg && pred(r.msg as MessageOf<T>),
      );
      if (hit) return hit.msg as MessageOf<T>;
      const left = deadline - Date.now();
      if (left <= 0 || this.isClosed) {
        throw new Error(
          `raw peer: no ${command} (${this.isClosed ? 'closed' : 'timeout'}); got ` +
            this.received.map((r) => r.command).join(','),
        );
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  count(command: string): number {
    return this.received.filter((r) => r.command === command).length;
  }

  /** True when the node closes the connection within `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    return Promise.race([
      this.closed.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), ms)),
    ]);
  }

  /** A ping answered by a pong with the same nonce: proof the connection is alive and framed. */
  async roundTrip(nonce: bigint, timeoutMs = 10_000): Promise<void> {
    await this.send({ type: 'ping', nonce });
    await this.waitFor('pong', (m) => m.nonce === nonce, timeoutMs);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(d: Buffer): void {
    if (this.framingError) return;
    try {
      for (const f of this.decoder.push(new Uint8Array(d))) {
        if (f.kind !== 'message') continue;
        let msg: NetMessage | undefined;
        try {
          msg = decodeMessage(f.command, f.payload);
        } catch {
          msg = undefined;
        }
        this.received.push({ command: f.command, msg });
        if (this.o.autoPong !== false && msg?.type === 'ping') {
          void this.send({ type: 'pong', nonce: msg.nonce });
        }
      }
    } catch (e) {
      if (!(e instanceof FramingError)) throw e;
      this.framingError = e;
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
