/**
 * BIP158 filters served by a real node started with `blockfilterindex: basic`: getblockfilter's
 * filter equals one rebuilt independently from the block, headers chain from genesis, and the
 * index survives a restart. Without the option, Core's "Index is not enabled" error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Block,
  BlockFilter,
  computeFilterHeader,
  fromHex,
  reverseBytes,
  toHex,
} from '@bitcoind-lite/consensus';
import { TestNode } from './framework/test-node.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
let node: TestNode;
beforeAll(async () => {
  node = await TestNode.start({
    noP2P: true,
    outbound: false,
    args: { blockfilterindex: 'basic' },
  });
});
afterAll(async () => {
  await node.stop();
});

describe('rpc_getblockfilter on a node', () => {
  it('serves filters that match the blocks and chain their headers', async () => {
    const hashes = await node.rpc<string[]>('generatetoaddress', 5, ADDR);
    await node.waitFor(
      async () => {
        const r = await node
          .rpc<{ filter: string }>('getblockfilter', hashes[4])
          .catch(() => undefined);
        return r !== undefined;
      },
      'the index to catch up',
      30_000,
    );
    let prevHeader: Uint8Array = new Uint8Array(32);
    const genesis = await node.rpc<string>('getblockhash', 0);
    for (const hash of [genesis, ...hashes]) {
      const r = await node.rpc<{ filter: string; header: string }>('getblockfilter', hash);
      const block = Block.decode(fromHex(await node.rpc<string>('getblock', hash, 0)));
      // Coinbase-only blocks spend nothing: the filter is built from their outputs alone.
      const rebuilt = BlockFilter.basic(block, []);
      expect(r.filter).toBe(toHex(rebuilt.encoded));
      const header = computeFilterHeader(rebuilt.hash(), prevHeader);
      expect(r.header).toBe(toHex(reverseBytes(header)));
      prevHeader = header;
    }
    await node.stop();
    await node.launch();
    const again = await node.rpc<{ header: string }>('getblockfilter', hashes[4]);
    expect(again.header).toBe(toHex(reverseBytes(prevHeader)));
  });

  it('answers Core errors for unknown blocks and filter types', async () => {
    await expect(node.rpc('getblockfilter', '00'.repeat(32))).rejects.toMatchObject({ code: -5 });
    const tip = await node.rpc<string>('getbestblockhash');
    await expect(node.rpc('getblockfilter', tip, 'extended')).rejects.toMatchObject({
      code: -5,
      message: 'Unknown filtertype',
    });
  });

  it('says the index is not enabled on a node without it', async () => {
    const other = await TestNode.start({ noP2P: true, outbound: false });
    const tip = await other.rpc<string>('getbestblockhash');
    await expect(other.rpc('getblockfilter', tip)).rejects.toMatchObject({
      code: -1,
      message: 'Index is not enabled for filtertype basic',
    });
    await other.stop();
  });
});
