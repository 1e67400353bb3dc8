/**
 * A Listener on a socket the launcher bound and passed down as a descriptor. The socket itself is
 * taken over with `listenerFromFd`; this only restores the address the parent bound, so logs and
 * getnetworkinfo say "127.0.0.1:18443" rather than "fd:4".
 */
import { listenerFromFd } from '@bitcoind-lite/runtime/host';
import type { ByteStream, Listener } from '@bitcoind-lite/runtime';
import type { InheritedListener } from './ipc-messages.js';

export async function inheritedListener(label: string, from: InheritedListener): Promise<Listener> {
  const inner = await listenerFromFd(label, from.fd);
  return {
    address: from.address,
    port: from.port || inner.port,
    accept: (handler: (stream: ByteStream) => void) => inner.accept(handler),
    close: () => inner.close(),
  };
}
