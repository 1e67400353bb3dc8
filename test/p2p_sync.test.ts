/**
 * Two real nodes over 127.0.0.1: the second, started from its own manifest with `connect` to the
 * first, downloads 200 blocks headers-first and then follows 10 more mined on the first.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { TestNode } from './framework/test-node.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const nodes: TestNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop();
});

describe('p2p_sync', () => {
  it('syncs 200 blocks from a connect= peer and follows 10 more', async () => {
    const a = await TestNode.start({ outbound: false });
    nodes.push(a);
    await a.rpc('generatetoaddress', 200, ADDR);
    const b = await TestNode.start({ args: { connect: [`127.0.0.1:${a.p2pPort}`] }, noP2P: true });
    nodes.push(b);
    await b.waitFor(async () => (await b.rpc<number>('getblockcount')) === 200, 'initial sync');
    expect(await b.rpc('getbestblockhash')).toBe(await a.rpc('getbestblockhash'));
    const peersB = await b.rpc<{ inbound: boolean; synced_headers: number }[]>('getpeerinfo');
    expect(peersB).toHaveLength(1);
    expect(peersB[0]!.inbound).toBe(false);
    const peersA = await a.rpc<{ inbound: boolean; subver: string }[]>('getpeerinfo');
    expect(peersA[0]!.inbound).toBe(true);
    expect(peersA[0]!.subver).toBe('/bitcoind-lite:0.1.0/');

    for (let i = 0; i < 10; i++) await a.rpc('generatetoaddress', 1, ADDR);
    await b.waitFor(async () => (await b.rpc<number>('getblockcount')) === 210, 'following');
    expect(await b.rpc('getbestblockhash')).toBe(await a.rpc('getbestblockhash'));
    expect(await b.rpc('getconnectioncount')).toBe(1);
  });

  it('addnode onetry connects a node that was started without peers', async () => {
    const a = nodes[0]!;
    const c = await TestNode.start({ noP2P: true });
    nodes.push(c);
    expect(await c.rpc('getconnectioncount')).toBe(0);
    await c.rpc('addnode', `127.0.0.1:${a.p2pPort}`, 'onetry');
    await c.waitFor(
      async () => (await c.rpc<number>('getblockcount')) === (await a.rpc<number>('getblockcount')),
      'sync after addnode onetry',
    );
    await expect(c.rpc('addnode', '127.0.0.1:1', 'remove')).rejects.toMatchObject({ code: -24 });
  });
});
