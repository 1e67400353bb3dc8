/**
 * Reject reasons a serialized block cannot reach (as in Core): a transaction without inputs
 * (its encoding reads as a segwit marker), an oversize transaction (the block's size check comes
 * first), input values out of range (no such coins exist). Checked on the functions and on a
 * block object handed straight to the chainstate.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Block, Transaction, getChainParams } from '@bitcoind-lite/consensus';
import { MAX_MONEY_SATS, checkTransaction, checkTxInputs } from '../src/index.js';
import { TestClock, buildBlock, openChain, spendTx, tempDir } from './helpers.js';

const params = getChainParams('regtest');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const prev = { txid: new Uint8Array(32).fill(1), vout: 0, value: 5000n };

describe('transaction reject reasons not reachable through block bytes', () => {
  it('bad-txns-vin-empty on a block object given to processNewBlock; the tip stays', async () => {
    const t = await tempDir();
    cleanups.push(t.cleanup);
    const cm = await openChain(t.dir, params, new TestClock(1_900_000_000));
    const noInputs = new Transaction(2, [], [{ value: 1n, scriptPubKey: Uint8Array.of(0x51) }], 0);
    const good = buildBlock(cm.activeChain.tip(), params, { txs: [noInputs] });
    const r = await cm.processNewBlock(new Block(good.header, good.txs));
    expect(r.state.rejectReason).toBe('bad-txns-vin-empty');
    expect(cm.activeChain.height()).toBe(0);
    await cm.close();
  });

  it('bad-txns-oversize', () => {
    const t = spendTx([prev], 0n);
    const big = new Transaction(
      2,
      t.vin,
      [{ value: 0n, scriptPubKey: new Uint8Array(1_000_001) }],
      0,
    );
    expect(checkTransaction(big)).toEqual({ reason: 'bad-txns-oversize' });
  });

  it('bad-txns-inputvalues-outofrange and the coinbase maturity depth in the debug text', () => {
    const t = spendTx([prev, { ...prev, vout: 1 }], 0n);
    const coin = (value: bigint, isCoinbase = false, height = 1) => ({
      out: { value, scriptPubKey: Uint8Array.of(0x51) },
      height,
      isCoinbase,
    });
    expect(checkTxInputs(t, [coin(MAX_MONEY_SATS), coin(1n)], 200, 100)).toMatchObject({
      reason: 'bad-txns-inputvalues-outofrange',
    });
    expect(checkTxInputs(t, [coin(MAX_MONEY_SATS + 1n), coin(1n)], 200, 100)).toMatchObject({
      reason: 'bad-txns-inputvalues-outofrange',
    });
    expect(checkTxInputs(t, [coin(5000n, true, 150), coin(5000n)], 200, 100)).toEqual({
      reason: 'bad-txns-premature-spend-of-coinbase',
      debug: 'tried to spend coinbase at depth 50',
    });
    expect(checkTxInputs(t, [coin(5000n), undefined], 200, 100)).toMatchObject({
      reason: 'bad-txns-inputs-missingorspent',
    });
    expect(checkTxInputs(t, [coin(5000n), coin(5000n)], 200, 100)).toEqual({ feeSats: 0n });
  });
});
