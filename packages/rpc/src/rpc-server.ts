/**
 * The HTTP side of the RPC server, as Core's httpserver.cpp + httprpc.cpp: HTTP/1.1 with
 * persistent connections on a passed Listener, Node's HTTP parser fed with each accepted stream
 * (the server never binds or listens itself).
 *
 * Per request, in Core's order: unknown HTTP method -> 405; path other than `/`, a registered
 * handler's prefix (registerHttpHandler: REST) or
 * `/wallet/<name>` -> 404; body over MAX_SIZE -> 413; work queue full -> 503 "Work queue depth
 * exceeded"; then in the handler: not POST -> 405 "JSONRPC server handles only POST requests";
 * no Authorization -> 401; wrong credentials -> 401 after 250 ms (Core's brute-force deterrent);
 * else JSON-RPC.
 *
 * Timing uses the Clock capability only: the idle timeout (`rpcservertimeout`, Core's
 * DEFAULT_HTTP_SERVER_TIMEOUT 30 s) closes a connection that has not delivered a complete request
 * within that time since it opened or since its last reply, which also ends slow-loris headers;
 * the Date header is the Clock's time. Node's own request/keep-alive timers are switched off.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Random } from '@bitcoind-lite/entropy';
import type { Clock, Logger, Listener, ByteStream, Timer } from '@bitcoind-lite/runtime';
import type { Dir } from '@bitcoind-lite/storage';
import { RpcAuth, type RpcAuthConfig } from './auth.js';
import { registerControlCommands } from './control.js';
import type { HttpHandler, HttpHandlerRequest } from './http-handler.js';
import { JsonRpcProcessor } from './json-rpc.js';
import {
  HTTP_BAD_METHOD,
  HTTP_NOT_FOUND,
  HTTP_PAYLOAD_TOO_LARGE,
  HTTP_SERVICE_UNAVAILABLE,
  HTTP_UNAUTHORIZED,
} from './protocol.js';
import { RpcTable, type RpcMethod } from './registry.js';

/** Core's MAX_SIZE (serialize.h), the largest request body httpserver accepts. */
export const MAX_SIZE = 0x02000000;
/** Core's MAX_HEADERS_SIZE (httpserver.cpp). */
export const MAX_HEADERS_SIZE = 8192;
/** Core's DEFAULT_HTTP_SERVER_TIMEOUT, seconds. */
export const DEFAULT_HTTP_SERVER_TIMEOUT_SEC = 30;
/** Core's DEFAULT_HTTP_THREADS and DEFAULT_HTTP_WORKQUEUE (Core 29). */
export const DEFAULT_HTTP_THREADS = 16;
export const DEFAULT_HTTP_WORKQUEUE = 64;
/** Core sleeps this long before answering a wrong password (httprpc.cpp). */
export const BAD_AUTH_DELAY_MS = 250;

const WWW_AUTH_HEADER_DATA = 'Basic realm="jsonrpc"';
/** Methods Core's HTTPRequest::GetRequestMethod knows; others get 405 before anything else. */
const KNOWN_METHODS = new Set(['GET', 'POST', 'HEAD', 'PUT', 'OPTIONS']);
const WALLET_ENDPOINT_BASE = '/wallet/';

export interface RpcServerOptions {
  listener: Listener;
  logger: Logger;
  clock: Clock;
  random: Random;
  /** The network's folder (e.g. regtest/), where `.cookie` is written. */
  datadir: Dir;
  auth: RpcAuthConfig;
  /** Called after `stop` has replied. */
  onStop?: () => void;
  /** `rpcthreads`: requests executed at once. */
  rpcThreads?: number;
  /** `rpcworkqueue`: requests waiting beyond those. */
  workQueue?: number;
  /** `rpcservertimeout`, seconds. */
  serverTimeoutSec?: number;
  maxBodyBytes?: number;
  /** Initial warmup status; `undefined` starts ready. Default: Core's "RPC server started". */
  warmup?: string | undefined;
  /** Shown by getrpcinfo. */
  logPath?: string;
}

