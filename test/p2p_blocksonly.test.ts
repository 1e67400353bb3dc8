/**
 * -blocksonly on a real node (Core's ignore_incoming_txs): getnetworkinfo says localrelay false,
 * the version message asks peers for no transactions, and a peer that sends or announces one
 * anyway is disconnected with Core's "in violation of protocol" lines, unless -whitelist gave it
 * the relay permission. Also Core's "received getdata" debug lines.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MSG_BLOCK, MSG_WTX } from '@bitcoind-lite/p2p';
import { OutPoint, Transaction, fromHex, reverseBytes } from '@bitcoind-lite/consensus';
import { RawPeer } from './framework/raw-peer.js';
import { TestNode } from './framework/test-node.js';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

const tx = new Transaction(
  2,
  [
    {
      prevout: new OutPoint(new Uint8Array(32).fill(3), 0),
      scriptSig: Uint8Array.of(0x51),
      sequence: 0xffffffff,
      witness: [],
    },
  ],
  [{ value: 1000n, scriptPubKey: Uint8Array.of(0x51) }],
  0,
);

async function start(args: Record<string, unknown>): Promise<TestNode> {
  const n = await TestNode.start({ outbound: false, args: { debug: ['net'], ...args } });
  cleanup.push(() => n.stop());
  await n.rpc('generatetoaddress', 1, ADDR);
  return n;
}

async function peer(n: TestNode): Promise<RawPeer> {
  const p = await RawPeer.connect(n.p2pPort);
  cleanup.push(() => p.destroy());
  await p.handshake();
  await p.waitFor('verack');
  return p;
}

describe('p2p_blocksonly', () => {
  it('asks for no transactions and drops a peer that sends or announces one', async () => {
    const n = await start({ blocksonly: true });
    expect((await n.rpc<{ localrelay: boolean }>('getnetworkinfo')).localrelay).toBe(false);
    const a = await peer(n);
    expect((await a.waitFor('version')).relay).toBe(false);
    await a.send({ type: 'tx', tx });
    await a.closed;
    expect(n.output).toContain('transaction sent in violation of protocol, disconnecting peer=0');

    const b = await peer(n);
    const h = new Uint8Array(32);
    h[0] = 0x34;
    h[1] = 0x12;
    await b.send({ type: 'inv', items: [{ type: MSG_WTX, hash: h }] });
    await b.closed;
    expect(n.output).toContain(
      'transaction (0000000000000000000000000000000000000000000000000000000000001234) inv sent in violation of protocol, disconnecting peer=1',
    );
  }, 60_000);

  it('a peer with the relay permission may still send transactions', async () => {
    const n = await start({ blocksonly: true, whitelist: ['relay@127.0.0.1'] });
    const p = await peer(n);
    expect((await p.waitFor('version')).relay).toBe(true);
    expect((await n.rpc<{ permissions: string[] }[]>('getpeerinfo'))[0]!.permissions).toEqual([
      'relay',
    ]);
    await p.send({ type: 'tx', tx });
    await p.roundTrip(3n);
    expect(p.open).toBe(true);
  }, 60_000);

  it('without -blocksonly: localrelay true, relay flag set; getdata is logged as Core logs it', async () => {
    const n = await start({});
    expect((await n.rpc<{ localrelay: boolean }>('getnetworkinfo')).localrelay).toBe(true);
    const p = await peer(n);
    expect((await p.waitFor('version')).relay).toBe(true);
    const tip = await n.rpc<string>('getbestblockhash');
    await p.send({
      type: 'getdata',
      items: [{ type: MSG_BLOCK, hash: reverseBytes(fromHex(tip)) }],
    });
    await p.waitFor('block');
    expect(n.output).toContain('received getdata (1 invsz) peer=0');
    expect(n.output).toContain(`received getdata for: block ${tip} peer=0`);
  }, 60_000);
});
