/**
 * The chainstate RPCs on a real node, with Core's results and errors: invalidateblock,
 * reconsiderblock, preciousblock, verifychain, gettxout, gettxoutsetinfo, pruneblockchain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Transaction,
  OutPoint,
  concatBytes,
  getChainParams,
  sha256,
} from '@bitcoind-lite/consensus';
import { buildBlockOn } from '@bitcoind-lite/chain/testing';
import { mineOnNode, submit, tipRef } from './framework/chain-builder.js';
import { TestNode } from './framework/test-node.js';

const params = getChainParams('regtest');
/** P2WSH of OP_TRUE: standard to spend (witness [OP_TRUE]), so the mempool accepts spends. */
const P2WSH_TRUE = concatBytes(Uint8Array.of(0x00, 0x20), sha256(Uint8Array.of(0x51)));
const BLOCKS = 105;
let node: TestNode;

beforeAll(async () => {
  node = await TestNode.start({ noP2P: true, outbound: false });
  await mineOnNode(node, params, BLOCKS, { payTo: () => P2WSH_TRUE });
}, 60_000);

afterAll(async () => {
  await node?.stop();
});

describe('rpc_chainstate', () => {
  it('invalidateblock disconnects, reconsiderblock restores', async () => {
    const tip = await node.rpc<string>('getbestblockhash');
    const at18 = await node.rpc<string>('getblockhash', BLOCKS - 2);
    const before = await node.rpc<{ hash_serialized_3: string }>('gettxoutsetinfo');
    expect(await node.rpc('invalidateblock', at18)).toBe(null);
    expect(await node.rpc('getblockcount')).toBe(BLOCKS - 3);
    const tips =
      await node.rpc<{ hash: string; status: string; branchlen: number }[]>('getchaintips');
    expect(tips.find((t) => t.hash === tip)).toMatchObject({ status: 'invalid', branchlen: 3 });
    const mid = await node.rpc<{ height: number }>('gettxoutsetinfo');
    expect(mid.height).toBe(BLOCKS - 3);

    expect(await node.rpc('reconsiderblock', at18)).toBe(null);
    expect(await node.rpc('getbestblockhash')).toBe(tip);
    const after = await node.rpc<{ hash_serialized_3: string }>('gettxoutsetinfo');
    expect(after.hash_serialized_3).toBe(before.hash_serialized_3);
  });

  it('invalidateblock errors as Core', async () => {
    await expect(node.rpc('invalidateblock', '00'.repeat(32))).rejects.toMatchObject({
      code: -5,
      message: 'Block not found',
    });
    await expect(node.rpc('reconsiderblock', 'abc')).rejects.toMatchObject({
      code: -8,
      message: "blockhash must be of length 64 (not 3, for 'abc')",
    });
  });

  it('preciousblock switches between equal-work tips', async () => {
    const parent = await tipRef(node);
    const x = buildBlockOn(parent, params, { extraNonce: 100, payTo: P2WSH_TRUE });
    const y = buildBlockOn(parent, params, { extraNonce: 200, payTo: P2WSH_TRUE });
    expect(await submit(node, x)).toBe(null);
    expect(await submit(node, y)).toBe(null);
    // First seen wins among equal work.
    expect(await node.rpc('getbestblockhash')).toBe(x.hashHex());
    expect(await node.rpc('preciousblock', y.hashHex())).toBe(null);
    expect(await node.rpc('getbestblockhash')).toBe(y.hashHex());
    expect(await node.rpc('preciousblock', x.hashHex())).toBe(null);
    expect(await node.rpc('getbestblockhash')).toBe(x.hashHex());
  });

  it('verifychain at every level', async () => {
    expect(await node.rpc('verifychain')).toBe(true);
    for (const level of [0, 1, 2, 3, 4]) expect(await node.rpc('verifychain', level, 0)).toBe(true);
  });

  it('gettxout: fields, spent or unknown outputs, include_mempool', async () => {
    const hash = await node.rpc<string>('getblockhash', 5);
    const block = await node.rpc<{ tx: string[] }>('getblock', hash);
    const out = await node.rpc<Record<string, unknown>>('gettxout', block.tx[0], 0, false);
    const height = await node.rpc<number>('getblockcount');
    expect(Object.keys(out)).toEqual([
      'bestblock',
      'confirmations',
      'value',
      'scriptPubKey',
      'coinbase',
    ]);
    expect(out).toMatchObject({ confirmations: height - 5 + 1, value: 50, coinbase: true });
    expect(out['scriptPubKey']).toMatchObject({
      hex: Buffer.from(P2WSH_TRUE).toString('hex'),
      type: 'witness_v0_scripthash',
    });
    expect((out['scriptPubKey'] as { address: string }).address).toMatch(/^bcrt1q/);
    expect(await node.rpc('gettxout', block.tx[0], 1)).toBe(null);
    expect(await node.rpc('gettxout', 'ab'.repeat(32), 0)).toBe(null);
    await expect(node.rpc('gettxout', 'abc', 0)).rejects.toMatchObject({
      code: -8,
      message: "txid must be of length 64 (not 3, for 'abc')",
    });
  });

  it('gettxoutsetinfo hash types and errors', async () => {
    const s = await node.rpc<Record<string, unknown>>('gettxoutsetinfo');
    // Every block 1..21 left one OP_TRUE coinbase output (genesis never counts).
    expect(s['txouts']).toBe(await node.rpc('getblockcount'));
    expect(s['transactions']).toBe(s['txouts']);
    expect(s['bogosize']).toBe((s['txouts'] as number) * (32 + 4 + 4 + 8 + 2 + 34));
    await expect(node.rpc('gettxoutsetinfo', 'foo')).rejects.toMatchObject({
      code: -8,
      message: "'foo' is not a valid hash_type",
    });
    await expect(node.rpc('gettxoutsetinfo', 'none', 3)).rejects.toMatchObject({
      code: -8,
      message: 'Querying specific block heights requires coinstatsindex',
    });
  });

  it('gettxout with include_mempool: spent in the mempool, and mempool outputs', async () => {
    const hash = await node.rpc<string>('getblockhash', 1);
    const block = await node.rpc<{ tx: string[] }>('getblock', hash);
    const cbTxid = block.tx[0]!;
    const cb = await node.rpc<{ value: number }>('gettxout', cbTxid, 0);
    const value = BigInt(Math.round(cb.value * 1e8));
    const prevTxid = Uint8Array.from(Buffer.from(cbTxid, 'hex').reverse());
    const tx = new Transaction(
      2,
      [
        {
          prevout: new OutPoint(prevTxid, 0),
          scriptSig: new Uint8Array(0),
          sequence: 0xfffffffd,
          witness: [Uint8Array.of(0x51)],
        },
      ],
      [{ value: value - 10_000n, scriptPubKey: P2WSH_TRUE }],
      0,
    );
    const txid = await node.rpc<string>(
      'sendrawtransaction',
      Buffer.from(tx.serialize()).toString('hex'),
    );
    expect(txid).toBe(tx.txidHex());
    // Spent by a mempool transaction: gone with the mempool, still there without it.
    expect(await node.rpc('gettxout', cbTxid, 0)).toBe(null);
    expect(await node.rpc('gettxout', cbTxid, 0, false)).toMatchObject({ coinbase: true });
    // The mempool transaction's output: zero confirmations, only with the mempool.
    expect(await node.rpc('gettxout', txid, 0)).toMatchObject({
      confirmations: 0,
      value: Number(value - 10_000n) / 1e8,
      coinbase: false,
    });
    expect(await node.rpc('gettxout', txid, 0, false)).toBe(null);
  });

  it('getblockstats: fees, sizes, weights and UTXO figures of a block with spends', async () => {
    const spendOf = async (height: number, feeSats: bigint): Promise<Transaction> => {
      const block = await node.rpc<{ tx: string[] }>(
        'getblock',
        await node.rpc<string>('getblockhash', height),
      );
      const cb = await node.rpc<{ value: number }>('gettxout', block.tx[0], 0);
      const value = BigInt(Math.round(cb.value * 1e8));
      return new Transaction(
        2,
        [
          {
            prevout: new OutPoint(Uint8Array.from(Buffer.from(block.tx[0]!, 'hex').reverse()), 0),
            scriptSig: new Uint8Array(0),
            sequence: 0xfffffffd,
            witness: [Uint8Array.of(0x51)],
          },
        ],
        [{ value: value - feeSats, scriptPubKey: P2WSH_TRUE }],
        0,
      );
    };
    const t1 = await spendOf(2, 1000n);
    const t2 = await spendOf(3, 3000n);
    const parent = await tipRef(node);
    const b = buildBlockOn(parent, params, { txs: [t1, t2], feesSats: 4000n, payTo: P2WSH_TRUE });
    expect(await submit(node, b)).toBe(null);
    const s = await node.rpc<Record<string, unknown>>('getblockstats', parent.height + 1);
    const w = t1.weight();
    expect(t2.weight()).toBe(w);
    const r1 = Math.floor((1000 * 4) / w);
    const r2 = Math.floor((3000 * 4) / w);
    const utxo = 8 + 1 + 34 + 41;
    expect(s).toMatchObject({
      blockhash: b.hashHex(),
      height: parent.height + 1,
      txs: 3,
      ins: 2,
      outs: 4, // coinbase payout and commitment, two spends
      totalfee: 4000,
      minfee: 1000,
      maxfee: 3000,
      medianfee: 2000,
      avgfee: 2000,
      subsidy: 5_000_000_000,
      total_out: Number(t1.vout[0]!.value + t2.vout[0]!.value),
      total_size: t1.totalSize() * 2,
      total_weight: 2 * w,
      swtxs: 2,
      swtotal_weight: 2 * w,
      avgfeerate: Math.floor((4000 * 4) / (2 * w)),
      minfeerate: r1,
      maxfeerate: r2,
      feerate_percentiles: [r1, r1, r1, r2, r2],
      utxo_increase: 2,
      // The commitment output is unspendable: counted in utxo_increase, not in the actual one.
      utxo_increase_actual: 1,
      utxo_size_inc: 3 * utxo + (8 + 1 + 38 + 41) - 2 * utxo,
      utxo_size_inc_actual: 3 * utxo - 2 * utxo,
    });
    expect(Object.keys(s)).toHaveLength(31);
    expect(await node.rpc('getblockstats', b.hashHex(), ['txs', 'minfee', 'txs'])).toEqual({
      minfee: 1000,
      txs: 3,
    });
    await expect(node.rpc('getblockstats', 1, ['nope'])).rejects.toMatchObject({
      code: -8,
      message: "Invalid selected statistic 'nope'",
    });
    await expect(node.rpc('getblockstats', 100_000)).rejects.toMatchObject({
      code: -8,
      message: `Target block height 100000 after current tip ${parent.height + 1}`,
    });
    // And getblock verbosity 3 now has each input's prevout from the undo data.
    const v3 = await node.rpc<{ tx: { vin: { prevout?: { value: number } }[] }[] }>(
      'getblock',
      b.hashHex(),
      3,
    );
    expect(v3.tx[1]!.vin[0]!.prevout?.value).toBe(Number(t1.vout[0]!.value + 1000n) / 1e8);
  });

  it('pruneblockchain on a node that does not prune', async () => {
    await expect(node.rpc('pruneblockchain', 5)).rejects.toMatchObject({
      code: -1,
      message: 'Cannot prune blocks because node is not in prune mode.',
    });
  });
});
