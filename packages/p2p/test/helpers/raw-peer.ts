/** A hand-driven peer on a raw socket: it writes exactly the bytes a test gives it. */
import net from 'node:net';
import { getChainParams } from '@bitcoind-lite/consensus';
import { encodeMessage, serializeMessage, type NetMessage } from '../../src/index.js';

export const MAGIC = getChainParams('regtest').messageStart;

export function frame(m: NetMessage): Uint8Array {
  return serializeMessage(MAGIC, m.type, encodeMessage(m));
}

export type RawPeer = net.Socket & { closedP: Promise<void>; received: Buffer[] };

export async function openRaw(port: number): Promise<RawPeer> {
  const s = net.connect(port, '127.0.0.1') as RawPeer;
  s.closedP = new Promise((r) => s.once('close', () => r()));
  s.received = [];
  s.on('error', () => undefined);
  s.on('data', (d) => s.received.push(d));
  await new Promise((r) => s.once('connect', r));
  return s;
}

/** Opens a raw peer and sends version (with `services`) and verack. */
export async function handshakeRaw(port: number, services = 0n): Promise<RawPeer> {
  const s = await openRaw(port);
  s.write(
    frame({
      type: 'version',
      version: 70016,
      services,
      timestamp: BigInt(Math.floor(Date.now() / 1000)),
      addrRecv: {
        services: 0n,
        service: { network: 'ipv4', addr: Uint8Array.of(127, 0, 0, 1), port },
      },
      addrFrom: { services: 0n, service: { network: 'ipv6', addr: new Uint8Array(16), port: 0 } },
      nonce: 99n,
      userAgent: '/hostile/',
      startHeight: 0,
      relay: false,
    }),
  );
  s.write(frame({ type: 'verack' }));
  return s;
}

export function closedWithin(s: RawPeer, ms: number): Promise<boolean> {
  return Promise.race([
    s.closedP.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), ms)),
  ]);
}
