/**
 * loadblock import of real mainnet blocks 0..438 (../shared/chain/mainnet-0-438.blocks.dat) on
 * mainnet parameters into an empty datadir: ends at height 438 with the known tip, and the UTXO
 * statistics agree with an independent replay of the same file.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getChainParams, readBlkFile, toHex } from '@bitcoind-lite/consensus';
import { openDirCapability } from '@bitcoind-lite/storage/host';
import { isUnspendable, loadExternalBlockFile } from '../src/index.js';
import { TestClock, collectingLogger, openChain, tempDir } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const sharedChain = join(here, '..', '..', '..', '..', 'shared', 'chain');
const params = getChainParams('main');

describe('loadblock: mainnet blocks 0..438', () => {
  it('imports to height 438 with consistent txouts and total_amount', async () => {
    const t = await tempDir('chain-import-');
    const clock = new TestClock(1_700_000_000);
    const lines: string[] = [];
    try {
      const cm = await openChain(t.dir, params, clock, { lines });
      const grant = await openDirCapability(sharedChain, { readOnly: true });
      const file = await grant.open('mainnet-0-438.blocks.dat');
      const r = await loadExternalBlockFile(cm, file, {
        clock,
        logger: collectingLogger(clock, lines),
        progressIntervalMs: 0,
      });
      await file.close();
      expect(r.rejected).toBe(0);
      expect(r.orphaned).toBe(0);
      expect(cm.activeChain.height()).toBe(438);
      const tip = cm.activeChain.tip().hashHex;
      expect(tip.startsWith('0000000025c6b6')).toBe(true);
      expect(tip.endsWith('4c7a')).toBe(true);
      expect(
        lines.some((l) => /Importing blocks: height=\d+ [\d.]+ blocks\/s [\d.]+%/.test(l)),
      ).toBe(true);

      // Independent replay of the raw file.
      const raw = new Uint8Array(await readFile(join(sharedChain, 'mainnet-0-438.blocks.dat')));
      const utxo = new Map<string, bigint>();
      let height = 0;
      let spends = 0;
      for (const { block } of readBlkFile(raw, params.messageStart)) {
        if (height > 0) {
          for (const tx of block.txs) {
            if (!tx.isCoinbase()) {
              for (const i of tx.vin) {
                expect(utxo.delete(toHex(i.prevout.txid) + ':' + i.prevout.vout)).toBe(true);
                spends++;
              }
            }
            tx.vout.forEach((o, n) => {
              if (!isUnspendable(o.scriptPubKey)) utxo.set(toHex(tx.txid()) + ':' + n, o.value);
            });
          }
        }
        height++;
      }
      expect(height).toBe(439);
      expect(spends).toBeGreaterThan(0);
      const info = await cm.getTxOutSetInfo();
      expect(info.height).toBe(438);
      expect(info.txouts).toBe(utxo.size);
      let total = 0n;
      for (const v of utxo.values()) total += v;
      expect(info.totalAmountSats).toBe(total);
      // 438 spendable coinbases of 50 BTC; the early spends paid no fees.
      expect(total).toBe(438n * 50n * 100_000_000n);
      expect(info.hashSerialized3).toMatch(/^[0-9a-f]{64}$/);
      expect(await cm.verifyChain(3, 100)).toBe(true);

      // Restart: same tip, same statistics.
      await cm.close();
      const again = await openChain(t.dir, params, clock);
      expect(again.activeChain.tip().hashHex).toBe(tip);
      expect((await again.getTxOutSetInfo()).hashSerialized3).toBe(info.hashSerialized3);
      await again.close();
    } finally {
      await t.cleanup();
    }
  });
});
