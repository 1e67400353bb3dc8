/** Block connection, reorg re-add, selection for a block, and mempool.dat through a real Dir. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Key, outputOf, pay, setup, type SpendInput } from './harness.js';
import { deserializeMempool, type MempoolFileDir } from '../src/index.js';

function coins(env: ReturnType<typeof setup>): SpendInput[] {
  return env.chain.matureCoinbases(env.key.p2wpkh).map((c) => ({ ...c, key: env.key }));
}

/** A directory capability over a temp folder (the shape of storage's Dir, as the node passes). */
function tempDir(path: string): MempoolFileDir {
  return {
    readFile: async (n) => new Uint8Array(await readFile(join(path, n))),
    writeFileAtomic: async (n, d) => {
      await writeFile(join(path, n + '.new'), d);
      await (await import('node:fs/promises')).rename(join(path, n + '.new'), join(path, n));
    },
    exists: async (n) => (await import('node:fs')).existsSync(join(path, n)),
  };
}

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('chain events', () => {
  it('a mined transaction and its conflicts leave; a reorg puts it back', async () => {
    const env = setup();
    const [a, b] = coins(env);
    const t1 = pay(a!, env.key.p2wpkh, 2_000n);
    const t2 = pay(outputOf(t1, 0, env.key), env.key.p2wpkh, 2_000n);
    const t3 = pay(b!, env.key.p2wpkh, 2_000n);
    for (const t of [t1, t2, t3])
      expect((await env.mempool.acceptToMemoryPool(t)).valid).toBe(true);

    // A block mines t1 and a double spend of t3's input.
    const double = pay(b!, new Key(5).p2wpkh, 3_000n);
    const block = env.chain.mine(env.key.p2wpkh, [
      { tx: t1, feeSats: 2_000n },
      { tx: double, feeSats: 3_000n },
    ]);
    await env.mempool.blockConnected(block, env.chain.tipHeight());
    expect([...env.mempool.pool.entries()].map((e) => e.txidHex)).toEqual([t2.txidHex()]);
    expect(env.mempool.pool.get(t2.txidHex())!.countWithAncestors).toBe(1);

    // Reorg: the block is disconnected, an empty one replaces it.
    const gone = env.chain.disconnect();
    await env.mempool.blockDisconnected(gone);
    const other = env.chain.mine(new Key(6).p2wpkh);
    await env.mempool.blockConnected(other, env.chain.tipHeight());
    await env.mempool.updatedBlockTip();
    const ids = new Set([...env.mempool.pool.entries()].map((e) => e.txidHex));
    expect(ids).toEqual(new Set([t1.txidHex(), t2.txidHex(), double.txidHex()]));
    expect(env.mempool.pool.get(t2.txidHex())!.countWithAncestors).toBe(2);
  });

  it('selects by ancestor fee rate, parents first, within the weight limit', async () => {
    const env = setup();
    const [a, b, c] = coins(env);
    const parent = pay(a!, env.key.p2wpkh, 200n); // low rate alone
    const child = pay(outputOf(parent, 0, env.key), env.key.p2wpkh, 40_000n); // pays for it
    const mid = pay(b!, env.key.p2wpkh, 5_000n);
    const low = pay(c!, env.key.p2wpkh, 1_000n);
    for (const t of [parent, child, mid, low]) {
      expect((await env.mempool.acceptToMemoryPool(t)).valid).toBe(true);
    }
    const sel = env.mempool.selectForBlock();
    expect(sel.map((s) => s.tx.txidHex())).toEqual([
      parent.txidHex(),
      child.txidHex(),
      mid.txidHex(),
      low.txidHex(),
    ]);
    const w = parent.weight() + child.weight();
    expect(env.mempool.selectForBlock(w + 10).map((s) => s.tx.txidHex())).toEqual([
      parent.txidHex(),
      child.txidHex(),
    ]);
    const block = env.chain.mine(env.key.p2wpkh, sel);
    await env.mempool.blockConnected(block, env.chain.tipHeight());
    expect(env.mempool.size()).toBe(0);
  });
});

describe('mempool.dat', () => {
  it('round-trips through a directory (version 2, XOR) with times and deltas', async () => {
    const path = await mkdtemp(join(tmpdir(), 'mempool-'));
    dirs.push(path);
    const env = setup({ dir: tempDir(path) });
    await env.mempool.load();
    const [a, b] = coins(env);
    const t1 = pay(a!, env.key.p2wpkh, 2_000n);
    const t2 = pay(outputOf(t1, 0, env.key), env.key.p2wpkh, 2_000n);
    const t3 = pay(b!, env.key.p2wpkh, 2_000n);
    for (const t of [t1, t2, t3]) await env.mempool.acceptToMemoryPool(t);
    env.mempool.prioritiseTransaction(t3.txidHex(), 777n);
    await env.mempool.stop();
    const raw = await readFile(join(path, 'mempool.dat'));
    expect(raw.readBigUInt64LE(0)).toBe(2n);
    expect(deserializeMempool(new Uint8Array(raw)).entries.length).toBe(3);

    const env2 = setup({ dir: tempDir(path) });
    expect(env2.mempool.info().loaded).toBe(false);
    const counts = await env2.mempool.load();
    expect(counts).toEqual({ succeeded: 3, failed: 0, expired: 0, alreadyThere: 0 });
    expect(env2.mempool.info().loaded).toBe(true);
    const e3 = env2.mempool.pool.get(t3.txidHex())!;
    expect(e3.modifiedFeeSats).toBe(2_777n);
    expect(e3.timeS).toBe(env.mempool.pool.get(t3.txidHex())!.timeS);
  });

  it('a truncated or corrupt file is reported and ignored', async () => {
    const path = await mkdtemp(join(tmpdir(), 'mempool-'));
    dirs.push(path);
    const env = setup({ dir: tempDir(path) });
    await env.mempool.load();
    const [a, b] = coins(env);
    await env.mempool.acceptToMemoryPool(pay(a!, env.key.p2wpkh, 2_000n));
    await env.mempool.acceptToMemoryPool(pay(b!, env.key.p2wpkh, 2_000n));
    await env.mempool.dump({ version1: true });
    const raw = await readFile(join(path, 'mempool.dat'));
    await writeFile(join(path, 'mempool.dat'), raw.subarray(0, raw.length - 40));
    const env2 = setup({ dir: tempDir(path) });
    const counts = await env2.mempool.load();
    expect(counts.succeeded).toBe(1); // the first entry was intact
    expect(env2.sink.lines.some((l) => l.includes('Failed to deserialize mempool data'))).toBe(
      true,
    );
    expect(env2.mempool.info().loaded).toBe(true);

    await writeFile(join(path, 'mempool.dat'), Buffer.from('garbage!garbage!'));
    const env3 = setup({ dir: tempDir(path) });
    await expect(env3.mempool.load()).resolves.toMatchObject({ succeeded: 0 });
    expect(env3.sink.lines.some((l) => l.includes('unknown mempool.dat version'))).toBe(true);
  });
});
