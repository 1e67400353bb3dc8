/**
 * A real RpcServer for the package tests: a TCP listener bound on 127.0.0.1:0, a temporary
 * folder as its Dir, a Logger writing into an array, the system clock, and a few test methods.
 * Clients are plain HTTP/1.1 over node:net so status lines, headers and bodies are seen as sent.
 */
import { connect, type Socket } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom, type Random } from '@bitcoind-lite/entropy';
import { Logger, type Clock, type Timer } from '@bitcoind-lite/runtime';
import { bindListener, systemClock } from '@bitcoind-lite/runtime/host';
import { openDirCapability } from '@bitcoind-lite/storage/host';
import {
  RpcError,
  RpcServer,
  ValueFromAmount,
  RPC_INVALID_PARAMETER,
  type RpcAuthConfig,
  type RpcServerOptions,
} from '../src/index.js';

/** The system clock, recording the delays asked of setTimeout (to see the bad-auth sleep). */
export class RecordingClock implements Clock {
  readonly delaysMs: number[] = [];
  private readonly base = systemClock();

  nowMs(): number {
    return this.base.nowMs();
  }

  monotonicMs(): number {
    return this.base.monotonicMs();
  }

  setTimeout(callback: () => void, delayMs: number): Timer {
    this.delaysMs.push(delayMs);
    return this.base.setTimeout(callback, delayMs);
  }

  setInterval(callback: () => void, periodMs: number): Timer {
    return this.base.setInterval(callback, periodMs);
  }
}

export interface Harness {
  server: RpcServer;
  port: number;
  dirPath: string;
  logLines: string[];
  clock: RecordingClock;
  /** `Basic ...` for the configured credentials (the cookie when no password is set). */
  authHeader: string;
  /** Resolves the `gate` method's pending calls. */
  openGate(): void;
  /** Resolves when a `gate` call has started running. */
  gateEntered: Promise<void>;
  stopCalls: number;
  close(): Promise<void>;
}

export const TEST_SEED = new Uint8Array(32).fill(7);

export function basic(userColonPass: string): string {
  return `Basic ${Buffer.from(userColonPass, 'utf8').toString('base64')}`;
}

export async function startHarness(
  o: {
    auth?: RpcAuthConfig;
    random?: Random;
    extra?: Partial<RpcServerOptions>;
    /** Build the server without a `warmup` option (Core's initial warmup). */
    omitWarmup?: boolean;
  } = {},
): Promise<Harness> {
  const dirPath = mkdtempSync(join(tmpdir(), 'rpc-test-'));
  const datadir = await openDirCapability(dirPath);
  const clock = new RecordingClock();
  const logLines: string[] = [];
  const logger = new Logger({ write: (line) => logLines.push(line) }, clock, ['rpc', 'http']);
  const listener = await bindListener('rpc', '127.0.0.1', 0);
  const auth = o.auth ?? { rpcuser: 'alice', rpcpassword: 'secret' };
  let gateOpen: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (gateOpen = resolve));
  let entered: () => void = () => undefined;
  const gateEntered = new Promise<void>((resolve) => (entered = resolve));

  const h = {} as Harness;
  const server = new RpcServer({
    listener,
    logger,
    clock,
    random: o.random ?? seededRandom(TEST_SEED),
    datadir,
    auth,
    ...(o.omitWarmup ? {} : { warmup: undefined }),
    onStop: () => h.stopCalls++,
    ...o.extra,
  });
  registerTestMethods(server, async () => {
    entered();
    await gate;
  });
  await server.start();

  let authHeader = basic(`${auth.rpcuser ?? ''}:${auth.rpcpassword ?? ''}`);
  if ((auth.rpcpassword ?? '') === '') {
    const { readFileSync } = await import('node:fs');
    authHeader = basic(readFileSync(join(dirPath, '.cookie'), 'utf8'));
  }
  Object.assign(h, {
    server,
    port: listener.port,
    dirPath,
    logLines,
    clock,
    authHeader,
    openGate: gateOpen,
    gateEntered,
    stopCalls: 0,
    close: () => server.stop(),
  });
  return h;
}

