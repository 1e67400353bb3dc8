/**
 * A peer that relays a consensus-invalid transaction keeps its connection, as in Core 30
 * (bitcoin/bitcoin#33050 removed MaybePunishNodeForTx): the transaction is rejected and logged
 * with its reject reason, nothing more. Real node, raw v1 peer on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OutPoint, Transaction } from '@bitcoind-lite/consensus';
import { RawPeer } from './framework/raw-peer.js';
import { TestNode } from './framework/test-node.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

describe('p2p_invalid_tx', () => {
  it('an empty-output transaction is rejected (bad-txns-vout-empty) and the peer stays', async () => {
    const node = await TestNode.start({ outbound: false, args: { debug: ['mempoolrej'] } });
    cleanup.push(() => node.stop());
    // Out of IBD, so transactions are looked at.
    await node.rpc('generatetoaddress', 1, 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080');
    const peer = await RawPeer.connect(node.p2pPort);
    cleanup.push(() => peer.destroy());
    await peer.handshake();
    await peer.waitFor('verack');
    const tx = new Transaction(
      2,
      [
        {
          prevout: new OutPoint(new Uint8Array(32).fill(1), 0),
          scriptSig: Uint8Array.of(0x51),
          sequence: 0xffffffff,
          witness: [],
        },
      ],
      [],
      0,
    );
    await peer.send({ type: 'tx', tx });
    await node.waitFor(async () => node.output.includes('bad-txns-vout-empty'), 'the rejection');
    await peer.roundTrip(77n);
    expect(peer.open).toBe(true);
    expect(node.output).not.toContain('Misbehaving');
  }, 60_000);
});
