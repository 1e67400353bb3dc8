/**
 * The Connector for `outbound: !direct`: plain TCP from this process. With an `allow` list, only
 * the listed destinations; without one, any IP address. A host name is connected to only when it
 * is listed itself (the launcher granted resolving exactly that name); otherwise it is refused,
 * since resolving arbitrary names would be ambient DNS. Made only by the launcher.
 */
import { connect, type Socket } from 'node:net';
import type { ByteStream } from '@bitcoind-lite/runtime';
import { OutboundRefused, type Connector } from '../connector.js';
import { canonicalIp, formatDestination, isAllowed, type Destination } from './destination.js';

export interface DirectConnectorOptions {
  /** Destinations granted; absent = any IP address (names refused). */
  allow?: readonly Destination[];
  /** Give up a connection attempt after this long (Core's -timeout, default 5000 ms). */
  connectTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** Opens a TCP connection, resolving once connected; the error names the destination. */
export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const target = formatDestination({ host, port });
    const socket = connect({ host, port, noDelay: true });
    const fail = (why: string, cause?: unknown) => {
      socket.destroy();
      reject(new Error(`connect to ${target} failed: ${why}`, { cause }));
    };
    const onTimeout = () => fail(`no answer within ${timeoutMs} ms`);
    socket.setTimeout(timeoutMs);
    socket.once('timeout', onTimeout);
    const onError = (e: NodeJS.ErrnoException) => fail(e.code ?? e.message, e);
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.off('timeout', onTimeout);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

export class DirectConnector implements Connector {
  readonly kind = 'direct' as const;
  readonly proxy = '';
  private readonly allow: readonly Destination[] | undefined;
  private readonly timeoutMs: number;

  constructor(options: DirectConnectorOptions = {}) {
    this.allow = options.allow === undefined ? undefined : [...options.allow];
    this.timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  }

  /** The grant, for messages: "any IP address" or the allow list. */
  get grant(): string {
    return this.allow === undefined
      ? 'outbound: !direct (any IP address, no names)'
      : `outbound: !direct {allow: [${this.allow.map(formatDestination).join(', ')}]}`;
  }

  async connect(host: string, port: number): Promise<ByteStream> {
    const target = formatDestination({ host, port });
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new OutboundRefused(`outbound connection to ${target} refused: bad port`);
    }
    const allowed =
      this.allow === undefined
        ? canonicalIp(host) !== undefined
        : isAllowed(this.allow, host, port);
    if (!allowed) {
      throw new OutboundRefused(
        `outbound connection to ${target} refused: not granted by ${this.grant}`,
      );
    }
    return tcpConnect(host, port, this.timeoutMs);
  }
}

export function directConnector(options?: DirectConnectorOptions): Connector {
  return new DirectConnector(options);
}
