/**
 * End to end with packages/chain's real ChainstateManager (LevelDB and block files in a temp
 * dir): node B downloads node A's chain over 127.0.0.1 and follows new blocks.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChainstateManager } from '@bitcoind-lite/chain';
import { getChainParams } from '@bitcoind-lite/consensus';
import { openDirCapability } from '@bitcoind-lite/storage/host';
import { PeerManager, type P2PChain } from '../src/index.js';
import { MemChain } from './helpers/mem-chain.js';
import {
  osRandom,
  realClock,
  tcpConnector,
  tcpListener,
  testLogger,
  waitFor,
} from './helpers/net.js';

const params = getChainParams('regtest');
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function realNode(connect: string[] = []) {
  const dir = await mkdtemp(join(tmpdir(), 'p2p-real-'));
  const datadir = await openDirCapability(dir, { create: true });
  const { logger, sink } = testLogger();
  const chain = await ChainstateManager.open({
    datadir,
    params,
    clock: realClock,
    logger,
    random: osRandom,
  });
  // The point of this line: the real ChainstateManager satisfies the narrow interface.
  const view: P2PChain = chain;
  const listener = await tcpListener();
  const pm = new PeerManager({
    chain: view,
    magic: params.messageStart,
    defaultPort: params.defaultPort,
    connector: tcpConnector,
    listener,
    clock: realClock,
    random: osRandom,
    logger,
    connect,
    tickMs: 100,
  });
  pm.start();
  cleanup.push(async () => {
    await pm.stop();
    await listener.close();
    await chain.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { chain, pm, port: listener.port, sink };
}

async function mine(chain: ChainstateManager, n: number): Promise<void> {
  const builder = new MemChain(params);
  for (let i = 0; i < n; i++) {
    const block = builder.createBlock(chain.activeChain.tip());
    const r = await chain.processNewBlock(block, { forceProcessing: true });
    if (!r.state.valid) throw new Error(`mined block rejected: ${r.state.rejectReason}`);
  }
}

describe('p2p with the real chain', () => {
  it('syncs 120 blocks between two nodes and follows 5 more', async () => {
    const a = await realNode();
    await mine(a.chain, 120);
    const b = await realNode([`127.0.0.1:${a.port}`]);
    await waitFor(() => b.chain.activeChain.height() === 120, 'b syncs 120', 60_000);
    await mine(a.chain, 5);
    await waitFor(() => b.chain.activeChain.height() === 125, 'b follows 5');
    expect(b.chain.activeChain.tip().hashHex).toBe(a.chain.activeChain.tip().hashHex);
  });
});
