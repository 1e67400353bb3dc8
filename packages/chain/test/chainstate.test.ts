import { afterEach, describe, expect, it } from 'vitest';
import { Block, BlockHeader, getChainParams, reverseBytes, toHex } from '@bitcoind-lite/consensus';
import { BLOCK_FAILED_VALID, BLOCK_HAVE_UNDO, type ChainstateManager } from '../src/index.js';
import { TestClock, buildBlock, mineBlocks, openChain, spendTx, tempDir } from './helpers.js';

const params = getChainParams('regtest');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function fresh(): Promise<{
  cm: ChainstateManager;
  dir: Awaited<ReturnType<typeof tempDir>>['dir'];
  clock: TestClock;
}> {
  const t = await tempDir();
  cleanups.push(t.cleanup);
  const clock = new TestClock(1_900_000_000);
  const cm = await openChain(t.dir, params, clock);
  return { cm, dir: t.dir, clock };
}

describe('ChainstateManager on regtest', () => {
  it('starts at genesis', async () => {
    const { cm } = await fresh();
    expect(cm.activeChain.height()).toBe(0);
    expect(cm.activeChain.tip().hashHex).toBe(params.genesisHash);
    await cm.close();
  });

  it('connects 200 blocks, and a restart comes back at the same tip with the same coins', async () => {
    const { cm, dir, clock } = await fresh();
    const events: number[] = [];
    cm.on('blockConnected', (_b, idx) => events.push(idx.height));
    await mineBlocks(cm, 200);
    expect(cm.activeChain.height()).toBe(200);
    expect(events).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const tip = cm.activeChain.tip().hashHex;
    const cb150 = (await cm.readBlock(cm.activeChain.at(150)!)).txs[0]!;
    await cm.close();

    const again = await openChain(dir, params, clock);
    expect(again.activeChain.height()).toBe(200);
    expect(again.activeChain.tip().hashHex).toBe(tip);
    expect(again.activeChain.at(200)!.status & BLOCK_HAVE_UNDO).toBeTruthy();
    const coin = await again.coinsTip.getCoin(cb150.txid(), 0);
    expect(coin?.height).toBe(150);
    expect(coin?.isCoinbase).toBe(true);
    // Regtest halves every 150 blocks.
    expect(coin?.out.value).toBe(25n * 100_000_000n);
    // The genesis coinbase is never spendable (Core does not add it).
    const g = params.genesis.txs[0]!;
    expect(await again.coinsTip.getCoin(g.txid(), 0)).toBeUndefined();
    await again.close();
  });

  it('spends a coinbase only after 100 confirmations', async () => {
    const { cm } = await fresh();
    const [first] = await mineBlocks(cm, 1);
    const cb = first!.txs[0]!;
    await mineBlocks(cm, 98);
    // Height 100 spending the coinbase from height 1: depth 99 < 100.
    const tx = spendTx([{ txid: cb.txid(), vout: 0, value: cb.vout[0]!.value }], 1000n);
    const early = buildBlock(cm.activeChain.tip(), params, { txs: [tx], feesSats: 1000n });
    const r1 = await cm.processNewBlock(early);
    expect(r1.state.rejectReason).toBe('bad-txns-premature-spend-of-coinbase');
    expect(cm.activeChain.height()).toBe(99);
    expect(cm.lookup(early.hash())!.status & BLOCK_FAILED_VALID).toBeTruthy();

    await mineBlocks(cm, 1);
    const ok = buildBlock(cm.activeChain.tip(), params, { txs: [tx], feesSats: 1000n });
    const r2 = await cm.processNewBlock(ok);
    expect(r2.state.valid).toBe(true);
    expect(cm.activeChain.height()).toBe(101);
    expect(await cm.coinsTip.getCoin(cb.txid(), 0)).toBeUndefined();
    const created = await cm.coinsTip.getCoin(tx.txid(), 0);
    expect(created?.out.value).toBe(cb.vout[0]!.value - 1000n);
    expect(created?.height).toBe(101);

    // Spending it again is a double spend.
    const again = spendTx([{ txid: cb.txid(), vout: 0, value: cb.vout[0]!.value }], 2000n);
    const bad = buildBlock(cm.activeChain.tip(), params, { txs: [again], feesSats: 2000n });
    expect((await cm.processNewBlock(bad)).state.rejectReason).toBe(
      'bad-txns-inputs-missingorspent',
    );
    expect(cm.activeChain.height()).toBe(101);
    await cm.close();
  });

  it('rejects a bad merkle root as mutated, without caching it, tip unchanged', async () => {
    const { cm } = await fresh();
    await mineBlocks(cm, 3);
    const good = buildBlock(cm.activeChain.tip(), params);
    const h = good.header;
    const badHeader = new BlockHeader(
      h.version,
      h.prevBlock,
      new Uint8Array(32).fill(7),
      h.time,
      h.bits,
      0,
    );
    const { mine } = await import('./helpers.js');
    const bad = new Block(mine(badHeader, params.powLimit), good.txs);
    const r = await cm.processNewBlock(bad);
    expect(r.state.valid).toBe(false);
    expect(r.state.rejectReason).toBe('bad-txnmrklroot');
    expect(r.state.result).toBe('mutated');
    expect(cm.activeChain.height()).toBe(3);
    expect(cm.lookup(bad.hash())).toBeUndefined();
    // The good block is still accepted.
    expect((await cm.processNewBlock(good)).state.valid).toBe(true);
    expect(cm.activeChain.height()).toBe(4);
    await cm.close();
  });

  it('rejects too much coinbase value with bad-cb-amount and marks the block failed', async () => {
    const { cm } = await fresh();
    await mineBlocks(cm, 2);
    const b = buildBlock(cm.activeChain.tip(), params, { coinbaseValue: 50n * 100_000_000n + 1n });
    const r = await cm.processNewBlock(b);
    expect(r.state.rejectReason).toBe('bad-cb-amount');
    expect(cm.activeChain.height()).toBe(2);
    const child = buildBlock(cm.lookup(b.hash())!, params);
    const rc = await cm.processNewBlock(child);
    expect(rc.state.rejectReason).toBe('bad-prevblk');
    await cm.close();
  });

  it('reorganises to a longer branch 3 blocks deep and back, with events and coins', async () => {
    const { cm } = await fresh();
    await mineBlocks(cm, 110);
    const forkPoint = cm.activeChain.tip();
    const spent = (await cm.readBlock(cm.activeChain.at(5)!)).txs[0]!;
    const tx = spendTx([{ txid: spent.txid(), vout: 0, value: spent.vout[0]!.value }], 500n);
    // Branch A: 3 blocks, the first spends the coinbase of block 5.
    const a1 = buildBlock(forkPoint, params, { txs: [tx], feesSats: 500n, extraNonce: 1 });
    expect((await cm.processNewBlock(a1)).state.valid).toBe(true);
    await mineBlocks(cm, 2, { extraNonce: 1 });
    const tipA = cm.activeChain.tip();
    expect(tipA.height).toBe(113);
    expect(await cm.coinsTip.getCoin(spent.txid(), 0)).toBeUndefined();

    // Branch B: 4 blocks from the same fork point, without the spend.
    const disconnected: number[] = [];
    const tips: string[] = [];
    cm.on('blockDisconnected', (_b, idx) => disconnected.push(idx.height));
    cm.on('updatedBlockTip', (t) => tips.push(t.hashHex));
    let prev = forkPoint;
    const branchB: Block[] = [];
    for (let i = 0; i < 4; i++) {
      const b = buildBlock(prev, params, { extraNonce: 2 });
      const r = await cm.processNewBlock(b);
      expect(r.state.valid).toBe(true);
      prev = cm.lookup(b.hash())!;
      branchB.push(b);
    }
    expect(cm.activeChain.tip()).toBe(prev);
    expect(cm.activeChain.height()).toBe(114);
    expect(disconnected).toEqual([113, 112, 111]);
    expect(tips[tips.length - 1]).toBe(prev.hashHex);
    // The spend on branch A is undone: the coin is back, the spend's output gone.
    const back = await cm.coinsTip.getCoin(spent.txid(), 0);
    expect(back?.height).toBe(5);
    expect(await cm.coinsTip.getCoin(tx.txid(), 0)).toBeUndefined();

    // And back: branch A grows to 5 blocks.
    let pa = tipA;
    for (let i = 0; i < 2; i++) {
      const b = buildBlock(pa, params, { extraNonce: 3 });
      expect((await cm.processNewBlock(b)).state.valid).toBe(true);
      pa = cm.lookup(b.hash())!;
    }
    expect(cm.activeChain.tip()).toBe(pa);
    expect(cm.activeChain.height()).toBe(115);
    expect(await cm.coinsTip.getCoin(spent.txid(), 0)).toBeUndefined();
    expect((await cm.coinsTip.getCoin(tx.txid(), 0))?.height).toBe(111);
    expect(cm.activeChain.findFork(prev)).toBe(forkPoint);
    await cm.close();
  });

  it('accepts headers first, then their blocks; rejects bad headers with Core reasons', async () => {
    const { cm, clock } = await fresh();
    const b1 = buildBlock(cm.activeChain.tip(), params);
    const r = await cm.processNewBlockHeaders([b1.header]);
    expect(r.state.valid).toBe(true);
    expect(cm.bestHeader.height).toBe(1);
    expect(cm.activeChain.height()).toBe(0);
    expect((await cm.processNewBlock(b1)).state.valid).toBe(true);
    expect(cm.activeChain.height()).toBe(1);

    const tip = cm.activeChain.tip();
    const future = buildBlock(tip, params, { time: clock.nowS + 3 * 3600 });
    expect((await cm.processNewBlockHeaders([future.header])).state.rejectReason).toBe(
      'time-too-new',
    );
    const old = buildBlock(tip, params, { time: tip.medianTimePast() });
    expect((await cm.processNewBlockHeaders([old.header])).state.rejectReason).toBe('time-too-old');
    const v1 = buildBlock(tip, params, { version: 1 });
    expect((await cm.processNewBlockHeaders([v1.header])).state.rejectReason).toBe(
      'bad-version(0x00000001)',
    );
    const orphan = new BlockHeader(
      0x20000000,
      new Uint8Array(32).fill(1),
      new Uint8Array(32),
      clock.nowS,
      0x207fffff,
      0,
    );
    const { mine } = await import('./helpers.js');
    expect(
      (await cm.processNewBlockHeaders([mine(orphan, params.powLimit)])).state.rejectReason,
    ).toBe('prev-blk-not-found');
    const h = buildBlock(tip, params).header;
    const wrongBits = mine(
      new BlockHeader(h.version, h.prevBlock, h.merkleRoot, h.time, 0x1f7fffff, 0),
      params.powLimit,
    );
    expect((await cm.processNewBlockHeaders([wrongBits])).state.rejectReason).toBe('bad-diffbits');
    expect(toHex(reverseBytes(cm.activeChain.getLocator()[0]!))).toBe(tip.hashHex);
    await cm.close();
  });
});
