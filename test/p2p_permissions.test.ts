/**
 * -whitelist permissions on a real node (Core's net_permissions): a peer from a whitelisted
 * subnet is listed with its permissions by getpeerinfo and is never disconnected for
 * misbehaviour with `noban` ("Warning: not punishing noban peer N!"), where the same misbehaviour
 * from an ordinary local peer costs the connection. The misbehaviour used is Core's
 * CVE-2012-2459 mutation (a duplicated last transaction), which is logged as Core logs it.
 * A bad permission is Core's init error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Block, OutPoint, Transaction, getChainParams } from '@bitcoind-lite/consensus';
import { buildBlockOn } from '@bitcoind-lite/chain/testing';
import { tipRef } from './framework/chain-builder.js';
import { RawPeer } from './framework/raw-peer.js';
import { TestNode, runLauncher } from './framework/test-node.js';

const params = getChainParams('regtest');
const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

function anyTx(n: number): Transaction {
  return new Transaction(
    2,
    [
      {
        prevout: new OutPoint(new Uint8Array(32).fill(n), 0),
        scriptSig: Uint8Array.of(0x51),
        sequence: 0xffffffff,
        witness: [],
      },
    ],
    [{ value: 1000n, scriptPubKey: Uint8Array.of(0x51) }],
    0,
  );
}

/** A block on the node's tip whose last transaction is repeated: same header, mutated body. */
async function mutatedBlock(node: TestNode): Promise<Block> {
  const good = buildBlockOn(await tipRef(node), params, { txs: [anyTx(1), anyTx(2)] });
  return new Block(good.header, [...good.txs, good.txs[2]!]);
}

async function nodeAndPeer(
  args: Record<string, unknown>,
): Promise<{ node: TestNode; peer: RawPeer }> {
  const node = await TestNode.start({
    outbound: false,
    args: { debug: ['net', 'validation'], ...args },
  });
  cleanup.push(() => node.stop());
  await node.rpc('generatetoaddress', 1, ADDR);
  const peer = await RawPeer.connect(node.p2pPort);
  cleanup.push(() => peer.destroy());
  await peer.handshake();
  await peer.waitFor('verack');
  return { node, peer };
}

describe('p2p_permissions', () => {
  it('a noban peer keeps its connection after sending a mutated block', async () => {
    const { node, peer } = await nodeAndPeer({ whitelist: ['noban@127.0.0.1'] });
    const info = await node.rpc<{ permissions: string[] }[]>('getpeerinfo');
    expect(info[0]!.permissions).toEqual(['noban', 'download']);
    await peer.send({ type: 'block', block: await mutatedBlock(node) });
    await peer.roundTrip(9n);
    expect(peer.open).toBe(true);
    expect(node.output).toContain('Block mutated: bad-txns-duplicate, duplicate transaction');
    expect(node.output).toContain('Warning: not punishing noban peer 0!');
  }, 60_000);

  it('an ordinary local peer is disconnected for the same block', async () => {
    const { node, peer } = await nodeAndPeer({});
    const info = await node.rpc<{ permissions: string[] }[]>('getpeerinfo');
    expect(info[0]!.permissions).toEqual([]);
    await peer.send({ type: 'block', block: await mutatedBlock(node) });
    await peer.closed;
  }, 60_000);

  it('refuses an unknown permission at start-up', async () => {
    const n = TestNode.create({ outbound: false, args: { whitelist: ['nosuch@127.0.0.1'] } });
    const { code, output } = await runLauncher(n.manifestPath);
    expect(code, output).toBe(1);
    expect(output).toContain("Error: Invalid P2P permission: 'nosuch'");
  }, 60_000);
});
