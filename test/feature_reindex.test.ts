/**
 * `reindex` and `reindex-chainstate` (manifest `args:`) on a real node: a restart with either
 * rebuilds from the blk files to the same tip and the same UTXO set, and a later normal start
 * keeps it. The chain-level tests (packages/chain/test/reindex.test.ts) cover an interrupted
 * reindex resuming.
 *
 * TODO(#4): enabled once apps/node/src/node.ts passes `reindex` / `reindex-chainstate` to
 * ChainstateManager.open (two lines; see the chain README).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { getChainParams } from '@bitcoind-lite/consensus';
import { buildBlockOn, spendTx } from '@bitcoind-lite/chain/testing';
import { mineOnNode, submit, tipRef } from './framework/chain-builder.js';
import { TestNode } from './framework/test-node.js';

const params = getChainParams('regtest');
const nodes: TestNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop();
});

interface Stats {
  bestblock: string;
  height: number;
  hash_serialized_3: string;
  txouts: number;
  total_amount: number;
}

function setArgs(node: TestNode, base: string, extra: string): void {
  writeFileSync(node.manifestPath, base + (extra === '' ? '' : `args:\n  ${extra}\n`));
}

describe('feature_reindex', () => {
  it('reindex and reindex-chainstate rebuild the same chain and UTXO set', async () => {
    const node = await TestNode.start({ noP2P: true, outbound: false });
    nodes.push(node);
    const base = readFileSync(node.manifestPath, 'utf8');
    const coinbases = await mineOnNode(node, params, 110);
    // A few spends so the UTXO set is more than coinbases.
    for (let h = 1; h <= 5; h++) {
      const cb = coinbases.get(h)!;
      const t = spendTx([{ txid: cb.txid(), vout: 0, value: cb.vout[0]!.value }], 1000n, 3);
      const b = buildBlockOn(await tipRef(node), params, { txs: [t], feesSats: 1000n });
      expect(await submit(node, b)).toBe(null);
    }
    const expected = await node.rpc<Stats>('gettxoutsetinfo');
    await node.stop();

    for (const arg of ['reindex: true', 'reindex-chainstate: true', '']) {
      setArgs(node, base, arg);
      await node.launch();
      if (arg === 'reindex: true') expect(node.output).toContain('Reindexing block file');
      if (arg === 'reindex-chainstate: true')
        expect(node.output).toContain('Reindexing chainstate');
      if (arg === '') expect(node.output).not.toContain('Reindexing');
      expect(await node.rpc<Stats>('gettxoutsetinfo')).toMatchObject({
        bestblock: expected.bestblock,
        height: expected.height,
        hash_serialized_3: expected.hash_serialized_3,
        txouts: expected.txouts,
        total_amount: expected.total_amount,
      });
      await node.stop();
    }
  });
});
