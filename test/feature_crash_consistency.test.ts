/**
 * Issue 4, "Done when" 4: a node is fed a long chain with spends through submitblock and killed
 * with SIGKILL at 20 moments drawn from a fixed seed (so a failing run can be replayed). After
 * each restart its chain is a prefix of the fed chain, never shorter than what it had confirmed,
 * and its gettxoutsetinfo equals that of a clean node fed the same blocks up to the same height.
 * A second case kills a node while it imports a blk file from its `loadblock` grant (where the
 * index is synced in batches, not per block) and checks the finished import against the clean run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Block, getChainParams } from '@bitcoind-lite/consensus';
import { type ParentRef, buildBlockOn, spendTx } from '@bitcoind-lite/chain/testing';
import { submit, tipRef } from './framework/chain-builder.js';
import { TestNode } from './framework/test-node.js';

const params = getChainParams('regtest');
const SEED = 0x5eed_0004;
const KILLS = 20;
const BLOCKS = 1500;

/** mulberry32: a small seeded generator, so the kill moments are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The chain to feed: from height 101 each block spends the coinbase 100 blocks back into five
 * outputs and the previous block's five outputs into one, so blocks both create and spend coins.
 */
function buildChain(genesis: ParentRef, count: number): Block[] {
  const blocks: Block[] = [];
  let parent: ParentRef = { ...genesis, time: Math.floor(Date.now() / 1000) - 2 * 3600 };
  let fan: { txid: Uint8Array; vout: number; value: bigint }[] = [];
  for (let h = 1; h <= count; h++) {
    const txs = [];
    if (h > 100) {
      const cb = blocks[h - 101]!.txs[0]!;
      const out = spendTx([{ txid: cb.txid(), vout: 0, value: cb.vout[0]!.value }], 0n, 5);
      txs.push(out);
      if (fan.length > 0) txs.push(spendTx(fan, 0n, 1));
      fan = out.vout.map((o, k) => ({ txid: out.txid(), vout: k, value: o.value }));
    }
    const b = buildBlockOn(parent, params, { txs, time: parent.time + 1 });
    blocks.push(b);
    parent = { hash: b.hash(), height: h, time: b.header.time };
  }
  return blocks;
}

interface Stats {
  height: number;
  bestblock: string;
  hash_serialized_3: string;
  txouts: number;
  total_amount: number;
}

const nodes: TestNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.kill();
});

describe('feature_crash_consistency', () => {
  it(`restarts consistent after SIGKILL at ${KILLS} seeded moments`, async () => {
    const random = prng(SEED);
    const node = await TestNode.start({ noP2P: true, outbound: false });
    nodes.push(node);
    const blocks = buildChain(await tipRef(node), BLOCKS);
    const seen: Stats[] = [];
    let confirmed = 0;

    for (let k = 0; k < KILLS; k++) {
      const from = await node.rpc<number>('getblockcount');
      // Feed blocks in the background; the kill cuts the stream wherever it is.
      let stop = false;
      const feeding = (async () => {
        for (let h = from + 1; h <= BLOCKS && !stop; h++) {
          const r = await submit(node, blocks[h - 1]!);
          if (r !== null) throw new Error(`block ${h} rejected: ${String(r)}`);
          confirmed = Math.max(confirmed, h);
        }
      })().catch((e: unknown) => {
        if (!stop) throw e;
      });
      await new Promise((r) => setTimeout(r, 20 + Math.floor(random() * 400)));
      stop = true;
      await node.kill();
      await feeding;

      await node.launch();
      const height = await node.rpc<number>('getblockcount');
      // Every block the node acknowledged survived; the chain is the fed chain.
      expect(height).toBeGreaterThanOrEqual(confirmed);
      if (height > 0) {
        expect(await node.rpc('getbestblockhash')).toBe(blocks[height - 1]!.hashHex());
      }
      seen.push(await node.rpc<Stats>('gettxoutsetinfo'));
    }
    expect(seen[seen.length - 1]!.height).toBeGreaterThan(100);
    await node.stop();

    // The clean run: the same blocks through submitblock, compared at each height seen above.
    const clean = await TestNode.start({ noP2P: true, outbound: false });
    nodes.push(clean);
    const byHeight = [...seen].sort((x, y) => x.height - y.height);
    let fed = 0;
    for (const s of byHeight) {
      for (; fed < s.height; fed++) expect(await submit(clean, blocks[fed]!)).toBe(null);
      const c = await clean.rpc<Stats>('gettxoutsetinfo');
      expect({ ...s, disk_size: undefined }).toMatchObject({
        height: c.height,
        bestblock: c.bestblock,
        hash_serialized_3: c.hash_serialized_3,
        txouts: c.txouts,
        total_amount: c.total_amount,
      });
    }
    await clean.stop();
  }, 180_000);

  it('an import killed at seeded moments finishes with the same UTXO set', async () => {
    const random = prng(SEED + 1);
    const probe = await TestNode.start({ noP2P: true, outbound: false });
    nodes.push(probe);
    const blocks = buildChain(await tipRef(probe), 1200);
    // The clean run: submitblock, one block at a time.
    for (const b of blocks) expect(await submit(probe, b)).toBe(null);
    const clean = await probe.rpc<Stats>('gettxoutsetinfo');
    await probe.stop();

    const node = TestNode.create({
      noP2P: true,
      outbound: false,
      extraManifest: 'loadblock: !file\n  path: ./chain.dat',
    });
    nodes.push(node);
    const raws = blocks.map((b) => b.serialize());
    const file = new Uint8Array(raws.reduce((n, r) => n + 8 + r.length, 0));
    let pos = 0;
    for (const r of raws) {
      file.set(params.messageStart, pos);
      new DataView(file.buffer).setUint32(pos + 4, r.length, true);
      file.set(r, pos + 8);
      pos += 8 + r.length;
    }
    writeFileSync(join(node.dir, 'chain.dat'), file);

    let midImport = 0;
    for (let k = 0; k < 3; k++) {
      // The import runs before RPC is ready, so this launch() never sees the node ready. It is
      // not awaited: TestNode.launch only notices an exit code, not a death by signal.
      void node.launch().catch(() => undefined);
      await node.waitFor(async () => node.output.includes('(rpc)'), 'RPC bound', 30_000);
      await new Promise((r) => setTimeout(r, 50 + Math.floor(random() * 600)));
      await node.kill();
      if (!node.output.includes('from external file')) midImport++;
    }
    // The kills landed while blocks were being imported.
    expect(midImport).toBeGreaterThan(0);
    await node.launch(60_000);
    const s = await node.rpc<Stats>('gettxoutsetinfo');
    expect(s).toMatchObject({
      height: 1200,
      bestblock: clean.bestblock,
      hash_serialized_3: clean.hash_serialized_3,
      txouts: clean.txouts,
      total_amount: clean.total_amount,
    });
    await node.stop();
  }, 120_000);
});
