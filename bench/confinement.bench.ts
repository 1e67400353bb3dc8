/**
 * The cost of confinement (issue 7): start-up time of a node, and how fast a fresh node syncs a
 * few hundred regtest blocks from an unconfined peer, confined (bubblewrap + seccomp + permission
 * model, outbound through the broker) vs not. Both start through the same tsx launcher; the
 * confined child itself runs the compiled dist/ (built beforehand, not timed), while the
 * unconfined node runs under tsx, so the sync figures compare compiled JS with tsx as well.
 */
import { ensureBuilt } from '../scripts/build-dist.js';
import { TestNode } from '../test/framework/test-node.js';
import type { Report } from './run.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const BLOCKS = 300;
const STARTS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

type Mode = 'off' | 'required';

async function startUpMs(confine: Mode): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const node = TestNode.create({ confine, noP2P: true, outbound: false });
    ensureBuilt(); // others edit sources meanwhile: a rebuild must not be timed
    const t0 = performance.now();
    await node.launch();
    times.push(performance.now() - t0);
    await node.stop();
  }
  return median(times);
}

async function syncBlocksPerSecond(source: TestNode, confine: Mode): Promise<number> {
  const node = TestNode.create({
    confine,
    noP2P: true,
    args: { connect: [`127.0.0.1:${source.p2pPort}`] },
  });
  await node.launch();
  const t0 = performance.now();
  await node.waitFor(
    async () => (await node.rpc<number>('getblockcount')) === BLOCKS,
    'sync',
    300_000,
  );
  const seconds = (performance.now() - t0) / 1000;
  await node.stop();
  return BLOCKS / seconds;
}

export async function run(report: Report): Promise<void> {
  ensureBuilt();
  const off = await startUpMs('off');
  const confined = await startUpMs('required');
  report('start-up to RPC ready, unconfined', off, 'ms', `median of ${STARTS}`);
  report('start-up to RPC ready, confined', confined, 'ms', `median of ${STARTS}`);
  report('start-up cost of confinement', confined - off, 'ms');

  const source = await TestNode.start({ confine: 'off', outbound: false });
  try {
    await source.rpc('generatetoaddress', BLOCKS, ADDR);
    const syncOff = await syncBlocksPerSecond(source, 'off');
    const syncConfined = await syncBlocksPerSecond(source, 'required');
    report(`sync ${BLOCKS} blocks from a peer, unconfined`, syncOff, 'blocks/s');
    report(`sync ${BLOCKS} blocks from a peer, confined (brokered)`, syncConfined, 'blocks/s');
    report('sync throughput confined / unconfined', syncConfined / syncOff, 'ratio');
  } finally {
    await source.stop();
  }
}
