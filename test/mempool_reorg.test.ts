/**
 * The mempool across reorgs on a real node process (Core's mempool_reorg.py logic):
 * transactions of blocks disconnected by `invalidateblock` return to the mempool; those that no
 * longer fit the shorter chain leave it with their descendants: a spend of a coinbase that is
 * immature again, and a transaction whose locktime is not final any more. `reconsiderblock`
 * connects the blocks again and the transactions they hold leave the mempool.
 *
 * Heights: the wallet's coinbases are at 1..4, the tip at 103, so a coinbase at height h can be
 * spent in the next block while tip >= h + 99 (COINBASE_MATURITY 100).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNode } from './framework/test-node.js';
import { catchRpcError, startRpcOnlyNode } from './framework/rpc-only-node.js';
import { TestWallet, toSats, type Utxo } from './framework/bitcoinjs-wallet.js';

let node: TestNode;
const wallet = new TestWallet(51);
const other = new TestWallet(52);
/** coinbase[h] is the wallet's coinbase output at height h (1..4). */
const coinbase: Utxo[] = [];
const blockAt: string[] = [];

beforeAll(async () => {
  node = await startRpcOnlyNode();
  const mine = await node.rpc<string[]>('generatetoaddress', 4, wallet.address);
  for (const [i, h] of mine.entries()) {
    const b = await node.rpc<{ tx: { txid: string; vout: { value: number }[] }[] }>(
      'getblock',
      h,
      2,
    );
    coinbase[i + 1] = { txid: b.tx[0]!.txid, vout: 0, valueSats: toSats(b.tx[0]!.vout[0]!.value) };
  }
  await node.rpc('generatetoaddress', 99, other.address);
}, 120_000);
afterAll(async () => {
  await node?.stop();
});

const pool = async () => new Set(await node.rpc<string[]>('getrawmempool'));
const height = () => node.rpc<number>('getblockcount');

const rpcError = (method: string, ...params: unknown[]) => catchRpcError(node, method, ...params);

describe('mempool_reorg', () => {
  it('re-adds disconnected transactions, drops immature coinbase spends and non-final ones, and reconsiderblock clears them again', async () => {
    expect(await height()).toBe(103);
    const fee = 1_000n;
    const child = (parent: { txid: string }, valueSats: bigint) =>
      wallet.payToSelf({ txid: parent.txid, vout: 0, valueSats }, fee);

    // Coinbase 4 is spendable only from tip 103 on: one block short, it is premature.
    const spend3 = wallet.payToSelf(coinbase[4]!, fee);
    const spend2 = wallet.payToSelf(coinbase[3]!, fee);
    const spend1 = wallet.payToSelf(coinbase[2]!, fee);
    const spend3child = child(spend3, coinbase[4]!.valueSats - fee);
    const spend2child = child(spend2, coinbase[3]!.valueSats - fee);

    await node.rpc('sendrawtransaction', spend2.hex);
    await node.rpc('sendrawtransaction', spend3.hex);
    blockAt[104] = (await node.rpc<string[]>('generatetoaddress', 1, other.address))[0]!;
    await node.rpc('sendrawtransaction', spend3child.hex);
    blockAt[105] = (await node.rpc<string[]>('generatetoaddress', 1, other.address))[0]!;
    expect(await pool()).toEqual(new Set());
    const in104 = (await node.rpc<{ tx: string[] }>('getblock', blockAt[104], 1)).tx;
    expect(in104).toEqual(expect.arrayContaining([spend2.txid, spend3.txid]));

    // Locked to height 105: final in block 106 (BIP113/IsFinalTx: locktime < height), not in 105.
    const timelocked = wallet.payToSelf(coinbase[1]!, fee, { locktime: 105 });
    const early = wallet.payToSelf(coinbase[1]!, fee, { locktime: 106 });
    const nonFinal = await rpcError('sendrawtransaction', early.hex);
    expect([nonFinal.code, nonFinal.message]).toEqual([-26, 'non-final']);
    for (const tx of [spend1, spend2child, timelocked]) {
      await node.rpc('sendrawtransaction', tx.hex);
    }
    expect(await pool()).toEqual(new Set([spend1.txid, spend2child.txid, timelocked.txid]));

    // Tip 104: block 105's transaction is back; the timelocked one is not final any more.
    expect(await node.rpc('invalidateblock', blockAt[105])).toBeNull();
    expect(await height()).toBe(104);
    expect(await pool()).toEqual(new Set([spend1.txid, spend2child.txid, spend3child.txid]));
    const entry = await node.rpc<{ depends: string[] }>('getmempoolentry', spend3child.txid);
    expect(entry.depends).toEqual([]); // its parent is still confirmed in block 104

    // Tip 102: block 104's transactions come back, but coinbase 4 is immature again: its spend
    // and the child leave; the spend of coinbase 3 is still valid and is re-added under its child.
    blockAt[103] = await node.rpc<string>('getblockhash', 103);
    await node.rpc('invalidateblock', blockAt[103]);
    expect(await height()).toBe(102);
    expect(await pool()).toEqual(new Set([spend1.txid, spend2.txid, spend2child.txid]));
    const reAdded = await node.rpc<{ spentby: string[]; ancestorcount: number }>(
      'getmempoolentry',
      spend2.txid,
    );
    expect(reAdded.spentby).toEqual([spend2child.txid]);
    expect(
      (await node.rpc<{ ancestorcount: number }>('getmempoolentry', spend2child.txid))
        .ancestorcount,
    ).toBe(2);
    const immature = await rpcError('sendrawtransaction', spend3.hex);
    expect([immature.code, immature.message]).toEqual([
      -26,
      'bad-txns-premature-spend-of-coinbase, tried to spend coinbase at depth 99',
    ]);

    // Tip 101: coinbase 3 is immature too; only the spend of coinbase 2 is left.
    await node.rpc('invalidateblock', await node.rpc<string>('getblockhash', 102));
    expect(await height()).toBe(101);
    expect(await pool()).toEqual(new Set([spend1.txid]));

    // reconsiderblock: back to tip 105 (blocks 102..105 are the best chain again). Their
    // transactions are confirmed, so none is in the mempool; spend1 was never mined and stays.
    expect(await node.rpc('reconsiderblock', blockAt[103])).toBeNull();
    expect(await node.rpc('getbestblockhash')).toBe(blockAt[105]);
    expect(await pool()).toEqual(new Set([spend1.txid]));
    // The timelocked transaction and the child of spend2 were dropped, not re-added: send again.
    await node.rpc('sendrawtransaction', spend2child.hex);
    await node.rpc('sendrawtransaction', timelocked.hex);
    const [last] = await node.rpc<string[]>('generatetoaddress', 1, other.address);
    const mined = (await node.rpc<{ tx: string[] }>('getblock', last, 1)).tx;
    expect(mined).toEqual(expect.arrayContaining([spend1.txid, spend2child.txid, timelocked.txid]));
    expect(await pool()).toEqual(new Set());
  });
});
