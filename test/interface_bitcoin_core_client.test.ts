/**
 * The `bitcoin-core` npm client, unchanged, against a running node: positional and named calls,
 * batches, errors carrying Core's codes, and cookie credentials.
 */
import Client from 'bitcoin-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestNode } from './framework/test-node.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
let node: TestNode;
let client: InstanceType<typeof Client>;
beforeAll(async () => {
  node = await TestNode.start({ noP2P: true, outbound: false });
  const [username, password] = node.cookie().split(':');
  client = new Client({ host: `http://127.0.0.1:${node.rpcPort}`, username, password });
});
afterAll(async () => {
  await node.stop();
});

describe('interface_bitcoin_core_client', () => {
  it('mines and reads blocks through the client', async () => {
    const hashes = (await client.command('generatetoaddress', 5, ADDR)) as string[];
    expect(hashes).toHaveLength(5);
    expect(await client.command('getblockcount')).toBe(5);
    const header = (await client.command('getblockheader', hashes[4])) as { height: number };
    expect(header.height).toBe(5);
    const info = (await client.command('getblockchaininfo')) as { blocks: number; chain: string };
    expect(info).toMatchObject({ blocks: 5, chain: 'regtest' });
  });

  it('sends batches', async () => {
    const replies = (await client.command([
      { method: 'getblockhash', parameters: [0] },
      { method: 'getblockcount' },
    ])) as unknown[];
    expect(replies).toEqual([
      '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
      5,
    ]);
  });

  it('surfaces Core error codes', async () => {
    await expect(client.command('getblockhash', 1000)).rejects.toMatchObject({
      code: -8,
      message: 'Block height out of range',
    });
  });
});
