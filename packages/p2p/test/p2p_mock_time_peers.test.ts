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
import {
  MAGIC,
  closedWithin,
  frame,
  handshakeRaw,
  openRaw,
  type RawPeer,
} from './helpers/raw-peer.js';

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

function versionFrame(port: number, version: number): Uint8Array {
  return frame({
    type: 'version',
    version,
    services: 0n,
    timestamp: 1_700_000_000n,
    addrRecv: {
      services: 0n,
      service: { network: 'ipv4', addr: Uint8Array.of(127, 0, 0, 1), port },
    },
    addrFrom: { services: 0n, service: { network: 'ipv6', addr: new Uint8Array(16), port: 0 } },
    nonce: 5n,
    userAgent: '/t/',
    startHeight: 0,
    relay: false,
  });
}

describe('the inactivity check under mock time (Core InactivityCheck, -peertimeout)', () => {
  it('drops silent and unhandshaken peers once the mock clock passes the peer timeout', async () => {
    const n = await mockNode({ peerConnectTimeoutMs: 3000 });
    const noVerack = track(await openRaw(n.port));
    noVerack.write(versionFrame(n.port, 70016));
    await waitFor(() => n.pm.getPeerInfo().length === 1, 'the first peer');
    const noVersion = track(await openRaw(n.port));
    await waitFor(() => n.pm.getPeerInfo().length === 2, 'the second peer');
    const silent = track(await openRaw(n.port));
    await waitFor(() => n.pm.getPeerInfo().length === 3, 'the third peer');
    noVersion.write(frame({ type: 'ping', nonce: 1n }));
    await waitFor(() => n.has('non-version message before version handshake'), 'the early ping');

    // Real time passing is not enough: only the mock clock counts.
    n.clock.setMockTime(1_700_000_003);
    expect(await closedWithin(silent, 300)).toBe(false);
    n.clock.setMockTime(1_700_000_004);
    for (const s of [noVerack, noVersion, silent]) await s.closedP;
    expect(n.has('version handshake timeout, disconnecting peer=0')).toBe(true);
    expect(
      n.has('socket no message in first 3 seconds, never sent to peer, disconnecting peer=1'),
    ).toBe(true);
    expect(
      n.has(
        'socket no message in first 3 seconds, never received from peer, never sent to peer, disconnecting peer=2',
      ),
    ).toBe(true);
  });

  it('an obsolete protocol version is logged with Core words and disconnected', async () => {
    const n = await mockNode();
    const s = track(await openRaw(n.port));
    s.write(versionFrame(n.port, 31799));
    await s.closedP;
    expect(n.has('peer using obsolete version 31799, disconnecting peer=0')).toBe(true);
  });
});