function registerTestMethods(server: RpcServer, gate: () => Promise<void>): void {
  server.register({
    name: 'echojson',
    category: 'test',
    description: 'Returns its positional parameters, numbers as written.',
    params: [
      { name: 'arg0', type: 'any', optional: true },
      { name: 'arg1', type: 'any', optional: true },
      { name: 'arg2', type: 'any', optional: true },
    ],
    handler: (_p, ctx) => ctx.rawParams,
  });
  server.register({
    name: 'typed',
    category: 'test',
    description: 'Checks parameter types.',
    params: [
      { name: 'str', type: 'string' },
      { name: 'num', type: 'number', optional: true },
      { name: 'flag|alias', type: 'boolean', optional: true },
      { name: 'obj', type: 'object', optional: true },
      { name: 'arr', type: 'array', default: [] },
    ],
    handler: (p) => p,
  });
  server.register({
    name: 'sendamount',
    category: 'test',
    description: 'Parses an amount and prints it back.',
    params: [{ name: 'amount', type: 'amount' }],
    handler: (p) => ({ sats: String(p.amount), amount: ValueFromAmount(p.amount as bigint) }),
  });
  server.register({
    name: 'amountof',
    category: 'test',
    description: 'Prints satoshis as an amount.',
    params: [{ name: 'sats', type: 'string' }],
    handler: (p) => ValueFromAmount(BigInt(p.sats as string)),
  });
  server.register({
    name: 'whoami',
    category: 'test',
    description: 'The wallet and user of the call.',
    params: [],
    handler: (_p, ctx) => ({ wallet: ctx.wallet ?? null, user: ctx.authUser, uri: ctx.uri }),
  });
  server.register({
    name: 'fail',
    category: 'test',
    description: 'Throws.',
    params: [{ name: 'kind', type: 'string' }],
    handler: (p) => {
      if (p.kind === 'param')
        throw new RpcError(RPC_INVALID_PARAMETER, 'Block height out of range');
      throw new Error('boom');
    },
  });
  server.register({
    name: 'gate',
    category: 'test',
    description: 'Waits until the test opens the gate.',
    params: [],
    handler: async () => {
      await gate();
      return 'opened';
    },
  });
}

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One HTTP/1.1 connection; requests are sent one at a time and replies read by length. */
export class HttpConn {
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<HttpConn> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new HttpConn(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async more(): Promise<void> {
    if (this.closed) throw new Error('connection closed');
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  send(o: {
    method?: string;
    path?: string;
    body?: string | Buffer;
    auth?: string;
    headers?: Record<string, string>;
  }): void {
    const body = typeof o.body === 'string' ? Buffer.from(o.body) : (o.body ?? Buffer.alloc(0));
    const lines = [`${o.method ?? 'POST'} ${o.path ?? '/'} HTTP/1.1`, 'Host: 127.0.0.1'];
    if (o.auth !== undefined) lines.push(`Authorization: ${o.auth}`);
    for (const [k, v] of Object.entries(o.headers ?? {})) lines.push(`${k}: ${v}`);
    lines.push(`Content-Length: ${body.length}`);
    this.socket.write(Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n'), body]));
  }

  async read(): Promise<HttpReply> {
    let end: number;
    while ((end = this.buffer.indexOf('\r\n\r\n')) < 0) await this.more();
    const head = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(head[0]!.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    const length = Number(headers['content-length'] ?? '0');
    while (this.buffer.length < end + 4 + length) await this.more();
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buffer = this.buffer.subarray(end + 4 + length);
    return { status, headers, body };
  }

  async request(o: Parameters<HttpConn['send']>[0]): Promise<HttpReply> {
    this.send(o);
    return this.read();
  }

  /** Resolves when the server has closed the connection. */
  async waitClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A request on a fresh connection. */
export async function request(
  port: number,
  o: Parameters<HttpConn['send']>[0],
): Promise<HttpReply> {
  const c = await HttpConn.open(port);
  try {
    return await c.request(o);
  } finally {
    c.close();
  }
}

/** A JSON-RPC POST with the harness's credentials. */
export function rpc(h: Harness, body: unknown, path = '/'): Promise<HttpReply> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return request(h.port, { body: text, auth: h.authHeader, path });
}
