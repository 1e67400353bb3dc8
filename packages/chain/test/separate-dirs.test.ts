/**
 * ChainstateManager.open with `blocksDir` / `chainstateDir`: the blk/rev files go to the blocks
 * folder (Core's -blocksdir), the block index stays in `<datadir>/blocks/index` (as in Core), the
 * UTXO LevelDB goes to `<chainstateDir>/chainstate`; reopening, -reindex and -reindex-chainstate
 * work on that layout and never write block files or coins into the datadir.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getChainParams } from '@bitcoind-lite/consensus';
import type { Dir } from '@bitcoind-lite/storage';
import { ChainstateManager } from '../src/index.js';
import { TestClock, collectingLogger, mineBlocks, tempDir, testRandom } from './helpers.js';

const params = getChainParams('regtest');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function temp(prefix: string): Promise<{ path: string; dir: Dir }> {
  const t = await tempDir(prefix);
  cleanups.push(t.cleanup);
  return t;
}

interface Layout {
  data: { path: string; dir: Dir };
  blocks: { path: string; dir: Dir };
  ssd: { path: string; dir: Dir };
}

async function layout(): Promise<Layout> {
  return {
    data: await temp('chain-sep-data-'),
    blocks: await temp('chain-sep-blocks-'),
    ssd: await temp('chain-sep-ssd-'),
  };
}

function open(
  l: Layout,
  clock: TestClock,
  extra: { reindex?: boolean; reindexChainstate?: boolean; lines?: string[] } = {},
) {
  return ChainstateManager.open({
    datadir: l.data.dir,
    blocksDir: l.blocks.dir,
    chainstateDir: l.ssd.dir,
    params,
    clock,
    logger: collectingLogger(clock, extra.lines),
    random: testRandom,
    ...(extra.reindex !== undefined && { reindex: extra.reindex }),
    ...(extra.reindexChainstate !== undefined && { reindexChainstate: extra.reindexChainstate }),
  });
}

async function expectLayout(l: Layout): Promise<void> {
  expect(await readdir(l.data.path)).toEqual(['blocks']);
  expect(await readdir(join(l.data.path, 'blocks'))).toEqual(['index']);
  expect(await readdir(join(l.data.path, 'blocks', 'index'))).toContain('CURRENT');
  const blockFiles = await readdir(l.blocks.path);
  expect(blockFiles).toContain('blk00000.dat');
  expect(blockFiles).toContain('rev00000.dat');
  expect(blockFiles).not.toContain('index');
  expect(await readdir(l.ssd.path)).toEqual(['chainstate']);
  expect(await readdir(join(l.ssd.path, 'chainstate'))).toContain('CURRENT');
}

async function tipAndCoins(cm: ChainstateManager): Promise<unknown> {
  const s = await cm.getTxOutSetInfo();
  return { tip: cm.activeChain.tip().hashHex, height: s.height, hash: s.hashSerialized3 };
}

describe('separate blocks and chainstate folders', () => {
  it('puts blk/rev files, the index and the coins where granted, and reopens there', async () => {
    const l = await layout();
    const clock = new TestClock(1_900_000_000);
    const cm = await open(l, clock);
    await mineBlocks(cm, 20);
    const before = await tipAndCoins(cm);
    await cm.close();
    await expectLayout(l);

    const again = await open(l, clock);
    expect(await tipAndCoins(again)).toEqual(before);
    expect(await again.verifyChain(4, 0)).toBe(true);
    await again.close();
  });

  it('reindex and reindex-chainstate rebuild on the same layout', async () => {
    const l = await layout();
    const clock = new TestClock(1_900_000_000);
    const cm = await open(l, clock);
    await mineBlocks(cm, 20);
    const before = await tipAndCoins(cm);
    await cm.close();

    const lines: string[] = [];
    const reindexed = await open(l, clock, { reindex: true, lines });
    expect(lines.some((x) => x.includes('Reindexing block file blk00000.dat'))).toBe(true);
    expect(await tipAndCoins(reindexed)).toEqual(before);
    await reindexed.close();
    await expectLayout(l);
    expect((await readdir(l.blocks.path)).filter((n) => n.includes('reindex'))).toEqual([]);

    const rc: string[] = [];
    const rebuilt = await open(l, clock, { reindexChainstate: true, lines: rc });
    expect(rc.some((x) => x.includes('Reindexing chainstate'))).toBe(true);
    expect(await tipAndCoins(rebuilt)).toEqual(before);
    await rebuilt.close();
    await expectLayout(l);
  });

  it('without the options keeps the datadir layout (blocks/, blocks/index/, chainstate/)', async () => {
    const l = await layout();
    const clock = new TestClock(1_900_000_000);
    const cm = await ChainstateManager.open({
      datadir: l.data.dir,
      params,
      clock,
      logger: collectingLogger(clock),
      random: testRandom,
    });
    await mineBlocks(cm, 3);
    await cm.close();
    expect((await readdir(l.data.path)).sort()).toEqual(['blocks', 'chainstate']);
    const blocks = await readdir(join(l.data.path, 'blocks'));
    expect(blocks).toEqual(expect.arrayContaining(['blk00000.dat', 'rev00000.dat', 'index']));
    expect(await readdir(l.blocks.path)).toEqual([]);
  });
});
