/**
 * mempool.dat on a real node process (Core's mempool_persist.py in small): it survives a clean
 * restart; a truncated file is reported in the log and ignored, and the node starts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TestNode } from './framework/test-node.js';
import { matureCoinbases, TestWallet } from './framework/bitcoinjs-wallet.js';

let node: TestNode | undefined;
afterAll(async () => {
  await node?.stop();
});

describe('mempool_persist', () => {
  it('keeps the mempool across a clean restart; a truncated mempool.dat is reported and ignored', async () => {
    node = await TestNode.start({ noP2P: true, outbound: false });
    const wallet = new TestWallet(9);
    const [coin] = await matureCoinbases(node, wallet, 1);
    const tx = wallet.payToSelf(coin!, 1000n);
    await node.rpc('sendrawtransaction', tx.hex);
    expect(await node.rpc('savemempool')).toEqual({
      filename: expect.stringMatching(/mempool\.dat$/),
    });
    await node.stop();

    await node.launch();
    expect(await node.rpc('getrawmempool')).toEqual([tx.txid]);
    expect(await node.rpc('getmempoolinfo')).toMatchObject({ loaded: true, size: 1 });
    expect(node.output).toMatch(/Imported mempool transactions from disk: 1 succeeded/);
    await node.stop();

    const file = join(node.netDir, 'mempool.dat');
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 20));
    await node.launch();
    expect(node.output).toMatch(/Failed to deserialize mempool data on file/);
    expect(await node.rpc('getmempoolinfo')).toMatchObject({ loaded: true });
    expect(await node.rpc('getblockcount')).toBe(101);
  }, 180_000);
});