interface ConnState {
  timer: Timer | undefined;
  busy: number;
}

function requireOption<T>(value: T | undefined, name: string): T {
  if (value === undefined || value === null) throw new TypeError(`RpcServer: ${name} is required`);
  return value;
}

export class RpcServer {
  readonly table: RpcTable;
  private readonly listener: Listener;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly auth: RpcAuth;
  private readonly processor: JsonRpcProcessor;
  private readonly http: Server;
  private readonly connections = new Map<ByteStream, ConnState>();
  private readonly rpcThreads: number;
  private readonly workQueueDepth: number;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private running = 0;
  private readonly queue: (() => void)[] = [];
  private stopping = false;
  private started = false;
  private idleWaiters: (() => void)[] = [];
  private readonly httpHandlers: { prefix: string; handler: HttpHandler }[] = [];
  readonly startMs: number;

  constructor(options: RpcServerOptions) {
    if (options === undefined) throw new TypeError('RpcServer: options are required');
    this.listener = requireOption(options.listener, 'listener');
    this.logger = requireOption(options.logger, 'logger');
    this.clock = requireOption(options.clock, 'clock');
    const random = requireOption(options.random, 'random');
    const datadir = requireOption(options.datadir, 'datadir');
    const authConfig = requireOption(options.auth, 'auth');
    this.rpcThreads = Math.max(1, options.rpcThreads ?? DEFAULT_HTTP_THREADS);
    this.workQueueDepth = Math.max(1, options.workQueue ?? DEFAULT_HTTP_WORKQUEUE);
    this.timeoutMs = (options.serverTimeoutSec ?? DEFAULT_HTTP_SERVER_TIMEOUT_SEC) * 1000;
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_SIZE;
    this.startMs = this.clock.nowMs();

    this.table = new RpcTable(this.logger, this.clock, 'RPC server started');
    // An explicit `warmup: undefined` starts ready (passing undefined to RpcTable's defaulted
    // parameter would select the default instead).
    if ('warmup' in options) this.table.setWarmup(options.warmup);
    this.auth = new RpcAuth(authConfig, datadir, random, this.logger);
    this.processor = new JsonRpcProcessor(this.table, this.logger);
    const onStop = options.onStop ?? (() => undefined);
    registerControlCommands({
      table: this.table,
      clock: this.clock,
      logger: this.logger,
      startMs: this.startMs,
      startMonotonicMs: this.clock.monotonicMs(),
      onStop,
      logPath: options.logPath ?? '',
    });

    this.http = createServer({
      maxHeaderSize: MAX_HEADERS_SIZE,
      requestTimeout: 0,
      headersTimeout: 0,
      keepAliveTimeout: 0,
      noDelay: true,
    });
    this.http.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.onRequest(req, res).catch((e: unknown) => {
        this.logger.error(`RPC request failed: ${(e as Error).stack ?? String(e)}`, 'http');
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    });
  }

  register(method: RpcMethod): void {
    this.table.register(method);
  }

  /**
   * Core's RegisterHTTPHandler (prefix match, unauthenticated), e.g. the REST interface under
   * `/rest/`. Paths `/` and `/wallet/...` stay JSON-RPC's.
   */
  registerHttpHandler(prefix: string, handler: HttpHandler): void {
    if (prefix === '/' || prefix.startsWith(WALLET_ENDPOINT_BASE)) {
      throw new RangeError(`RpcServer: the prefix ${prefix} is JSON-RPC's`);
    }
    this.httpHandlers.push({ prefix, handler });
  }

  /** Core's SetRPCWarmupStatus (a status) and SetRPCWarmupFinished (undefined). */
  setWarmup(status: string | undefined): void {
    this.table.setWarmup(status);
  }

  /** Writes the cookie when needed and starts accepting connections. */
  async start(): Promise<void> {
    if (this.started) throw new Error('RpcServer: already started');
    this.started = true;
    await this.auth.init();
    this.logger.debug('rpc', 'Starting HTTP RPC server');
    this.logger.info(`Binding RPC on address ${this.listener.address}`);
    this.listener.accept((stream) => this.onConnection(stream));
  }

