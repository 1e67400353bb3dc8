/**
 * Headers sync as Core serves and drives it, on a real node with a raw v1 peer: getheaders is
 * answered during initial block download (regtest's minimum chain work is 0), a block inv during
 * IBD leads to a getheaders, headers that extend a recent tip are fetched directly from the peer
 * that sent them (Core's HeadersDirectFetchBlocks, even without NODE_NETWORK), and a null-locator
 * getheaders for a header-only block off the active chain gets nothing (BlockRequestAllowed).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BlockHeader, fromHex, getChainParams, reverseBytes } from '@bitcoind-lite/consensus';
import { buildBlockOn } from '@bitcoind-lite/chain/testing';
import { MSG_BLOCK, NODE_WITNESS, PROTOCOL_VERSION } from '@bitcoind-lite/p2p';
import { tipRef } from './framework/chain-builder.js';
import { RawPeer } from './framework/raw-peer.js';
import { TestNode } from './framework/test-node.js';

const params = getChainParams('regtest');
const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function node(): Promise<TestNode> {
  const n = await TestNode.start({ outbound: false, args: { debug: ['net'] } });
  cleanup.push(() => n.stop());
  return n;
}

/** A handshaken raw peer that announces only NODE_WITNESS (no NODE_NETWORK: no regular sync). */
async function witnessOnlyPeer(n: TestNode): Promise<RawPeer> {
  const p = await RawPeer.connect(n.p2pPort);
  cleanup.push(() => p.destroy());
  await p.handshake({ services: NODE_WITNESS });
  await p.waitFor('verack');
  return p;
}

const zero = new Uint8Array(32);

describe('p2p_sendheaders', () => {
  it('answers getheaders while in initial block download', async () => {
    const n = await node();
    expect(
      (await n.rpc<{ initialblockdownload: boolean }>('getblockchaininfo')).initialblockdownload,
    ).toBe(true);
    const p = await witnessOnlyPeer(n);
    await p.send({
      type: 'getheaders',
      version: PROTOCOL_VERSION,
      locator: [params.genesis.header.hash()],
      hashStop: zero,
    });
    const h = await p.waitFor('headers');
    expect(h.headers).toHaveLength(0);
  }, 60_000);

  it('asks the announcing peer for headers on a block inv during IBD', async () => {
    const n = await node();
    const p = await witnessOnlyPeer(n);
    const unknown = new Uint8Array(32).fill(0x42);
    await p.send({ type: 'inv', items: [{ type: MSG_BLOCK, hash: unknown }] });
    await p.waitFor('getheaders');
  }, 60_000);

  it('fetches directly the block of a header that extends a recent tip', async () => {
    const n = await node();
    await n.rpc('generatetoaddress', 1, ADDR);
    const p = await witnessOnlyPeer(n);
    const block = buildBlockOn(await tipRef(n), params);
    await p.send({ type: 'headers', headers: [block.header] });
    const gd = await p.waitFor('getdata');
    expect(Buffer.from(gd.items[0]!.hash)).toEqual(Buffer.from(block.header.hash()));

    // The header alone is off the active chain and not validated: not served by hashStop.
    await p.send({
      type: 'getheaders',
      version: PROTOCOL_VERSION,
      locator: [],
      hashStop: block.header.hash(),
    });
    const tipHash = reverseBytes(fromHex(await n.rpc<string>('getbestblockhash')));
    await p.send({ type: 'getheaders', version: PROTOCOL_VERSION, locator: [], hashStop: tipHash });
    const h = await p.waitFor('headers', (m) => m.headers.length > 0);
    expect(h.headers.map((x: BlockHeader) => x.hashHex())).toEqual([
      await n.rpc<string>('getbestblockhash'),
    ]);
    expect(p.count('headers')).toBe(1);
  }, 60_000);
});
