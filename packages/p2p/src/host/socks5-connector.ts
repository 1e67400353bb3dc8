/**
 * The Connector for `outbound: !socks5 {proxy}`: every connection goes through the SOCKS5 proxy
 * (RFC 1928), e.g. Tor. Host names are sent to the proxy as names (address type 3, DOMAINNAME),
 * never resolved here: remote DNS, as Core does with -proxy, so a .onion or a clearnet name
 * leaks no lookup. Made only by the launcher.
 *
 * Core's -proxyrandomize (random credentials per connection for Tor stream isolation) is not
 * done yet: it needs the Random capability passed here (see the package README).
 */
import type { ByteStream } from '@bitcoind-lite/runtime';
import { SocksClient } from 'socks';
import { OutboundRefused, type Connector } from '../connector.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from './direct-connector.js';
import { formatDestination, type Destination } from './destination.js';
import { networkClass, parseIpLiteral } from '../messages/net-address.js';

export interface Socks5ConnectorOptions {
  proxy: Destination;
  /**
   * Connects numeric loopback and private destinations itself instead of through the proxy, as
   * Core's -proxy does (no proxy is set for its NET_UNROUTABLE class). Absent: all via proxy.
   */
  unroutable?: Connector;
  /** The whole handshake and connect through the proxy (Core's -timeout, default 5000 ms). */
  connectTimeoutMs?: number;
}

export class Socks5Connector implements Connector {
  readonly kind = 'socks5' as const;
  readonly proxy: string;
  private readonly proxyHost: string;
  private readonly proxyPort: number;
  private readonly timeoutMs: number;
  private readonly unroutable: Connector | undefined;

  constructor(options: Socks5ConnectorOptions) {
    if (options?.proxy === undefined) throw new TypeError('Socks5Connector: proxy is required');
    this.proxyHost = options.proxy.host;
    this.proxyPort = options.proxy.port;
    this.proxy = formatDestination(options.proxy);
    this.timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.unroutable = options.unroutable;
  }

  async connect(host: string, port: number): Promise<ByteStream> {
    if (this.unroutable !== undefined) {
      const ip = parseIpLiteral(host, port);
      if (ip !== undefined && networkClass(ip) === 'not_publicly_routable') {
        return this.unroutable.connect(host, port);
      }
    }
    const target = formatDestination({ host, port });
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new OutboundRefused(`outbound connection to ${target} refused: bad port`);
    }
    try {
      const { socket } = await SocksClient.createConnection({
        proxy: { host: this.proxyHost, port: this.proxyPort, type: 5 },
        command: 'connect',
        destination: { host, port },
        timeout: this.timeoutMs,
        set_tcp_nodelay: true,
      });
      return socket;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new Error(`connect to ${target} through SOCKS5 proxy ${this.proxy} failed: ${why}`, {
        cause: e,
      });
    }
  }
}

export function socks5Connector(options: Socks5ConnectorOptions): Connector {
  return new Socks5Connector(options);
}
