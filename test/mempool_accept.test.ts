/**
 * Mempool admission on a real node process (Core's mempool_accept.py, mempool_limit and
 * feature_rbf in small): a transaction signed by bitcoinjs-lib spending a matured regtest
 * coinbase is accepted, mined and leaves the mempool; each reject reason arrives through
 * sendrawtransaction / testmempoolaccept with Core's code and text, and the mempool is unchanged
 * after it; replace-by-fee and the ancestor limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNode } from './framework/test-node.js';
import { catchRpcError, startRpcOnlyNodeWithCoins } from './framework/rpc-only-node.js';
import { TestWallet, type SignedTx, type Utxo } from './framework/bitcoinjs-wallet.js';

let node: TestNode;
const wallet = new TestWallet(1);
const other = new TestWallet(2);
let coins: Utxo[];
let next = 0;
const coin = (): Utxo => coins[next++]!;

beforeAll(async () => {
  ({ node, coins } = await startRpcOnlyNodeWithCoins(wallet, 30, {
    permitbaremultisig: false,
    datacarriersize: 42,
  }));
}, 120_000);
afterAll(async () => {
  await node?.stop();
});

const rpcError = (method: string, ...params: unknown[]) => catchRpcError(node, method, ...params);

/** Core's minimum relay fee at 100 sat/kvB (Core 30's -minrelaytxfee), rounded up. */
const minRelayFee = (vsize: number) => Math.ceil((vsize * 100) / 1000);

interface EntryJson {
  vsize: number;
  weight: number;
  ancestorcount: number;
  descendantcount: number;
  wtxid: string;
  fees: { base: number; modified: number; ancestor: number; descendant: number };
  depends: string[];
  spentby: string[];
  'bip125-replaceable': boolean;
  unbroadcast: boolean;
}