  /** Stops accepting, lets running calls finish, closes connections, removes the cookie. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.logger.debug('rpc', 'Stopping HTTP RPC server');
    // Stop accepting first; the listener's close completes only once every accepted connection
    // has ended, so it is awaited after the idle keep-alive connections are destroyed (else a
    // client's idle keep-alive socket would hold shutdown for the HTTP keep-alive timeout).
    const closed = this.listener.close().catch(() => undefined);
    if (this.running > 0 || this.queue.length > 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    for (const [stream, state] of this.connections) {
      state.timer?.cancel();
      stream.destroy();
    }
    this.connections.clear();
    this.http.close();
    await closed;
    await this.auth.removeCookie();
  }

  private onConnection(stream: ByteStream): void {
    if (this.stopping) {
      stream.destroy();
      return;
    }
    const state: ConnState = { timer: undefined, busy: 0 };
    this.connections.set(stream, state);
    stream.on('close', () => {
      state.timer?.cancel();
      this.connections.delete(stream);
    });
    stream.on('error', () => undefined);
    this.armIdleTimer(stream, state);
    this.http.emit('connection', stream);
  }

  private armIdleTimer(stream: ByteStream, state: ConnState): void {
    state.timer?.cancel();
    if (this.timeoutMs <= 0) return;
    state.timer = this.clock.setTimeout(() => {
      if (state.busy > 0) return;
      this.logger.debug('http', `closing idle connection from ${peerOf(stream)}`);
      stream.destroy();
    }, this.timeoutMs);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const stream = req.socket as unknown as ByteStream;
    const state = this.connections.get(stream) ?? { timer: undefined, busy: 0 };
    const peer = peerOf(stream);
    const uri = req.url ?? '';
    const method = req.method ?? '';
    res.sendDate = false;
    res.setHeader('Date', new Date(this.clock.nowMs()).toUTCString());
    // 'close' fires for finished and for aborted responses alike.
    res.once('close', () => {
      state.busy--;
      if (state.busy === 0) this.armIdleTimer(stream, state);
    });
    state.busy++;
    this.logger.debug('http', `Received a ${method} request for ${sanitizeUri(uri)} from ${peer}`);

    if (this.stopping) {
      res.setHeader('Connection', 'close');
      return reply(
        res,
        HTTP_SERVICE_UNAVAILABLE,
        'Request rejected because http server is shutting down',
      );
    }
    if (!KNOWN_METHODS.has(method)) return reply(res, HTTP_BAD_METHOD, undefined);
    let wallet: string | undefined;
    const pathHandler = this.httpHandlers.find((h) => uri.startsWith(h.prefix));
    if (pathHandler !== undefined) {
      // Handled below, after the body and the work queue, as Core's registered handlers are.
    } else if (uri.startsWith(WALLET_ENDPOINT_BASE)) {
      wallet = urlDecode(uri.slice(WALLET_ENDPOINT_BASE.length));
    } else if (uri !== '/') {
      return reply(res, HTTP_NOT_FOUND, undefined);
    }

    const body = await readBody(req, this.maxBodyBytes);
    if (body === undefined) {
      res.setHeader('Connection', 'close');
      reply(res, HTTP_PAYLOAD_TOO_LARGE, undefined);
      res.on('finish', () => stream.destroy());
      return;
    }
    state.timer?.cancel();

    if (this.running >= this.rpcThreads && this.queue.length >= this.workQueueDepth) {
      this.logger.warning(
        'Request rejected because http work queue depth exceeded, it can be increased with the -rpcworkqueue= setting',
        'http',
      );
      return reply(res, HTTP_SERVICE_UNAVAILABLE, 'Work queue depth exceeded');
    }
    await this.acquireWorker();
    try {
      if (pathHandler !== undefined) {
        await this.runHttpHandler(res, pathHandler.handler, {
          method,
          uriPart: uri.slice(pathHandler.prefix.length),
          body,
        });
      } else {
        await this.handleJsonRpc(req, res, body, { uri, peer, wallet });
      }
    } finally {
      this.releaseWorker();
    }
  }

  private acquireWorker(): Promise<void> {
    if (this.running < this.rpcThreads) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) =>
      this.queue.push(() => {
        this.running++;
        resolve();
      }),
    );
  }

  private releaseWorker(): void {
    this.running--;
    const next = this.queue.shift();
    if (next !== undefined) next();
    else if (this.running === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async runHttpHandler(
    res: ServerResponse,
    handler: HttpHandler,
    request: HttpHandlerRequest,
  ): Promise<void> {
    const out = await handler(request);
    if (out.contentType !== '') res.setHeader('Content-Type', out.contentType);
    const bytes = typeof out.body === 'string' ? Buffer.from(out.body, 'utf8') : out.body;
    res.setHeader('Content-Length', bytes.length);
    res.writeHead(out.status);
    res.end(bytes);
  }

  /** Core's HTTPReq_JSONRPC. */
  private async handleJsonRpc(
    req: IncomingMessage,
    res: ServerResponse,
    body: Uint8Array,
    where: { uri: string; peer: string; wallet: string | undefined },
  ): Promise<void> {
    if (req.method !== 'POST') {
      return reply(res, HTTP_BAD_METHOD, 'JSONRPC server handles only POST requests');
    }
    const header = req.headers.authorization;
    if (header === undefined) {
      res.setHeader('WWW-Authenticate', WWW_AUTH_HEADER_DATA);
      return reply(res, HTTP_UNAUTHORIZED, undefined);
    }
    const auth = this.auth.check(header);
    if (!auth.authorized) {
      this.logger.warning(`ThreadRPCServer incorrect password attempt from ${where.peer}`);
      // Deters brute force, as Core's UninterruptibleSleep(250ms), without blocking others.
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, BAD_AUTH_DELAY_MS));
      res.setHeader('WWW-Authenticate', WWW_AUTH_HEADER_DATA);
      return reply(res, HTTP_UNAUTHORIZED, undefined);
    }

    const out = await this.processor.handle(body, {
      authUser: auth.user,
      uri: where.uri,
      peerAddr: where.peer,
      wallet: where.wallet,
    });
    // As Core writes its log synchronously, what a call logged is in debug.log before the reply
    // leaves (clients such as Core's test framework read the log right after a reply).
    await this.logger.flush();
    if (out.afterReply.length > 0) {
      res.on('finish', () => {
        for (const fn of out.afterReply) fn();
      });
    }
    if (out.body === undefined) {
      res.writeHead(out.status).end();
      return;
    }
    res.setHeader('Content-Type', 'application/json');
    reply(res, out.status, out.body);
  }
}

function reply(res: ServerResponse, status: number, body: string | undefined): void {
  const bytes = body === undefined ? undefined : Buffer.from(body, 'utf8');
  res.setHeader('Content-Length', bytes === undefined ? 0 : bytes.length);
  res.writeHead(status);
  res.end(bytes);
}

/** Reads the whole body; undefined when it exceeds `max` bytes (declared or actual). */
async function readBody(req: IncomingMessage, max: number): Promise<Uint8Array | undefined> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > max) {
    req.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    total += b.length;
    if (total > max) {
      req.resume();
      return undefined;
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks, total);
}

function peerOf(stream: ByteStream): string {
  if (stream.remoteAddress === undefined) return 'unknown';
  return `${stream.remoteAddress}:${stream.remotePort ?? 0}`;
}

/** Core's UrlDecode: percent-escapes decoded; malformed ones are kept as written. */
function urlDecode(s: string): string {
  return s.replace(/(%[0-9a-fA-F]{2})+/g, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  });
}

function sanitizeUri(uri: string): string {
  return uri.replace(/[^a-zA-Z0-9 .,;\-_/:?@()%]/g, '').slice(0, 200);
}
