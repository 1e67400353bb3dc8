/**
 * Three real node processes in a line (A <- B <- C: B connects to A, C to B) sync a 2,000-block
 * chain end to end; a longer fork mined on C while cut off from B reorganizes A, at the other
 * end; a transaction sent at one end reaches the far end's mempool. Also the ban RPCs against a real peer: setban disconnects and refuses it, listbanned
 * shows Core's fields, banlist.json is written in the network folder, clearbanned lets it back.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TestNode } from './framework/test-node.js';
import { matureCoinbases, TestWallet } from './framework/bitcoinjs-wallet.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const ADDR_C = 'bcrt1qqurswpc8qurswpc8qurswpc8qurswpc8dxm0gk';
const nodes: TestNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop();
});

async function height(n: TestNode): Promise<number> {
  return n.rpc<number>('getblockcount');
}

describe('p2p_three_nodes', () => {
  it('syncs 2,000 blocks along a line, and a reorg from one end reaches the other', async () => {
    const a = await TestNode.start({ outbound: false, args: { debug: ['net'] } });
    nodes.push(a);
    for (let i = 0; i < 4; i++) await a.rpc('generatetoaddress', 500, ADDR);
    const b = await TestNode.start({ args: { connect: [`127.0.0.1:${a.p2pPort}`] } });
    nodes.push(b);
    const c = await TestNode.start({ args: { addnode: [`127.0.0.1:${b.p2pPort}`] }, noP2P: true });
    nodes.push(c);
    await c.waitFor(async () => (await height(c)) === 2000, 'C at 2000', 180_000);
    const tipA = await a.rpc<string>('getbestblockhash');
    expect(await b.rpc('getbestblockhash')).toBe(tipA);
    expect(await c.rpc('getbestblockhash')).toBe(tipA);

    // Cut C off, mine a short branch on A and a longer one on C, then reconnect.
    const peerOfB = (await b.rpc<{ id: number; inbound: boolean }[]>('getpeerinfo')).find(
      (p) => p.inbound,
    )!;
    await c.rpc('addnode', `127.0.0.1:${b.p2pPort}`, 'remove');
    await b.rpc('disconnectnode', '', peerOfB.id);
    await c.waitFor(async () => (await c.rpc<number>('getconnectioncount')) === 0, 'C cut off');
    await a.rpc('generatetoaddress', 2, ADDR);
    await b.waitFor(async () => (await height(b)) === 2002, 'B follows A');
    const aBlock2001 = await a.rpc<string>('getblockhash', 2001);
    // Another payout address: block times run ahead of the clock here, so with the same
    // address and parent C would mine A's very blocks.
    await c.rpc('generatetoaddress', 5, ADDR_C);
    const forkTip = await c.rpc<string>('getbestblockhash');
    await c.rpc('addnode', `127.0.0.1:${b.p2pPort}`, 'onetry');
    await a.waitFor(
      async () => (await a.rpc<string>('getbestblockhash')) === forkTip,
      'A reorganized to C’s branch',
      120_000,
    );
    expect(await height(a)).toBe(2005);
    // A's own block 2001 was reorganized away for C's.
    expect(await a.rpc('getblockhash', 2001)).not.toBe(aBlock2001);
    expect(await a.rpc('getblockhash', 2001)).toBe(await c.rpc('getblockhash', 2001));
  }, 300_000);

  it('relays a transaction from one end of the line to the other end mempool', async () => {
    const [a, b, c] = nodes as [TestNode, TestNode, TestNode];
    await c.waitFor(async () => (await c.rpc<number>('getconnectioncount')) === 1, 'C connected');
    const wallet = new TestWallet(7);
    const [coin] = await matureCoinbases(a, wallet, 1);
    const tipA = await a.rpc<string>('getbestblockhash');
    await c.waitFor(async () => (await c.rpc<string>('getbestblockhash')) === tipA, 'C synced');
    // Sent on C, it must cross B (which validates and re-announces it) to reach A.
    const tx = wallet.payToSelf(coin!, 1000n);
    expect(await c.rpc('sendrawtransaction', tx.hex)).toBe(tx.txid);
    for (const n of [b, a]) {
      await n.waitFor(
        async () => (await n.rpc<string[]>('getrawmempool')).includes(tx.txid),
        'the transaction in the far mempool',
        60_000,
      );
    }
    const [mined] = await a.rpc<string[]>('generatetoaddress', 1, ADDR);
    expect((await a.rpc<{ tx: string[] }>('getblock', mined, 1)).tx).toContain(tx.txid);
    await c.waitFor(async () => (await c.rpc<string[]>('getrawmempool')).length === 0, 'C clean');
  });

  it('setban disconnects and refuses a peer, listbanned/banlist.json show it, clearbanned lifts it', async () => {
    const [a, b] = nodes as [TestNode, TestNode];
    await a.rpc('setban', '127.0.0.1', 'add', 3600);
    await a.waitFor(
      async () => (await a.rpc<unknown[]>('getpeerinfo')).length === 0,
      'ban drops B',
    );
    const banned =
      await a.rpc<
        { address: string; ban_duration: number; time_remaining: number; banned_until: number }[]
      >('listbanned');
    expect(banned).toHaveLength(1);
    expect(banned[0]!.address).toBe('127.0.0.1/32');
    expect(banned[0]!.ban_duration).toBe(3600);
    await expect(a.rpc('setban', '127.0.0.1', 'add')).rejects.toMatchObject({
      code: -23,
      message: 'Error: IP/Subnet already banned',
    });
    await expect(a.rpc('setban', 'not-an-ip', 'add')).rejects.toMatchObject({ code: -30 });
    await expect(a.rpc('setban', '10.0.0.1', 'remove')).rejects.toMatchObject({ code: -30 });
    await expect(a.rpc('disconnectnode', '127.0.0.1:1')).rejects.toMatchObject({ code: -29 });
    // Core: RPC_INVALID_PARAMS (-32602) when both address and nodeid are given.
    await expect(a.rpc('disconnectnode', '127.0.0.1:1', 3)).rejects.toMatchObject({ code: -32602 });
    // B keeps redialling its connect= target; A refuses every attempt while the ban lasts.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await a.rpc<unknown[]>('getpeerinfo')).toHaveLength(0);
    expect(a.output).toMatch(/connection from 127\.0\.0\.1:\d+ dropped \(banned\)/);
    const file = join(a.netDir, 'banlist.json');
    expect(existsSync(file)).toBe(true);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { banned_nets: { address: string }[] };
    expect(json.banned_nets[0]!.address).toBe('127.0.0.1/32');

    await a.rpc('clearbanned');
    expect(await a.rpc('listbanned')).toEqual([]);
    await a.waitFor(async () => (await a.rpc<unknown[]>('getpeerinfo')).length === 1, 'B back');
    const totals = await a.rpc<{ totalbytesrecv: number; totalbytessent: number }>('getnettotals');
    expect(totals.totalbytesrecv).toBeGreaterThan(0);
    expect(totals.totalbytessent).toBeGreaterThan(100_000); // 2,000 blocks were served
    expect(await a.rpc('ping')).toBeNull();
    await a.waitFor(
      async () =>
        (await a.rpc<{ pingtime?: number }[]>('getpeerinfo')).every(
          (p) => p.pingtime !== undefined,
        ),
      'ping answered',
    );
    expect(await b.rpc('getnodeaddresses', 0)).toEqual([]); // loopback is never stored (Core)
  });
});
