/**
 * Child process for the crash test: opens the datadir given as argv[2] and mines regtest blocks
 * forever (each spending a matured coinbase into three outputs), with a tiny dbcache so coins are
 * flushed often. Prints "height N" after each block. The parent kills it with SIGKILL.
 */
import { getChainParams } from '@bitcoind-lite/consensus';
import { openDirCapability } from '@bitcoind-lite/storage/host';
import { TestClock, buildBlock, openChain, spendTx } from './helpers.js';

const params = getChainParams('regtest');
const dir = await openDirCapability(process.argv[2]!);
const cm = await openChain(dir, params, new TestClock(1_900_000_000), { dbcacheMiB: 0.02 });
process.stdout.write(`start ${cm.activeChain.height()}\n`);
for (;;) {
  const tip = cm.activeChain.tip();
  const txs = [];
  let fees = 0n;
  if (tip.height + 1 > 100) {
    const old = await cm.readBlock(cm.activeChain.at(tip.height + 1 - 100)!);
    const cb = old.txs[0]!;
    txs.push(spendTx([{ txid: cb.txid(), vout: 0, value: cb.vout[0]!.value }], 1000n, 3));
    fees = 1000n;
  }
  const b = buildBlock(tip, params, { txs, feesSats: fees });
  const r = await cm.processNewBlock(b);
  if (!r.state.valid) {
    process.stderr.write(`rejected: ${r.state.rejectReason}\n`);
    process.exit(2);
  }
  if (cm.activeChain.height() % 7 === 0) await cm.flush();
  process.stdout.write(`height ${cm.activeChain.height()}\n`);
}
