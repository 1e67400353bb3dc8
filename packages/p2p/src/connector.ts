/**
 * The Connector capability: the only way to open an outbound connection. Made by the launcher
 * from `outbound: !direct {allow: [...]}` or `!socks5 {proxy: HOST:PORT}`; absent means none.
 * Hostnames are passed through unresolved: the proxy resolves them (remote DNS), or `!direct`
 * refuses names it was not granted. The node never resolves a name itself.
 */
import type { ByteStream } from '@bitcoind-lite/runtime';

export interface Connector {
  /** 'direct', 'socks5' or 'none', for getnetworkinfo and logs. */
  readonly kind: 'direct' | 'socks5' | 'none';
  /** The proxy address for getnetworkinfo's `networks[].proxy`, or '' when none. */
  readonly proxy: string;
  connect(host: string, port: number): Promise<ByteStream>;
}

export class OutboundRefused extends Error {
  override readonly name = 'OutboundRefused';
}

/** The connector used when the manifest grants no outbound: every attempt is refused. */
export const NO_OUTBOUND: Connector = {
  kind: 'none',
  proxy: '',
  connect(host: string, port: number): Promise<ByteStream> {
    return Promise.reject(
      new OutboundRefused(
        `outbound connection to ${host}:${port} refused: manifest grants no outbound`,
      ),
    );
  },
};
