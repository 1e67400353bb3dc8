/**
 * Byte streams and listeners: the shapes in which network capabilities reach the node. A stream
 * is a Node `Duplex` (a TCP socket, a SOCKS5-tunnelled socket, or an in-memory pair in tests);
 * code that holds one can talk to exactly that peer and nothing else.
 */
import type { Duplex } from 'node:stream';

export type ByteStream = Duplex & {
  remoteAddress?: string | undefined;
  remotePort?: number | undefined;
  localAddress?: string | undefined;
  localPort?: number | undefined;
  setNoDelay?(noDelay?: boolean): unknown;
};

/** The Listener capability: accepts inbound connections on a socket the launcher bound. */
export interface Listener {
  /** "127.0.0.1:18443" or "fd:3", for logs and getnetworkinfo. */
  readonly address: string;
  /** The bound port, when known (0 for an inherited fd of unknown kind). */
  readonly port: number;
  /** Starts delivering accepted connections to `handler`. Called once. */
  accept(handler: (stream: ByteStream) => void): void;
  close(): Promise<void>;
}
