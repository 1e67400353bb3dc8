import { afterEach, describe, expect, it } from 'vitest';
import { getChainParams } from '@bitcoind-lite/consensus';
import { BLOCK_FAILED_CHILD, BLOCK_FAILED_VALID } from '../src/index.js';
import { TestClock, buildBlock, mineBlocks, openChain, tempDir } from './helpers.js';

const params = getChainParams('regtest');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('invalidateblock / reconsiderblock / preciousblock / getchaintips', () => {
  it('moves between branches as Core does and reports tips with Core statuses', async () => {
    const t = await tempDir();
    cleanups.push(t.cleanup);
    const clock = new TestClock(1_900_000_000);
    const cm = await openChain(t.dir, params, clock);
    await mineBlocks(cm, 5);
    const fork = cm.activeChain.tip();
    await mineBlocks(cm, 3, { extraNonce: 1 });
    const tipA = cm.activeChain.tip();
    // Branch B: 2 blocks from the fork (less work, stays a valid fork once connected... it is
    // never connected, so Core calls it valid-headers until it has been validated).
    let p = fork;
    for (let i = 0; i < 2; i++) {
      const b = buildBlock(p, params, { extraNonce: 2 });
      await cm.processNewBlock(b);
      p = cm.lookup(b.hash())!;
    }
    const tipB = p;
    const h = buildBlock(tipB, params, { extraNonce: 2 });
    await cm.processNewBlockHeaders([h.header]);

    let tips = cm.getChainTips();
    expect(tips.find((x) => x.hash === tipA.hashHex)?.status).toBe('active');
    expect(tips.find((x) => x.hash === h.hashHex())).toMatchObject({
      status: 'headers-only',
      branchlen: 3,
    });

    // Invalidate the first block of branch A: the chain falls back to branch B.
    const a1 = tipA.getAncestor(fork.height + 1)!;
    await cm.invalidateBlock(a1);
    expect(cm.activeChain.tip()).toBe(tipB);
    expect(a1.status & BLOCK_FAILED_VALID).toBeTruthy();
    expect(tipA.status & BLOCK_FAILED_CHILD).toBeTruthy();
    tips = cm.getChainTips();
    expect(tips.find((x) => x.hash === tipA.hashHex)).toMatchObject({
      status: 'invalid',
      branchlen: 3,
    });

    // Reconsider: branch A has more work again.
    await cm.reconsiderBlock(a1);
    expect(cm.activeChain.tip()).toBe(tipA);
    tips = cm.getChainTips();
    // tipB has a header-only child, so that child is the tip of the branch.
    expect(tips.find((x) => x.hash === h.hashHex())).toMatchObject({
      status: 'headers-only',
      branchlen: 3,
    });
    expect(tips.some((x) => x.hash === tipB.hashHex)).toBe(false);

    // preciousblock between two equal-work tips.
    const c1 = buildBlock(tipA, params, { extraNonce: 5 });
    const c2 = buildBlock(tipA, params, { extraNonce: 6 });
    await cm.processNewBlock(c1);
    await cm.processNewBlock(c2);
    expect(cm.activeChain.tip().hashHex).toBe(c1.hashHex());
    await cm.preciousBlock(cm.lookup(c2.hash())!);
    expect(cm.activeChain.tip().hashHex).toBe(c2.hashHex());
    // c1 was connected before: a fully validated fork of length 1.
    expect(cm.getChainTips().find((x) => x.hash === c1.hashHex())).toMatchObject({
      status: 'valid-fork',
      branchlen: 1,
    });
    await cm.preciousBlock(cm.lookup(c1.hash())!);
    expect(cm.activeChain.tip().hashHex).toBe(c1.hashHex());
    expect(await cm.verifyChain(3, 0)).toBe(true);
    await cm.close();
  });
});
