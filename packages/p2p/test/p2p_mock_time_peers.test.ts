/**
 * Peer liveness under setmocktime, as Core's functional tests drive it: pings and their wait are
 * measured on the mockable clock, and a short pong ends the outstanding ping. Real sockets on
 * 127.0.0.1, a PeerManager over an in-memory chain, a MockableClock over the real clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getChainParams } from '@bitcoind-lite/consensus';
import { MockableClock } from '@bitcoind-lite/runtime';
import { PeerManager, serializeMessage } from '../src/index.js';
import { MemChain } from './helpers/mem-chain.js';
import {
  osRandom,
  realClock,
  tcpConnector,
  tcpListener,
  testLogger,
  waitFor,
} from './helpers/net.js';
import { MAGIC, handshakeRaw, type RawPeer } from './helpers/raw-peer.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

async function mockNode(
  extra: Partial<ConstructorParameters<typeof PeerManager>[0]> = {},
): Promise<{ pm: PeerManager; clock: MockableClock; port: number; has: (s: string) => boolean }> {
  const params = getChainParams('regtest');
  const listener = await tcpListener();
  const { logger, sink } = testLogger();
  const clock = new MockableClock(realClock);
  clock.setMockTime(1_700_000_000);
  const pm = new PeerManager({
    chain: new MemChain(params),
    magic: params.messageStart,
    defaultPort: params.defaultPort,
    connector: tcpConnector,
    listener,
    clock,
    random: osRandom,
    logger,
    tickMs: 50,
    ...extra,
  });
  pm.start();
  stops.push(async () => {
    await pm.stop();
    await listener.close();
  });
  return { pm, clock, port: listener.port, has: (s) => sink.has(s) };
}

function track(s: RawPeer): RawPeer {
  stops.push(async () => void s.destroy());
  return s;
}

describe('pings under mock time', () => {
  it('getpeerinfo shows pingwait in mock seconds while the ping is outstanding', async () => {
    const n = await mockNode();
    track(await handshakeRaw(n.port));
    await waitFor(() => n.has('sending ping'), 'the first ping');
    n.clock.setMockTime(1_700_000_003);
    const info = n.pm.getPeerInfo()[0]!;
    expect(info.pingwait).toBe(3);
    expect(info.pingtime).toBeUndefined();
  });

  it('a pong without a nonce is a "Short payload" and cancels the outstanding ping', async () => {
    const n = await mockNode();
    const s = track(await handshakeRaw(n.port));
    await waitFor(() => n.has('sending ping'), 'the first ping');
    s.write(serializeMessage(MAGIC, 'pong', new Uint8Array(0)));
    await waitFor(() => n.has('pong peer=0: Short payload'), 'the short-payload line');
    expect(n.pm.getPeerInfo()[0]!.pingwait).toBeUndefined();
  });
});
