/**
 * -minimumchainwork and Core's anti-DoS check on blocks from peers, on a real node: below the
 * minimum chain work the node stays in initial block download, and a block a peer pushes
 * unasked whose chain does not reach the threshold is not even indexed (Core's
 * "missing anti-dos proof-of-work validation"); submitblock still takes it. A malformed value is
 * Core's init error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getChainParams, toHex } from '@bitcoind-lite/consensus';
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

describe('p2p_unrequested_blocks', () => {
  it('-minimumchainwork: an unvouched block from a peer is not indexed; submitblock takes it', async () => {
    const node = await TestNode.start({
      outbound: false,
      args: { minimumchainwork: '0x10', debug: ['validation'] },
    });
    cleanup.push(() => node.stop());
    await node.rpc('generatetoaddress', 1, ADDR);
    const info = await node.rpc<{ initialblockdownload: boolean }>('getblockchaininfo');
    expect(info.initialblockdownload).toBe(true);

    const peer = await RawPeer.connect(node.p2pPort);
    cleanup.push(() => peer.destroy());
    await peer.handshake();
    await peer.waitFor('verack');
    const block = buildBlockOn(await tipRef(node), params);
    await peer.send({ type: 'block', block });
    await peer.roundTrip(5n);
    expect(node.output).toContain(
      `AcceptBlockHeader: not adding new block header ${block.hashHex()}, missing anti-dos proof-of-work validation`,
    );
    const tips = await node.rpc<{ hash: string }[]>('getchaintips');
    expect(tips.map((t) => t.hash)).not.toContain(block.hashHex());
    expect(await node.rpc<number>('getblockcount')).toBe(1);

    expect(await node.rpc('submitblock', toHex(block.serialize()))).toBeNull();
    expect(await node.rpc<number>('getblockcount')).toBe(2);
  }, 60_000);

  it('refuses a -minimumchainwork that is not hex', async () => {
    const n = TestNode.create({ outbound: false, args: { minimumchainwork: 'xyz' } });
    const { code, output } = await runLauncher(n.manifestPath);
    expect(code, output).toBe(1);
    expect(output).toContain('Invalid minimum work specified (xyz), must be up to 64 hex digits');
  }, 60_000);
});
