/**
 * Issue 4, "Done when" 3: two real nodes share 110 blocks, then mine competing branches while
 * unconnected: A five blocks, B eight, each branch spending some of the same coins differently.
 * `addnode B onetry` on A: A, the shorter, reorganises to B's chain. Its UTXO set then equals
 * that of a third node that only ever saw B's chain (synced from B over P2P).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type Block, getChainParams } from '@bitcoind-lite/consensus';
import { type ParentRef, buildBlockOn, spendTx } from '@bitcoind-lite/chain/testing';
import { submit, tipRef } from './framework/chain-builder.js';
import { TestNode } from './framework/test-node.js';

const params = getChainParams('regtest');
const nodes: TestNode[] = [];
afterAll(async () => {
  for (const n of nodes) await n.stop();
});

interface Stats {
  hash_serialized_3: string;
  txouts: number;
  total_amount: number;
  height: number;
  bestblock: string;
}

/** Blocks `count` long on `parent`, 60 s apart, `txsAt(i)` in the i-th. */
function branch(
  parent: ParentRef,
  count: number,
  extraNonce: number,
  txsAt: (i: number) => ReturnType<typeof spendTx>[] = () => [],
): Block[] {
  const out: Block[] = [];
  let p = parent;
  for (let i = 0; i < count; i++) {
    const b = buildBlockOn(p, params, { time: p.time + 60, extraNonce, txs: txsAt(i) });
    out.push(b);
    p = { hash: b.hash(), height: p.height + 1, time: b.header.time };
  }
  return out;
}

async function submitAll(node: TestNode, blocks: Block[]): Promise<void> {
  for (const b of blocks) expect(await submit(node, b)).toBe(null);
}

describe('feature_reorg', () => {
  it('the shorter branch switches to the longer; coins equal a node that saw only the winner', async () => {
    const a = await TestNode.start({});
    const b = await TestNode.start({});
    nodes.push(a, b);
    expect(await a.rpc('getconnectioncount')).toBe(0);
    expect(await b.rpc('getconnectioncount')).toBe(0);

    // Shared history with recent times (so neither node is in initial block download).
    const g = await tipRef(a);
    const start: ParentRef = { ...g, time: Math.floor(Date.now() / 1000) - 3 * 3600 };
    const shared = branch(start, 110, 0);
    await submitAll(a, shared);
    await submitAll(b, shared);
    const fork = await tipRef(a);
    expect(fork.height).toBe(110);
    const cb = (h: number): { txid: Uint8Array; vout: number; value: bigint } => {
      const t = shared[h - 1]!.txs[0]!;
      return { txid: t.txid(), vout: 0, value: t.vout[0]!.value };
    };

    // Competing branches: both spend coinbase 1 (differently); A also spends 2, B spends 3 and
    // then the outputs of its own spend.
    const aSpend = spendTx([cb(1)], 0n, 3);
    const aBranch = branch(fork, 5, 1, (i) =>
      i === 0 ? [aSpend] : i === 1 ? [spendTx([cb(2)], 0n, 2)] : [],
    );
    const bSpend = spendTx([cb(1)], 0n, 2);
    const bChild = spendTx(
      [
        { txid: bSpend.txid(), vout: 0, value: bSpend.vout[0]!.value },
        { txid: bSpend.txid(), vout: 1, value: bSpend.vout[1]!.value },
      ],
      0n,
      4,
    );
    const bBranch = branch(fork, 8, 2, (i) =>
      i === 0 ? [bSpend, spendTx([cb(3)], 0n, 1)] : i === 2 ? [bChild] : [],
    );
    await submitAll(a, aBranch);
    await submitAll(b, bBranch);
    expect(await a.rpc('getblockcount')).toBe(115);
    expect(await b.rpc('getblockcount')).toBe(118);
    const before = await a.rpc<Stats>('gettxoutsetinfo');

    await a.rpc('addnode', `127.0.0.1:${b.p2pPort}`, 'onetry');
    const winner = bBranch[bBranch.length - 1]!.hashHex();
    await a.waitFor(async () => (await a.rpc('getbestblockhash')) === winner, 'A reorganises');
    expect(await a.rpc('getblockcount')).toBe(118);
    expect(await b.rpc('getbestblockhash')).toBe(winner);

    // A's old branch is now a valid fork of length 5.
    const tips = await a.rpc<{ hash: string; branchlen: number; status: string }[]>('getchaintips');
    const old = tips.find((t) => t.hash === aBranch[4]!.hashHex());
    expect(old).toMatchObject({ branchlen: 5, status: 'valid-fork' });
    // A's spend of coinbase 1 is undone, B's is in.
    expect(await a.rpc('gettxout', aSpend.txidHex(), 0)).toBe(null);
    expect(await a.rpc('gettxout', bSpend.txidHex(), 0)).toBe(null); // spent by bChild
    expect(await a.rpc('gettxout', bChild.txidHex(), 3)).toMatchObject({ confirmations: 6 });
    // Coinbase 2 is unspent again on A.
    expect(await a.rpc('gettxout', shared[1]!.txs[0]!.txidHex(), 0)).toMatchObject({
      coinbase: true,
    });

    // A third node that only ever sees B's chain.
    const c = await TestNode.start({ noP2P: true, args: { connect: [`127.0.0.1:${b.p2pPort}`] } });
    nodes.push(c);
    await c.waitFor(async () => (await c.rpc('getbestblockhash')) === winner, 'C syncs from B');

    const sa = await a.rpc<Stats>('gettxoutsetinfo');
    const sb = await b.rpc<Stats>('gettxoutsetinfo');
    const sc = await c.rpc<Stats>('gettxoutsetinfo');
    for (const s of [sa, sb]) {
      expect(s.hash_serialized_3).toBe(sc.hash_serialized_3);
      expect(s.txouts).toBe(sc.txouts);
      expect(s.total_amount).toBe(sc.total_amount);
      expect(s.bestblock).toBe(winner);
    }
    // And the reorg changed something: A's own branch had a different UTXO set.
    expect(before.hash_serialized_3).not.toBe(sa.hash_serialized_3);
    const ma = await a.rpc<{ muhash: string }>('gettxoutsetinfo', 'muhash');
    const mc = await c.rpc<{ muhash: string }>('gettxoutsetinfo', 'muhash');
    expect(ma.muhash).toBe(mc.muhash);
  });
});