describe('mempool_accept', () => {
  it('accepts a bitcoinjs-signed spend of a matured coinbase, mines it, and it leaves the mempool', async () => {
    const input = coin();
    const tx = wallet.payToSelf(input, 1000n);
    const [test] = await node.rpc<Record<string, unknown>[]>('testmempoolaccept', [tx.hex]);
    expect(test).toEqual({
      txid: tx.txid,
      wtxid: expect.any(String),
      allowed: true,
      vsize: tx.vsize,
      fees: {
        base: 0.00001,
        'effective-feerate': Number((1000n * 1000n) / BigInt(tx.vsize)) / 1e8,
        'effective-includes': [test!['wtxid']],
      },
    });
    expect(await node.rpc('getrawmempool')).toEqual([]);

    expect(await node.rpc('sendrawtransaction', tx.hex)).toBe(tx.txid);
    expect(await node.rpc('getrawmempool')).toEqual([tx.txid]);
    const entry = await node.rpc<EntryJson>('getmempoolentry', tx.txid);
    expect(entry.vsize).toBe(tx.vsize);
    expect(entry.fees).toEqual({
      base: 0.00001,
      modified: 0.00001,
      ancestor: 0.00001,
      descendant: 0.00001,
    });
    expect(entry.ancestorcount).toBe(1);
    expect(entry['bip125-replaceable']).toBe(true);
    expect(await node.rpc('getrawtransaction', tx.txid)).toBe(tx.hex);
    const info = await node.rpc<Record<string, unknown>>('getmempoolinfo');
    expect(info).toMatchObject({ loaded: true, size: 1, bytes: tx.vsize, total_fee: 0.00001 });
    // Submitting it again is not an error (Core returns the txid).
    expect(await node.rpc('sendrawtransaction', tx.hex)).toBe(tx.txid);

    const [blockHash] = await node.rpc<string[]>('generatetoaddress', 1, other.address);
    const block = await node.rpc<{ tx: string[] }>('getblock', blockHash, 1);
    expect(block.tx).toContain(tx.txid);
    expect(await node.rpc('getrawmempool')).toEqual([]);
    const confirmed = await node.rpc<Record<string, unknown>>(
      'getrawtransaction',
      tx.txid,
      1,
      blockHash,
    );
    expect(confirmed).toMatchObject({ in_active_chain: true, txid: tx.txid, confirmations: 1 });

    const again = await rpcError('sendrawtransaction', tx.hex);
    expect([again.code, again.message]).toEqual([-27, 'Transaction outputs already in utxo set']);
  });

  describe('reject reasons: exact text, mempool unchanged', () => {
    let resident: SignedTx;
    beforeAll(async () => {
      // One transaction stays in the mempool, so "unchanged" is checked against a non-empty pool.
      resident = wallet.payToSelf(coin(), 2000n);
      await node.rpc('sendrawtransaction', resident.hex);
    });

    const pubkeyHex = () => Buffer.from(wallet.key.publicKey).toString('hex');
    const tipHeight = () => node.rpc<number>('getblockcount');

    const cases: {
      name: string;
      build: () => Promise<SignedTx>;
      code: number;
      message: (t: SignedTx) => string;
    }[] = [
      {
        name: 'dust',
        build: async () => {
          const c = coin();
          return wallet.spend(
            [c],
            [
              { to: wallet.address, valueSats: c.valueSats - 2000n },
              { to: other.address, valueSats: 100n },
            ],
          );
        },
        code: -26,
        // Core 30: one dust output is allowed only in a 0-fee (ephemeral) transaction.
        message: () => 'dust, tx with dust output must be 0-fee',
      },
      {
        name: 'scriptpubkey',
        build: async () => {
          const c = coin();
          return wallet.spend([c], [{ to: 'script:51', valueSats: c.valueSats - 2000n }]);
        },
        code: -26,
        message: () => 'scriptpubkey',
      },
      {
        name: 'bare-multisig',
        build: async () => {
          const c = coin();
          const script = `5121${pubkeyHex()}51ae`;
          return wallet.spend([c], [{ to: `script:${script}`, valueSats: c.valueSats - 2000n }]);
        },
        code: -26,
        message: () => 'bare-multisig',
      },
      {
        name: 'datacarrier',
        build: async () => {
          const c = coin();
          return wallet.spend(
            [c],
            [
              { to: wallet.address, valueSats: c.valueSats - 2000n },
              { to: `script:6a29${'ab'.repeat(41)}`, valueSats: 0n },
            ],
          );
        },
        code: -26,
        message: () => 'datacarrier',
      },
      {
        name: 'version',
        build: async () => wallet.payToSelf(coin(), 2000n, { version: 4 }),
        code: -26,
        message: () => 'version',
      },
      {
        name: 'tx-size',
        build: async () => {
          const c = coin();
          const outs = Array.from({ length: 3300 }, () => ({
            to: other.address,
            valueSats: 100_000n,
          }));
          return wallet.spend([c], outs);
        },
        code: -26,
        message: () => 'tx-size',
      },
      {
        name: 'min relay fee not met',
        build: async () => wallet.payToSelf(coin(), 0n),
        code: -26,
        message: (t) => `min relay fee not met, 0 < ${minRelayFee(t.vsize)}`,
      },
      {
        name: 'non-final',
        build: async () =>
          wallet.payToSelf(coin(), 2000n, {
            locktime: (await tipHeight()) + 10,
            sequence: 0xfffffffe,
          }),
        code: -26,
        message: () => 'non-final',
      },
      {
        name: 'non-BIP68-final',
        build: async () => wallet.payToSelf(coin(), 2000n, { version: 2, sequence: 500 }),
        code: -26,
        message: () => 'non-BIP68-final',
      },
      {
        name: 'bad-txns-inputs-missingorspent',
        build: async () =>
          wallet.payToSelf({ txid: '11'.repeat(32), vout: 0, valueSats: 100_000n }, 2000n),
        code: -25,
        message: () => 'bad-txns-inputs-missingorspent',
      },
    ];

    for (const c of cases) {
      it(c.name, async () => {
        const before = await node.rpc<string[]>('getrawmempool', false, true);
        const tx = await c.build();
        const err = await rpcError('sendrawtransaction', tx.hex);
        expect([err.code, err.message]).toEqual([c.code, c.message(tx)]);
        expect(await node.rpc('getrawmempool', false, true)).toEqual(before);
        expect(await node.rpc('getrawmempool')).toEqual([resident.txid]);
      });
    }

    it('testmempoolaccept prints missing-inputs and the reject details', async () => {
      const missing = wallet.payToSelf(
        { txid: '22'.repeat(32), vout: 1, valueSats: 100_000n },
        2000n,
      );
      const [r] = await node.rpc<Record<string, unknown>[]>('testmempoolaccept', [missing.hex]);
      expect(r).toMatchObject({
        txid: missing.txid,
        allowed: false,
        'reject-reason': 'missing-inputs',
      });
      const zeroFee = wallet.payToSelf(coin(), 0n);
      const [z] = await node.rpc<Record<string, unknown>[]>('testmempoolaccept', [zeroFee.hex]);
      expect(z).toMatchObject({
        allowed: false,
        'reject-reason': 'min relay fee not met',
        'reject-details': `min relay fee not met, 0 < ${minRelayFee(zeroFee.vsize)}`,
      });
      const [dup] = await node.rpc<Record<string, unknown>[]>('testmempoolaccept', [resident.hex]);
      expect(dup).toMatchObject({ allowed: false, 'reject-reason': 'txn-already-in-mempool' });
      expect(await node.rpc('getrawmempool')).toEqual([resident.txid]);
    });

    it('sendrawtransaction maxfeerate and maxburnamount', async () => {
      const c = coin();
      const pricey = wallet.payToSelf(c, 2_000_000n); // ~0.18 BTC/kvB, above the 0.10 default
      const err = await rpcError('sendrawtransaction', pricey.hex);
      expect([err.code, err.message]).toEqual([
        -25,
        'Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)',
      ]);
      const burn = wallet.spend(
        [coin()],
        [
          { to: wallet.address, valueSats: 1_000_000n },
          { to: 'script:6a0401020304', valueSats: 1000n },
        ],
      );
      const e2 = await rpcError('sendrawtransaction', burn.hex, 0);
      expect([e2.code, e2.message]).toEqual([
        -25,
        'Unspendable output exceeds maximum configured by user (maxburnamount)',
      ]);
      const e3 = await rpcError('sendrawtransaction', pricey.hex, 1);
      expect([e3.code, e3.message]).toEqual([
        -8,
        'Fee rates larger than or equal to 1BTC/kvB are not accepted',
      ]);
      expect(await node.rpc('getrawmempool')).toEqual([resident.txid]);
      // maxfeerate 0 accepts any rate.
      expect(await node.rpc('sendrawtransaction', pricey.hex, 0)).toBe(pricey.txid);
      await node.rpc('generatetoaddress', 1, other.address);
    });
  });

  it('replace-by-fee: too small a fee is "insufficient fee"; a higher one replaces', async () => {
    const c = coin();
    const first = wallet.payToSelf(c, 1000n);
    await node.rpc('sendrawtransaction', first.hex);
    const same = wallet.spend([c], [{ to: other.address, valueSats: c.valueSats - 1000n }]);
    const err = await rpcError('sendrawtransaction', same.hex);
    const rate = `0.0000${String(Math.floor((1000 * 1000) / first.vsize)).padStart(4, '0')} BTC/kvB`;
    expect([err.code, err.message]).toEqual([
      -26,
      `insufficient fee, rejecting replacement ${same.txid}; new feerate ${rate} <= old feerate ${rate}`,
    ]);
    expect(await node.rpc('getrawmempool')).toEqual([first.txid]);

    const better = wallet.spend([c], [{ to: other.address, valueSats: c.valueSats - 5000n }]);
    expect(await node.rpc('sendrawtransaction', better.hex)).toBe(better.txid);
    expect(await node.rpc('getrawmempool')).toEqual([better.txid]);
    await node.rpc('generatetoaddress', 1, other.address);
    expect(await node.rpc('getrawmempool')).toEqual([]);
  });

  it('ancestor limit: 25 in a chain, the 26th is too-long-mempool-chain', async () => {
    let prev: Utxo = coin();
    const chain: string[] = [];
    for (let i = 0; i < 25; i++) {
      const tx = wallet.payToSelf(prev, 1000n);
      expect(await node.rpc('sendrawtransaction', tx.hex)).toBe(tx.txid);
      chain.push(tx.txid);
      prev = { txid: tx.txid, vout: 0, valueSats: prev.valueSats - 1000n };
    }
    const before = await node.rpc<string[]>('getrawmempool');
    const tooLong = wallet.payToSelf(prev, 1000n);
    const err = await rpcError('sendrawtransaction', tooLong.hex);
    expect([err.code, err.message]).toEqual([
      -26,
      'too-long-mempool-chain, too many unconfirmed ancestors [limit: 25]',
    ]);
    expect(await node.rpc('getrawmempool')).toEqual(before);
    expect((await node.rpc<string[]>('getmempoolancestors', chain[24])).sort()).toEqual(
      chain.slice(0, 24).sort(),
    );
    expect((await node.rpc<string[]>('getmempooldescendants', chain[0])).length).toBe(24);
    const verbose = await node.rpc<Record<string, EntryJson>>(
      'getmempoolancestors',
      chain[1],
      true,
    );
    expect(Object.keys(verbose)).toEqual([chain[0]]);
    expect(verbose[chain[0]!]!.descendantcount).toBe(25);

    const e = await rpcError('getmempoolentry', tooLong.txid);
    expect([e.code, e.message]).toEqual([-5, 'Transaction not in mempool']);

    // The block takes all 25 (parents before children), and the mempool empties.
    const [h] = await node.rpc<string[]>('generatetoaddress', 1, other.address);
    const block = await node.rpc<{ tx: string[] }>('getblock', h, 1);
    expect(block.tx.slice(1)).toEqual(chain);
    expect(await node.rpc('getrawmempool')).toEqual([]);
  });

  it('prioritisetransaction and getprioritisedtransactions', async () => {
    const tx = wallet.payToSelf(coin(), 1000n);
    await node.rpc('sendrawtransaction', tx.hex);
    expect(await node.rpc('prioritisetransaction', tx.txid, 0, 5000)).toBe(true);
    const entry = await node.rpc<EntryJson>('getmempoolentry', tx.txid);
    expect(entry.fees.modified).toBe(0.00006);
    expect(await node.rpc('getprioritisedtransactions')).toEqual({
      [tx.txid]: { fee_delta: 5000, in_mempool: true, modified_fee: 6000 },
    });
    const err = await rpcError('prioritisetransaction', tx.txid, 1, 5000);
    expect([err.code, err.message]).toEqual([
      -8,
      'Priority is no longer supported, dummy argument to prioritisetransaction must be 0.',
    ]);
    // Blocks mined above confirmed transactions paying ~9 sat/vB: the estimator has data.
    const est = await node.rpc<{ feerate: number; blocks: number }>('estimatesmartfee', 2);
    expect(est.feerate).toBeGreaterThan(0.000001);
    expect(est.feerate).toBeLessThanOrEqual(0.0001);
    expect(est.blocks).toBeGreaterThanOrEqual(1);
    expect(est.blocks).toBeLessThanOrEqual(2);
    await node.rpc('generatetoaddress', 1, other.address);
  });
});
