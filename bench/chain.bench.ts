/**
 * Chainstate figures: mining/connecting regtest blocks with transactions (blocks/s, inputs/s),
 * importing the real mainnet blocks 0..438, and heap bytes per cached coin.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getChainParams } from '@bitcoind-lite/consensus';
import { openDirCapability } from '@bitcoind-lite/storage/host';
import { CoinsViewCache, loadExternalBlockFile } from '@bitcoind-lite/chain';
import {
  TestClock,
  buildBlock,
  collectingLogger,
  openChain,
  spendTx,
  tempDir,
} from '../packages/chain/test/helpers.js';
import type { Report } from './run.js';

const here = dirname(fileURLToPath(import.meta.url));

export async function run(report: Report): Promise<void> {
  const clock = new TestClock(1_900_000_000);

  // Regtest: 300 blocks, each from height 101 spending a matured coinbase into 50 outputs, and
  // the previous block's 50 outputs into one.
  {
    const t = await tempDir('bench-chain-');
    const cm = await openChain(t.dir, getChainParams('regtest'), clock);
    let prevOutputs: { txid: Uint8Array; vout: number; value: bigint }[] = [];
    let inputs = 0;
    const start = performance.now();
    for (let i = 0; i < 300; i++) {
      const tip = cm.activeChain.tip();
      const txs = [];
      let fees = 0n;
      if (tip.height + 1 > 100) {
        const cb = (await cm.readBlock(cm.activeChain.at(tip.height + 1 - 100)!)).txs[0]!;
        const fan = spendTx([{ txid: cb.txid(), vout: 0, value: cb.vout[0]!.value }], 1000n, 50);
        txs.push(fan);
        fees += 1000n;
        inputs += 1;
        if (prevOutputs.length > 0) {
          txs.push(spendTx(prevOutputs, 1000n));
          fees += 1000n;
          inputs += prevOutputs.length;
        }
        prevOutputs = fan.vout.map((o, k) => ({ txid: fan.txid(), vout: k, value: o.value }));
      }
      const r = await cm.processNewBlock(buildBlock(tip, cm.params, { txs, feesSats: fees }));
      if (!r.state.valid) throw new Error(String(r.state.rejectReason));
    }
    const s = (performance.now() - start) / 1000;
    report('regtest connect (300 blocks, 50-output txs)', 300 / s, 'blocks/s');
    report('regtest connect inputs', inputs / s, 'inputs/s');
    await cm.close();
    await t.cleanup();
  }

  // Mainnet 0..438 import.
  {
    const t = await tempDir('bench-import-');
    const cm = await openChain(t.dir, getChainParams('main'), clock);
    const grant = await openDirCapability(join(here, '..', '..', 'shared', 'chain'), {
      readOnly: true,
    });
    const file = await grant.open('mainnet-0-438.blocks.dat');
    const start = performance.now();
    const r = await loadExternalBlockFile(cm, file, { clock, logger: collectingLogger(clock) });
    report('mainnet 0..438 import', r.loaded / ((performance.now() - start) / 1000), 'blocks/s');
    await file.close();
    await cm.close();
    await t.cleanup();
  }

  // Heap bytes per cached coin: fill a cache with 200k P2WPKH-sized coins over an empty DB.
  {
    const t = await tempDir('bench-coins-');
    const { CoinsViewDB } = await import('@bitcoind-lite/storage');
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
    await t.cleanup();
  }
}
