/**
 * Crash consistency: a child process mines into a datadir and is killed with SIGKILL at random
 * moments; after each kill the datadir must reopen with a tip on a valid chain and a UTXO set
 * equal to replaying every block of the active chain from scratch.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getChainParams, toHex } from '@bitcoind-lite/consensus';
import type { Dir } from '@bitcoind-lite/storage';
import { type ChainstateManager, isUnspendable } from '../src/index.js';
import { TestClock, openChain, tempDir } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const params = getChainParams('regtest');

function runAndKill(
  datadir: string,
  killAfterLines: number,
  extraDelayMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', join(here, 'crash-child.ts'), datadir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let lines = 0;
    let killed = false;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      lines += d
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('height')).length;
      if (!killed && lines >= killAfterLines) {
        killed = true;
        // Kill the whole group (npx -> tsx -> node) so the writer dies mid-operation.
        setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), extraDelayMs);
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(lines);
      else reject(new Error(`child exited ${code} ${signal}: ${stderr}`));
    });
  });
}

/** The killed process's LevelDB locks go away a moment after the group dies. */
async function openWhenUnlocked(dir: Dir, clock: TestClock): Promise<ChainstateManager> {
  for (let i = 0; ; i++) {
    try {
      return await openChain(dir, params, clock);
    } catch (e) {
      const locked =
        JSON.stringify(e).includes('LEVEL_LOCKED') || String((e as Error).cause).includes('lock');
      if (!locked || i > 100) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('crash consistency (SIGKILL during mining)', () => {
  it('reopens consistent after each of 8 kills', async () => {
    const t = await tempDir('chain-crash-');
    const clock = new TestClock(1_900_000_000);
    let lastHeight = 0;
    try {
      for (let round = 0; round < 8; round++) {
        // Deterministic "random" moments: varying block counts and sub-block delays.
        await runAndKill(t.path, 15 + ((round * 37) % 23), (round * 13) % 11);
        const cm = await openWhenUnlocked(t.dir, clock);
        const tip = cm.activeChain.tip();
        expect(tip.height).toBeGreaterThan(0);
        // The index survives: the tip never goes back past what a previous round reopened with.
        expect(tip.height).toBeGreaterThanOrEqual(lastHeight);
        lastHeight = tip.height;

        // Replay the active chain from scratch and compare with the stored UTXO set.
        const expected = new Map<string, string>();
        for (let h = 1; h <= tip.height; h++) {
          const block = await cm.readBlock(cm.activeChain.at(h)!);
          for (const tx of block.txs) {
            if (!tx.isCoinbase()) {
              for (const i of tx.vin) {
                const k = toHex(i.prevout.txid) + ':' + i.prevout.vout;
                expect(expected.has(k)).toBe(true);
                expected.delete(k);
              }
            }
            tx.vout.forEach((o, n) => {
              if (!isUnspendable(o.scriptPubKey)) {
                expected.set(toHex(tx.txid()) + ':' + n, `${h}/${tx.isCoinbase()}/${o.value}`);
              }
            });
          }
        }
        await cm.flush();
        const stored = new Map<string, string>();
        for await (const c of cm.coinsDb.coins()) {
          stored.set(
            toHex(c.txid) + ':' + c.vout,
            `${c.coin.height}/${c.coin.isCoinbase}/${c.coin.out.value}`,
          );
        }
        expect(stored).toEqual(expected);
        expect(toHex((await cm.coinsDb.getBestBlock())!)).toBe(toHex(tip.hash));
        await cm.close();
      }
      expect(lastHeight).toBeGreaterThan(100);
    } finally {
      await t.cleanup();
    }
  }, 300_000);
});
