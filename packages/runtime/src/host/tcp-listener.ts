/**
 * The Listener capability over a listening TCP socket, made by the launcher either by binding
 * `bind: HOST:PORT` itself or from an inherited descriptor (`fd: N`, e.g. systemd socket
 * activation with LISTEN_FDS). The node receives the Listener and can accept on it, nothing more.
 *
 * The socket listens from the moment it is made, before the node has called `accept`; connections
 * that arrive in between are held and handed over when `accept` is called, so a client that
 * connects during start-up is served rather than dropped.
 */
import { Server, type Socket } from 'node:net';
import type { ByteStream, Listener } from '../stream.js';

export class ListenError extends Error {
  override readonly name = 'ListenError';
  /** errno code (EADDRINUSE, EACCES, EADDRNOTAVAIL, EBADF, ENOTSOCK...). */
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

const REASONS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'address not available on this host',
  EBADF: 'not an open file descriptor',
  ENOTSOCK: 'not a socket',
  EINVAL: 'not a socket that can listen',
};

class TcpListener implements Listener {
  private handler: ((stream: ByteStream) => void) | undefined;
  private pending: Socket[] = [];
  private closing: Promise<void> | undefined;

  constructor(
    private readonly server: Server,
    readonly address: string,
    readonly port: number,
  ) {
    server.on('connection', (socket) => {
      if (this.handler !== undefined) this.handler(socket);
      else this.pending.push(socket);
    });
  }

  accept(handler: (stream: ByteStream) => void): void {
    if (typeof handler !== 'function') throw new TypeError('Listener.accept: handler is required');
    if (this.handler !== undefined)
      throw new Error(`Listener ${this.address}: accept called twice`);
    this.handler = handler;
    const queued = this.pending;
    this.pending = [];
    for (const socket of queued) {
      if (!socket.destroyed) handler(socket);
    }
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const socket of this.pending) socket.destroy();
      this.pending = [];
      this.server.close(() => resolve());
    });
    return this.closing;
  }
}

function listen(server: Server, options: { host?: string; port?: number; fd?: number }) {
  return new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // exclusive: never share the port with another process's server (cluster round-robin).
    server.listen({ ...options, exclusive: true });
  });
}

function reasonOf(e: unknown): { code: string | undefined; reason: string } {
  const code = (e as NodeJS.ErrnoException).code;
  return { code, reason: (code && REASONS[code]) ?? (code || String(e)) };
}

/**
 * Binds and listens on `host:port` (IP literal; port 0 picks a free one, for tests). `label` is
 * the manifest key ('rpc', 'p2p') and starts the error message:
 * `rpc: cannot bind 127.0.0.1:18443: address already in use`.
 */
export async function bindListener(label: string, host: string, port: number): Promise<Listener> {
  const server = new Server({ noDelay: true });
  const shown = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  try {
    await listen(server, { host, port });
  } catch (e) {
    const { code, reason } = reasonOf(e);
    throw new ListenError(`${label}: cannot bind ${shown}: ${reason}`, code, { cause: e });
  }
  const bound = server.address();
  const boundPort = typeof bound === 'object' && bound !== null ? bound.port : port;
  const address = host.includes(':') ? `[${host}]:${boundPort}` : `${host}:${boundPort}`;
  return new TcpListener(server, address, boundPort);
}

/** Listens on an inherited, already bound socket descriptor. */
export async function listenerFromFd(label: string, fd: number): Promise<Listener> {
  if (!Number.isSafeInteger(fd) || fd < 0) throw new TypeError(`${label}: bad fd ${fd}`);
  const server = new Server({ noDelay: true });
  try {
    await listen(server, { fd });
  } catch (e) {
    const { code, reason } = reasonOf(e);
    throw new ListenError(`${label}: cannot listen on inherited fd ${fd}: ${reason}`, code, {
      cause: e,
    });
  }
  const bound = server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : 0;
  return new TcpListener(server, `fd:${fd}`, port);
}
