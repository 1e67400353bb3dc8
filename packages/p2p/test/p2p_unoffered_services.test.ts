/**
 * Core's answers to requests for services this node does not offer, and to an oversized inv
 * (net_processing.cpp): filterload / filteradd / filterclear without NODE_BLOOM and getcfilters /
 * getcfheaders / getcfcheckpt without NODE_COMPACT_FILTERS disconnect the peer; an inv of more
 * than MAX_INV_SZ (50,000) entries is misbehaviour and gets no getdata for any of its entries.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getChainParams } from '@bitcoind-lite/consensus';
import { MSG_TX, NO_OUTBOUND, PeerManager, serializeMessage } from '../src/index.js';
import type { P2PMempool } from '../src/mempool-view.js';
import { MemChain } from './helpers/mem-chain.js';
import { osRandom, realClock, tcpListener, testLogger, waitFor } from './helpers/net.js';
import { startNode, type TestNode } from './helpers/node.js';
import { MAGIC, closedWithin, frame, handshakeRaw, type RawPeer } from './helpers/raw-peer.js';

const nodes: { stop(): Promise<void> }[] = [];
const raws: RawPeer[] = [];
afterEach(async () => {
  for (const r of raws.splice(0)) r.destroy();
  await Promise.all(nodes.splice(0).map((n) => n.stop()));
});

async function victim(): Promise<TestNode> {
  const n = await startNode({ outbound: false });
  nodes.push(n);
  return n;
}

/** A handshaken raw peer; waits until the node has seen its verack. */
async function peerOf(n: TestNode): Promise<RawPeer> {
  const r = await handshakeRaw(n.port, 0n);
  raws.push(r);
  await waitFor(() => n.pm.getPeerInfo().some((p) => p.version > 0), 'handshake');
  return r;
}

const BIP157_PAYLOAD = new Uint8Array(1 + 4 + 32); // filter type 0 (basic), height 0, stop hash

describe('services we do not offer', () => {
  it.each([
    ['filterload', Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0)],
    ['filteradd', Uint8Array.of(1, 0xab)],
    ['filterclear', new Uint8Array(0)],
  ])('%s without NODE_BLOOM disconnects', async (command, payload) => {
    const n = await victim();
    const r = await peerOf(n);
    r.write(serializeMessage(MAGIC, command, payload));
    expect(await closedWithin(r, 5000)).toBe(true);
    expect(
      n.sink.has(
        `${command} received despite not offering bloom services from peer=0; disconnecting`,
      ),
    ).toBe(true);
  });

  it.each(['getcfilters', 'getcfheaders', 'getcfcheckpt'])(
    '%s without NODE_COMPACT_FILTERS disconnects',
    async (command) => {
      const n = await victim();
      const r = await peerOf(n);
      r.write(serializeMessage(MAGIC, command, BIP157_PAYLOAD));
      expect(await closedWithin(r, 5000)).toBe(true);
      expect(n.sink.has('peer requested unsupported block filter type: 0, peer=0')).toBe(true);
    },
  );

  it('an ordinary message keeps the peer (control)', async () => {
    const n = await victim();
    const r = await peerOf(n);
    r.write(frame({ type: 'ping', nonce: 7n }));
    expect(await closedWithin(r, 1000)).toBe(false);
  });
});

describe('inv over MAX_INV_SZ', () => {
  /** A node with an (empty) mempool out of initial block download, so tx invs get getdata. */
  async function relayingNode(): Promise<{
    pm: PeerManager;
    port: number;
    has(s: string): boolean;
  }> {
    const params = getChainParams('regtest');
    const chain = new MemChain(params);
    await chain.mine(1);
    const listener = await tcpListener();
    const { logger, sink } = testLogger();
    const mempool: P2PMempool = {
      acceptToMemoryPool: async () => ({ accepted: false, reason: 'test' }) as never,
      lookupTx: () => undefined,
      minFeeRateSatPerKvB: () => 1000n,
      size: () => 0,
    };
    const pm = new PeerManager({
      chain,
      magic: params.messageStart,
      defaultPort: params.defaultPort,
      connector: NO_OUTBOUND,
      listener,
      clock: realClock,
      random: osRandom,
      logger,
      connect: [],
      addnode: [],
      mempool,
      tickMs: 100,
    });
    pm.start();
    nodes.push({ stop: async () => (await pm.stop(), await listener.close()) });
    return { pm, port: listener.port, has: (s) => sink.has(s) };
  }

  const txInv = (count: number, salt: number) => ({
    type: 'inv' as const,
    items: Array.from({ length: count }, (_, i) => {
      const hash = new Uint8Array(32);
      new DataView(hash.buffer).setUint32(0, i);
      hash[31] = salt;
      return { type: MSG_TX, hash };
    }),
  });

  /** Whether any getdata frame came back on the raw socket. */
  const sawGetData = (r: RawPeer) => Buffer.concat(r.received).includes(Buffer.from('getdata\0'));

  it('50,000 entries are requested (control); 50,001 are refused with no getdata', async () => {
    const n = await relayingNode();
    const ok = await handshakeRaw(n.port, 0n);
    raws.push(ok);
    await waitFor(() => n.pm.getPeerInfo().some((p) => p.version > 0), 'handshake');
    ok.write(frame(txInv(50_000, 1)));
    await waitFor(() => sawGetData(ok), 'getdata for a full-size inv');

    const big = await handshakeRaw(n.port, 0n);
    raws.push(big);
    await waitFor(() => n.pm.getPeerInfo().filter((p) => p.version > 0).length === 2, 'handshake');
    big.write(frame(txInv(50_001, 2)));
    expect(await closedWithin(big, 10_000)).toBe(true);
    expect(n.has('inv message size = 50001')).toBe(true);
    expect(sawGetData(big)).toBe(false);
  }, 60_000);
});
