/**
 * Core's AcceptBlock rules for blocks nobody asked for, and AcceptBlockHeader's anti-DoS rule:
 * a block whose claimed work was not vouched for (minPowChecked: false) does not even enter the
 * index; an unrequested block is not stored when it is more than 288 blocks past the tip or
 * below the minimum chain work. Real LevelDB and block files in a temporary folder.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getChainParams } from '@bitcoind-lite/consensus';
import { TestClock, buildBlock, mineBlocks, openChain, tempDir } from './helpers.js';

const params = getChainParams('regtest');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function chain(p = params, lines: string[] = []) {
  const t = await tempDir();
  cleanups.push(t.cleanup);
  const cm = await openChain(t.dir, p, new TestClock(1_900_000_000), { lines });
  cleanups.push(() => cm.close());
  return cm;
}

describe('unrequested blocks', () => {
  it('minPowChecked: false keeps a new header out of the index (too-little-chainwork)', async () => {
    const lines: string[] = [];
    const cm = await chain(params, lines);
    await mineBlocks(cm, 1);
    const b = buildBlock(cm.activeChain.tip(), params);
    const r = await cm.processNewBlock(b, { forceProcessing: false, minPowChecked: false });
    expect(r.state).toMatchObject({ valid: false, rejectReason: 'too-little-chainwork' });
    expect(cm.lookup(b.hash())).toBeUndefined();
    expect(lines.join('\n')).toContain(
      `AcceptBlockHeader: not adding new block header ${b.hashHex()}, missing anti-dos proof-of-work validation`,
    );
    // The same block vouched for is accepted.
    expect((await cm.processNewBlock(b, { forceProcessing: false })).state.valid).toBe(true);
    expect(cm.activeChain.height()).toBe(2);
  });

  it('an unrequested block below the minimum chain work is not stored; a requested one is', async () => {
    const cm = await chain({ ...params, minimumChainWork: 0x10n });
    const b = buildBlock(cm.activeChain.tip(), params);
    await cm.processNewBlock(b, { forceProcessing: false });
    expect(cm.activeChain.height()).toBe(0);
    expect(cm.lookup(b.hash())?.nTx ?? 0).toBe(0);
    await cm.processNewBlock(b, { forceProcessing: true });
    expect(cm.activeChain.height()).toBe(1);
  });

  it('an unrequested block more than 288 blocks past the tip is not stored', async () => {
    const cm = await chain();
    const headers = [];
    let prev = cm.activeChain.tip();
    for (let i = 0; i < 289; i++) {
      const b = buildBlock(prev, params);
      headers.push(b);
      await cm.processNewBlockHeaders([b.header]);
      prev = cm.lookup(b.hash())!;
    }
    const far = headers[288]!;
    await cm.processNewBlock(far, { forceProcessing: false });
    expect(cm.lookup(far.hash())!.nTx).toBe(0);
    const near = headers[0]!;
    await cm.processNewBlock(near, { forceProcessing: false });
    expect(cm.activeChain.height()).toBe(1);
  });
});
