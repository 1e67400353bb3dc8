/** Full RBF (BIP125 rules 2-6 without signalling), ancestor limits, eviction and the fee floor. */
import { describe, expect, it } from 'vitest';
import { Key, outputOf, pay, setup, signTx, type SpendInput } from './harness.js';

function coins(env: ReturnType<typeof setup>): SpendInput[] {
  return env.chain.matureCoinbases(env.key.p2wpkh).map((c) => ({ ...c, key: env.key }));
}

describe('replace-by-fee (full RBF as Core 28+)', () => {
  it('replaces an unsignalled transaction that pays more, and enforces rules 3, 4, 6 and 2', async () => {
    const env = setup();
    const [c, other] = coins(env);
    const other2 = new Key(2);
    const orig = pay({ ...c!, sequence: 0xffffffff }, env.key.p2wpkh, 10_000n);
    expect((await env.mempool.acceptToMemoryPool(orig)).valid).toBe(true);

    // Rule 6: the fee rate must beat the original's.
    const low = pay({ ...c!, sequence: 0xffffffff }, other2.p2wpkh, 9_000n);
    const r6 = await env.mempool.acceptToMemoryPool(low);
    expect(r6.rejectReason).toBe('insufficient fee');
    expect(r6.debugMessage).toMatch(
      /^rejecting replacement [0-9a-f]{64}; new feerate 0\.\d{8} BTC\/kvB <= old feerate/,
    );

    // Rule 4: more fee, but not by the incremental relay fee for its own size.
    const tiny = pay({ ...c!, sequence: 0xffffffff }, other2.p2wpkh, 10_001n);
    const r4 = await env.mempool.acceptToMemoryPool(tiny);
    expect(r4.rejectReason).toBe('insufficient fee');
    expect(r4.debugMessage).toBe(
      `rejecting replacement ${tiny.txidHex()}, not enough additional fees to relay; 0.00000001 < 0.00000011`,
    );

    // Rule 2: the replacement may not add an unconfirmed input.
    const side = pay(other!, env.key.p2wpkh, 2_000n);
    expect((await env.mempool.acceptToMemoryPool(side)).valid).toBe(true);
    const adds = signTx(
      [{ ...c!, sequence: 0xffffffff }, outputOf(side, 0, env.key)],
      [{ value: c!.out.value + side.vout[0]!.value - 50_000n, scriptPubKey: other2.p2wpkh }],
    );
    const r2 = await env.mempool.acceptToMemoryPool(adds);
    expect(r2.rejectReason).toBe('replacement-adds-unconfirmed');
    expect(r2.debugMessage).toBe(`replacement ${adds.txidHex()} adds unconfirmed input, idx 1`);

    const good = pay({ ...c!, sequence: 0xffffffff }, other2.p2wpkh, 20_000n);
    const ok = await env.mempool.acceptToMemoryPool(good);
    expect(ok.valid).toBe(true);
    expect(ok.replacedTxids).toEqual([orig.txidHex()]);
    expect(env.mempool.pool.get(orig.txidHex())).toBeUndefined();
  });

  it('rule 3: pays less in total than the replaced transaction and its descendants', async () => {
    const env = setup();
    const [c] = coins(env);
    const parent = pay(c!, env.key.p2wpkh, 1_000n);
    await env.mempool.acceptToMemoryPool(parent);
    const child = pay(outputOf(parent, 0, env.key), env.key.p2wpkh, 100_000n);
    expect((await env.mempool.acceptToMemoryPool(child)).valid).toBe(true);
    const rep = pay(c!, new Key(3).p2wpkh, 50_000n);
    const r = await env.mempool.acceptToMemoryPool(rep);
    expect(r.rejectReason).toBe('insufficient fee');
    expect(r.debugMessage).toBe(
      `rejecting replacement ${rep.txidHex()}, less fees than conflicting txs; 0.0005 < 0.00101`,
    );
  });

  it('rule 5: too many potential replacements', async () => {
    const env = setup({ settings: { limitDescendantCount: 200, limitAncestorCount: 200 } });
    const [c] = coins(env);
    // One parent with 101 outputs, each spent by its own child: 102 transactions to evict.
    const outs = Array.from({ length: 101 }, () => ({
      value: 40_000n,
      scriptPubKey: env.key.p2wpkh,
    }));
    outs[0]!.value = c!.out.value - 100n * 40_000n - 20_000n;
    const parent = signTx([c!], outs);
    expect((await env.mempool.acceptToMemoryPool(parent)).valid).toBe(true);
    for (let i = 0; i < 101; i++) {
      const r = await env.mempool.acceptToMemoryPool(
        pay(outputOf(parent, i, env.key), env.key.p2wpkh, 1_000n),
      );
      expect(r.valid).toBe(true);
    }
    const rep = pay(c!, new Key(4).p2wpkh, 1_000_000n);
    const r = await env.mempool.acceptToMemoryPool(rep);
    expect(r.rejectReason).toBe('too many potential replacements');
    expect(r.debugMessage).toBe(
      `rejecting replacement ${rep.txidHex()}; too many potential replacements (102 > 100)\n`,
    );
  });
});

