/**
 * With `mempoolfullrbf: 0` (Core before 28 by default), a transaction that conflicts with an
 * in-mempool one that does not signal BIP125 is refused with Core's "txn-mempool-conflict", and
 * the mempool is unchanged; one that signals can be replaced. With the default (full RBF), the
 * same non-signalling transaction is replaceable.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TestWallet, type Utxo } from './framework/bitcoinjs-wallet.js';
import { catchRpcError, startRpcOnlyNodeWithCoins } from './framework/rpc-only-node.js';
import type { TestNode } from './framework/test-node.js';

const FINAL_NO_RBF = 0xfffffffe; // above 0xfffffffd: does not signal BIP125
const nodes: TestNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop();
});

function spendTo(wallet: TestWallet, coin: Utxo, feeSats: bigint, sequence: number) {
  return wallet.spend([coin], [{ to: wallet.address, valueSats: coin.valueSats - feeSats }], {
    sequence,
  });
}

describe('mempool_conflict', () => {
  it('refuses a conflict with a non-signalling transaction when full RBF is off', async () => {
    const wallet = new TestWallet(21);
    const { node, coins } = await startRpcOnlyNodeWithCoins(wallet, 2, { mempoolfullrbf: 0 });
    nodes.push(node);
    const first = spendTo(wallet, coins[0]!, 1_000n, FINAL_NO_RBF);
    expect(await node.rpc('sendrawtransaction', first.hex)).toBe(first.txid);
    const conflict = spendTo(wallet, coins[0]!, 50_000n, FINAL_NO_RBF);
    const err = await catchRpcError(node, 'sendrawtransaction', conflict.hex);
    expect(err.code).toBe(-26);
    expect(err.message).toBe('txn-mempool-conflict');
    expect(await node.rpc('getrawmempool')).toEqual([first.txid]);

    // A signalling original can be replaced even with full RBF off.
    const signalling = spendTo(wallet, coins[1]!, 1_000n, 0xfffffffd);
    await node.rpc('sendrawtransaction', signalling.hex);
    const replacement = spendTo(wallet, coins[1]!, 50_000n, 0xfffffffd);
    expect(await node.rpc('sendrawtransaction', replacement.hex)).toBe(replacement.txid);
    expect(((await node.rpc<string[]>('getrawmempool')) ?? []).sort()).toEqual(
      [first.txid, replacement.txid].sort(),
    );
  });

  it('replaces a non-signalling transaction under full RBF (the default)', async () => {
    const wallet = new TestWallet(22);
    const { node, coins } = await startRpcOnlyNodeWithCoins(wallet, 1);
    nodes.push(node);
    const first = spendTo(wallet, coins[0]!, 1_000n, FINAL_NO_RBF);
    await node.rpc('sendrawtransaction', first.hex);
    const replacement = spendTo(wallet, coins[0]!, 50_000n, FINAL_NO_RBF);
    expect(await node.rpc('sendrawtransaction', replacement.hex)).toBe(replacement.txid);
    expect(await node.rpc('getrawmempool')).toEqual([replacement.txid]);
  });
});
