/**
 * `reindex` and `reindex-chainstate` (Core's -reindex, -reindex-chainstate) on a real datadir:
 * both rebuild to the same tip and the same UTXO set; a reindex interrupted after its files were
 * moved aside resumes on the next start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getChainParams } from '@bitcoind-lite/consensus';
import type { ChainstateManager } from '../src/index.js';
import { resolveChainstateDirs } from '../src/chainstate-dirs.js';
import { prepareReindex } from '../src/reindex.js';
import { TestClock, buildBlock, collectingLogger, openChain, spendTx, tempDir } from './helpers.js';

const params = getChainParams('regtest');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** 160 blocks; from height 101 each spends the coinbase 100 back into three outputs. */
async function mineWithSpends(cm: ChainstateManager): Promise<void> {
  for (let h = 1; h <= 160; h++) {
    const tip = cm.activeChain.tip();
    const txs = [];
    if (h > 100) {
      const cb = (await cm.readBlock(cm.activeChain.at(h - 100)!)).txs[0]!;
      txs.push(spendTx([{ txid: cb.txid(), vout: 0, value: cb.vout[0]!.value }], 500n, 3));
    }
    const r = await cm.processNewBlock(
      buildBlock(tip, params, { txs, feesSats: txs.length > 0 ? 500n : 0n }),
    );
    expect(r.state.valid).toBe(true);
  }
}

async function snapshot(cm: ChainstateManager): Promise<unknown> {
  const s = await cm.getTxOutSetInfo();
  return {
    tip: cm.activeChain.tip().hashHex,
    height: s.height,
    hash: s.hashSerialized3,
    txouts: s.txouts,
    total: s.totalAmountSats,
  };
}

async function setup(): Promise<{
  dir: Awaited<ReturnType<typeof tempDir>>['dir'];
  clock: TestClock;
  expected: unknown;
}> {
  const t = await tempDir('chain-reindex-');
  cleanups.push(t.cleanup);
  const clock = new TestClock(1_900_000_000);
  const cm = await openChain(t.dir, params, clock);
  await mineWithSpends(cm);
  const expected = await snapshot(cm);
  await cm.close();
  return { dir: t.dir, clock, expected };
}

describe('reindex', () => {
  it('reindex-chainstate rebuilds the UTXO set from the block files', async () => {
    const { dir, clock, expected } = await setup();
    const lines: string[] = [];
    const cm = await openChain(dir, params, clock, { reindexChainstate: true, lines });
    expect(lines.some((l) => l.includes('Reindexing chainstate'))).toBe(true);
    expect(await snapshot(cm)).toEqual(expected);
    expect(await cm.verifyChain(4, 0)).toBe(true);
    await cm.close();
  });

  it('reindex rebuilds the block index and the UTXO set from blk*.dat', async () => {
    const { dir, clock, expected } = await setup();
    const lines: string[] = [];
    const cm = await openChain(dir, params, clock, { reindex: true, lines });
    expect(lines.some((l) => l.includes('Reindexing block file blk00000.dat'))).toBe(true);
    expect(await snapshot(cm)).toEqual(expected);
    await cm.close();
    const blocks = await dir.subdir('blocks');
    const names = await blocks.list();
    expect(names.filter((n) => n.endsWith('.reindex') || n === 'reindex-in-progress')).toEqual([]);
    expect(names).toContain('blk00000.dat');
    expect(names).toContain('rev00000.dat');

    // A normal start afterwards keeps what the reindex built.
    const again = await openChain(dir, params, clock);
    expect(await snapshot(again)).toEqual(expected);
    await again.close();
  });

  it('a reindex interrupted after moving the files aside resumes on the next start', async () => {
    const { dir, clock, expected } = await setup();
    // As if the process died right after the renames: the marker is there, nothing imported.
    await prepareReindex(await resolveChainstateDirs({ datadir: dir }), collectingLogger(clock));
    expect((await (await dir.subdir('blocks')).list()).some((n) => n.endsWith('.reindex'))).toBe(
      true,
    );
    const cm = await openChain(dir, params, clock);
    expect(await snapshot(cm)).toEqual(expected);
    await cm.close();
  });
});