describe('ancestor and descendant limits', () => {
  it('a chain of 25 is accepted, the 26th is too-long-mempool-chain', async () => {
    const env = setup();
    const [c] = coins(env);
    let prev = pay(c!, env.key.p2wpkh, 1_000n);
    expect((await env.mempool.acceptToMemoryPool(prev)).valid).toBe(true);
    for (let i = 1; i < 25; i++) {
      prev = pay(outputOf(prev, 0, env.key), env.key.p2wpkh, 1_000n);
      expect((await env.mempool.acceptToMemoryPool(prev)).valid).toBe(true);
    }
    const last = env.mempool.pool.get(prev.txidHex())!;
    expect(last.countWithAncestors).toBe(25);
    const info = env.mempool.entryInfo(last);
    expect(info.ancestorcount).toBe(25);
    expect(info.fees.ancestor).toBe(25_000n);
    const next = pay(outputOf(prev, 0, env.key), env.key.p2wpkh, 1_000n);
    const r = await env.mempool.acceptToMemoryPool(next);
    expect(r.rejectReason).toBe('too-long-mempool-chain');
    expect(r.debugMessage).toBe('too many unconfirmed ancestors [limit: 25]');
    expect(env.mempool.size()).toBe(25);
  });
});

describe('size limit', () => {
  it('evicts the lowest descendant fee rate, says mempool full, then raises the floor', async () => {
    const env = setup({ blocks: 125 });
    const cs = coins(env);
    const first = pay(cs[0]!, env.key.p2wpkh, 50_000n);
    await env.mempool.acceptToMemoryPool(first);
    const per = env.mempool.pool.dynamicMemoryUsage();
    const env2 = setup({ blocks: 125, settings: { maxMempoolBytes: per * 5 + per / 2 } });
    const c2 = coins(env2);
    for (let i = 0; i < 5; i++) {
      const r = await env2.mempool.acceptToMemoryPool(
        pay(c2[i]!, env2.key.p2wpkh, 50_000n + BigInt(i)),
      );
      expect(r.valid).toBe(true);
    }
    const cheap = pay(c2[5]!, env2.key.p2wpkh, 1_000n);
    const full = await env2.mempool.acceptToMemoryPool(cheap);
    expect(full.rejectReason).toBe('mempool full');
    expect(env2.mempool.size()).toBe(5);
    // The floor is now the evicted rate plus the incremental relay fee.
    const floor = env2.mempool.pool.getMinFee();
    expect(floor.satPerKvB).toBeGreaterThan((1_000n * 1000n) / BigInt(cheap.vsize()));
    const also = pay(c2[6]!, env2.key.p2wpkh, 1_000n);
    const r = await env2.mempool.acceptToMemoryPool(also);
    expect(r.rejectReason).toBe('mempool min fee not met');
    expect(r.debugMessage).toBe(`1000 < ${floor.getFee(also.vsize())}`);

    // A better-paying one evicts the worst of the five.
    const rich = pay(c2[7]!, env2.key.p2wpkh, 200_000n);
    expect((await env2.mempool.acceptToMemoryPool(rich)).valid).toBe(true);
    expect(env2.mempool.size()).toBe(5);
    expect(env2.mempool.pool.get(pay(c2[0]!, env2.key.p2wpkh, 50_000n).txidHex())).toBeUndefined();
  });

  it('expires entries older than -mempoolexpiry', async () => {
    const env = setup({ settings: { expiryHours: 1 } });
    const [a, b] = coins(env);
    await env.mempool.acceptToMemoryPool(pay(a!, env.key.p2wpkh, 2_000n));
    env.clock.ms += 3601_000;
    await env.mempool.acceptToMemoryPool(pay(b!, env.key.p2wpkh, 2_000n));
    expect(env.mempool.size()).toBe(1);
  });
});
