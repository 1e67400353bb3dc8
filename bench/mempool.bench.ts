/**
 * Mempool figures: acceptance throughput (full admission with script checks, using the
 * tiny-secp256k1 verifier the node uses) on a 10,000-transaction workload of independent
 * P2WPKH spends, and block template selection time over that full mempool.
 */
import { OutPoint, verifyInput } from '@bitcoind-lite/consensus';
import { createTinySecp256k1Verifier } from '../apps/node/src/tiny-secp256k1-verifier.js';
import { Mempool } from '@bitcoind-lite/mempool';
import { pay, setup, signTx, type SpendInput } from '../packages/mempool/test/harness.js';
import type { Report } from './run.js';

const N = 10_000;
const PER_SPLIT = 2_500;

export async function run(report: Report): Promise<void> {
  const env = setup({ blocks: 105 });
  const verifier = createTinySecp256k1Verifier();
  const mempool = new Mempool({
    chain: env.chain,
    scriptVerifier: {
      verifyInput(tx, i, spent, flags) {
        const r = verifyInput(tx, i, spent, flags, { verifier });
        return r.ok ? { ok: true } : { ok: false, error: r.message };
      },
    },
    clock: env.clock,
    logger: env.logger,
    random: env.random,
  });
  const cbs = env.chain.matureCoinbases(env.key.p2wpkh).slice(0, N / PER_SPLIT);
  const splits = cbs.map((c) =>
    signTx(
      [{ ...c, key: env.key }],
      Array.from({ length: PER_SPLIT }, () => ({ value: 100_000n, scriptPubKey: env.key.p2wpkh })),
    ),
  );
  env.chain.mine(
    env.key.p2wpkh,
    splits.map((tx) => ({ tx, feeSats: 0n })),
  );
  const txs = [];
  for (const s of splits) {
    for (let v = 0; v < PER_SPLIT; v++) {
      const input: SpendInput = {
        outpoint: new OutPoint(s.txid(), v),
        out: s.vout[v]!,
        key: env.key,
      };
      txs.push(pay(input, env.key.p2wpkh, 200n + BigInt((v * 7919) % 5000)));
    }
  }

  const t0 = performance.now();
  let ok = 0;
  for (const tx of txs) if ((await mempool.acceptToMemoryPool(tx)).valid) ok++;
  const acceptMs = performance.now() - t0;
  report('acceptToMemoryPool throughput', (ok / acceptMs) * 1000, 'tx/s', `${ok} of ${N} accepted`);

  const t1 = performance.now();
  const sel = mempool.selectForBlock();
  const selectMs = performance.now() - t1;
  report(
    'selectForBlock over full mempool',
    selectMs,
    'ms',
    `${sel.length} of ${mempool.size()} txs selected`,
  );
}
