/**
 * Mempool expiry on a real node process (Core's mempool_expiry.py): with `mempoolexpiry` in
 * hours and the clock moved by the hidden `setmocktime` RPC, a transaction older than the expiry
 * (and its in-mempool child) leaves the mempool when the next acceptance runs LimitMempoolSize;
 * one second short of the expiry it stays. Also setmocktime's own errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNode } from './framework/test-node.js';
import { catchRpcError, startRpcOnlyNodeWithCoins } from './framework/rpc-only-node.js';
import { TestWallet, type Utxo } from './framework/bitcoinjs-wallet.js';

const EXPIRY_HOURS = 2;
let node: TestNode;
const wallet = new TestWallet(21);
let coins: Utxo[];

beforeAll(async () => {
  ({ node, coins } = await startRpcOnlyNodeWithCoins(wallet, 3, {
    mempoolexpiry: EXPIRY_HOURS,
    debug: ['mempool'],
  }));
}, 120_000);
afterAll(async () => {
  await node?.stop();
});

const rpcError = (method: string, ...params: unknown[]) => catchRpcError(node, method, ...params);

describe('mempool_expiry', () => {
  it('setmocktime: Core errors for a negative or too large time', async () => {
    const neg = await rpcError('setmocktime', -1);
    expect([neg.code, neg.message]).toEqual([
      -8,
      'Mocktime must be in the range [0, 9223372036], not -1.',
    ]);
    const big = await rpcError('setmocktime', 9223372037);
    expect([big.code, big.message]).toEqual([
      -8,
      'Mocktime must be in the range [0, 9223372036], not 9223372037.',
    ]);
    const missing = await rpcError('setmocktime');
    expect(missing.code).toBe(-1);
    // Hidden, as in Core: not in the help listing, but help for it works.
    expect(await node.rpc<string>('help')).not.toMatch(/setmocktime/);
  });

  it('expires a transaction and its child after mempoolexpiry hours, not before', async () => {
    const t0 = Math.floor(Date.now() / 1000) + 10;
    expect(await node.rpc('setmocktime', t0)).toBeNull();

    const parent = wallet.payToSelf(coins[0]!, 1000n);
    await node.rpc('sendrawtransaction', parent.hex);
    const parentEntry = await node.rpc<{ time: number }>('getmempoolentry', parent.txid);
    expect(parentEntry.time).toBe(t0);

    // The child enters half-way, so it alone would not be old enough: it leaves with its parent.
    await node.rpc('setmocktime', t0 + 3600);
    const child = wallet.payToSelf(
      { txid: parent.txid, vout: 0, valueSats: coins[0]!.valueSats - 1000n },
      1000n,
    );
    await node.rpc('sendrawtransaction', child.hex);
    expect((await node.rpc<{ time: number }>('getmempoolentry', child.txid)).time).toBe(t0 + 3600);

    // One second before the expiry: a new acceptance runs the expiry, nothing is old enough.
    await node.rpc('setmocktime', t0 + EXPIRY_HOURS * 3600 - 1);
    const trigger1 = wallet.payToSelf(coins[1]!, 1000n);
    await node.rpc('sendrawtransaction', trigger1.hex);
    expect(new Set(await node.rpc<string[]>('getrawmempool'))).toEqual(
      new Set([parent.txid, child.txid, trigger1.txid]),
    );

    // Past the expiry: the next acceptance removes the parent and, with it, the child.
    await node.rpc('setmocktime', t0 + EXPIRY_HOURS * 3600 + 1);
    const trigger2 = wallet.payToSelf(coins[2]!, 1000n);
    await node.rpc('sendrawtransaction', trigger2.hex);
    expect(new Set(await node.rpc<string[]>('getrawmempool'))).toEqual(
      new Set([trigger1.txid, trigger2.txid]),
    );
    const gone = await rpcError('getmempoolentry', parent.txid);
    expect([gone.code, gone.message]).toEqual([-5, 'Transaction not in mempool']);
    expect(node.output).toMatch(/Expired 2 transactions from the memory pool/);

    // The expired parent can be sent again: it was removed, not marked invalid.
    expect(await node.rpc('sendrawtransaction', parent.hex)).toBe(parent.txid);
    expect(await node.rpc('setmocktime', 0)).toBeNull();
  });
});
