/**
 * Chainstate figures: import speed (blocks/s, inputs/s) of a generated regtest chain with many
 * transactions and of the real mainnet blocks 0..438, both through loadblock's blk-file path
 * with full validation; peak RSS of the process; heap bytes per cached coin.
 *
 * Builders come from `@bitcoind-lite/chain/testing` (no imports from test folders).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Block,
  type ChainParams,
  getChainParams,
  readBlkFile,
} from '@bitcoind-lite/consensus';
import { openDirCapability } from '@bitcoind-lite/storage/host';
import { CoinsViewDB, type Dir } from '@bitcoind-lite/storage';
import {
  ChainstateManager,
  CoinsViewCache,
  createInterpreterScriptVerifier,
  loadExternalBlockFile,
} from '@bitcoind-lite/chain';
import { type ParentRef, buildBlockOn, spendTx } from '@bitcoind-lite/chain/testing';
import { Logger, type Clock, type Timer } from '@bitcoind-lite/runtime';
import type { Report } from './run.js';

const here = dirname(fileURLToPath(import.meta.url));
const SHARED_CHAIN = join(here, '..', '..', 'shared', 'chain');

/** Wall clock for the benchmark process (benchmarks may read it; the chain gets it as a value). */
const clock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
  setTimeout(cb: () => void, ms: number): Timer {
    const t = setTimeout(cb, ms);
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(cb: () => void, ms: number): Timer {
    const t = setInterval(cb, ms);
    return { cancel: () => clearInterval(t) };
  },
};
const logger = new Logger({ write: () => undefined }, clock, []);

async function tempDir(
  prefix: string,
): Promise<{ path: string; dir: Dir; done: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {
    path,
    dir: await openDirCapability(path),
    done: () => rm(path, { recursive: true, force: true }),
  };
}

function openChain(dir: Dir, params: ChainParams): Promise<ChainstateManager> {
  return ChainstateManager.open({
    datadir: dir,
    params,
    clock,
    logger,
    random: { fill: (b: Uint8Array) => b.fill(7) },
    scriptVerifier: createInterpreterScriptVerifier({ sigCacheSalt: new Uint8Array(32) }),
  });
}

/** Core's blk framing: magic, u32 LE length, block. */
function blkFile(blocks: Block[], magic: Uint8Array): Uint8Array {
  const raws = blocks.map((b) => b.serialize());
  const out = new Uint8Array(raws.reduce((n, r) => n + 8 + r.length, 0));
  let pos = 0;
  for (const r of raws) {
    out.set(magic, pos);
    new DataView(out.buffer).setUint32(pos + 4, r.length, true);
    out.set(r, pos + 8);
    pos += 8 + r.length;
  }
  return out;
}

/**
 * A regtest chain of `count` blocks; from height 101 each block fans the coinbase 100 back out
 * to 100 outputs and spends each of the previous fan's outputs in its own transaction: about
 * 101 transactions and 101 inputs per block.
 */
function generateChain(params: ChainParams, count: number): { blocks: Block[]; inputs: number } {
  const g = params.genesis;
  let parent: ParentRef = { hash: g.hash(), height: 0, time: g.header.time };
  const blocks: Block[] = [];
  let fan: { txid: Uint8Array; vout: number; value: bigint }[] = [];
  let inputs = 0;
  for (let h = 1; h <= count; h++) {
    const txs = [];
    if (h > 100) {
      const cb = blocks[h - 101]!.txs[0]!;
      const out = spendTx([{ txid: cb.txid(), vout: 0, value: cb.vout[0]!.value }], 0n, 100);
      for (const p of fan) txs.push(spendTx([p], 0n, 1));
      txs.push(out);
      inputs += fan.length + 1;
      fan = out.vout.map((o, k) => ({ txid: out.txid(), vout: k, value: o.value }));
    }
    const b = buildBlockOn(parent, params, { txs, time: parent.time + 1 });
    blocks.push(b);
    parent = { hash: b.hash(), height: h, time: b.header.time };
  }
  return { blocks, inputs };
}

async function timedImport(
  dir: Dir,
  params: ChainParams,
  fileDir: Dir,
  name: string,
): Promise<{ seconds: number; height: number }> {
  const cm = await openChain(dir, params);
  const file = await fileDir.open(name);
  const start = performance.now();
  await loadExternalBlockFile(cm, file, { clock, logger });
  const seconds = (performance.now() - start) / 1000;
  const height = cm.activeChain.height();
  await file.close();
  await cm.close();
  return { seconds, height };
}

export async function run(report: Report): Promise<void> {
  // Generated regtest chain.
  {
    const params = getChainParams('regtest');
    const { blocks, inputs } = generateChain(params, 400);
    const t = await tempDir('bench-chain-');
    await writeFile(join(t.path, 'regtest.dat'), blkFile(blocks, params.messageStart));
    const data = await t.dir.subdir('data', { create: true });
    const r = await timedImport(data, params, t.dir, 'regtest.dat');
    if (r.height !== 400) throw new Error(`regtest import ended at ${r.height}`);
    const txs = blocks.reduce((n, b) => n + b.txs.length, 0);
    report(`regtest import (400 blocks, ${txs} txs)`, 400 / r.seconds, 'blocks/s');
    report('regtest import inputs', inputs / r.seconds, 'inputs/s');
    await t.done();
  }

  // Mainnet 0..438, scripts checked.
  {
    const params = getChainParams('main');
    const t = await tempDir('bench-import-');
    const grant = await openDirCapability(SHARED_CHAIN, { readOnly: true });
    const r = await timedImport(t.dir, params, grant, 'mainnet-0-438.blocks.dat');
    if (r.height !== 438) throw new Error(`mainnet import ended at ${r.height}`);
    // Blocks 1..438 (genesis is known); inputs counted from the file, coinbases included.
    const raw = new Uint8Array(await readFile(join(SHARED_CHAIN, 'mainnet-0-438.blocks.dat')));
    let inputs = 0;
    for (const { block } of readBlkFile(raw, params.messageStart)) {
      for (const tx of block.txs) inputs += tx.vin.length;
    }
    report('mainnet 0..438 import', 438 / r.seconds, 'blocks/s');
    report('mainnet 0..438 import inputs', inputs / r.seconds, 'inputs/s', `${inputs} inputs`);
    await t.done();
  }

  // Heap bytes per cached coin: fill a cache with 200k P2WPKH-sized coins over an empty DB.
  {
    const t = await tempDir('bench-coins-');
    const db = await CoinsViewDB.open(await t.dir.openLevel('chainstate'));
    const cache = new CoinsViewCache(db);
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const txid = new Uint8Array(32);
      new DataView(txid.buffer).setUint32(0, i);
      const script = new Uint8Array(22);
      script[1] = 20;
      cache.addCoin(
        txid,
        0,
        { out: { value: 1000n, scriptPubKey: script }, height: i, isCoinbase: false },
        false,
      );
    }
    gc?.();
    const after = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    report(
      'heap per cached coin (P2WPKH)',
      (after - before) / n,
      'bytes',
      gc ? '' : 'without --expose-gc',
    );
    report(
      'estimated per cached coin (dbcache accounting)',
      cache.dynamicMemoryUsage() / n,
      'bytes',
    );
    await db.close();
    await t.done();
  }

  // ru_maxrss is in KiB on Linux.
  report('peak RSS (whole bench process)', process.resourceUsage().maxRSS / 1024, 'MiB');
}
