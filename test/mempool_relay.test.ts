/**
 * Issue 6, "Done when" 1 across two real node processes over 127.0.0.1: a bitcoinjs-signed
 * spend of a matured coinbase sent to node 0 reaches node 1's mempool by P2P relay, is mined by
 * generatetoaddress on node 0, and leaves both mempools.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestNode } from './framework/test-node.js';
import { matureCoinbases, TestWallet, type Utxo } from './framework/bitcoinjs-wallet.js';

let node0: TestNode;
let node1: TestNode;
const wallet = new TestWallet(5);

let coin: Utxo;
beforeAll(async () => {
  node0 = await TestNode.start({
    outbound: false,
    args: { debug: ['net', 'mempool', 'mempoolrej'] },
  });
  // Mined before the peer connects, so node 1 syncs them from node 0 (as p2p_sync does).
  [coin] = (await matureCoinbases(node0, wallet, 1)) as [Utxo];
  node1 = await TestNode.start({
    args: { connect: [`127.0.0.1:${node0.p2pPort}`], debug: ['net', 'mempool', 'mempoolrej'] },
    noP2P: true,
  });
}, 120_000);
afterAll(async () => {
  await node1?.stop();
  await node0?.stop();
});

describe('mempool_relay', () => {
  it('accepts a bitcoinjs-signed transaction on node 0, relays it to node 1; mined, it leaves both mempools', async () => {
    const height = await node0.rpc<number>('getblockcount');
    await node1.waitFor(async () => (await node1.rpc('getblockcount')) === height, 'sync', 60_000);

    const tx = wallet.payToSelf(coin, 1000n);
    expect(await node0.rpc('sendrawtransaction', tx.hex)).toBe(tx.txid);
    expect(await node0.rpc('getrawmempool')).toEqual([tx.txid]);
    // Relayed by wtxid inv (BIP339), fetched with getdata, accepted into node 1's mempool.
    await node1.waitFor(
      async () => ((await node1.rpc<string[]>('getrawmempool')) ?? []).includes(tx.txid),
      'the transaction in node 1 mempool',
      30_000,
    );

    const [hash] = await node0.rpc<string[]>('generatetoaddress', 1, wallet.address);
    expect((await node0.rpc<{ tx: string[] }>('getblock', hash, 1)).tx).toContain(tx.txid);
    await node1.waitFor(
      async () => (await node1.rpc('getblockcount')) === height + 1,
      'the block on node 1',
      30_000,
    );
    expect(await node0.rpc('getrawmempool')).toEqual([]);
    expect(await node1.rpc('getrawmempool')).toEqual([]);
  }, 180_000);
});
