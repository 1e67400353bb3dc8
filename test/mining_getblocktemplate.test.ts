/**
 * getblocktemplate on a real node process (Core's mining_basic.py and rpc_getblocktemplate in
 * small): BIP22 template mode with Core's fields and the segwit-rule error; mempool transactions
 * in the template with their fees, sigops, weights and BIP22 `depends` indexes; a block built
 * here from the template alone (BIP34 coinbase, the BIP141 default_witness_commitment, merkle
 * root, nonce ground with the consensus package) and accepted by submitblock; BIP23 proposal
 * mode answering null, Core's reject reasons, and the duplicate/not-best answers.
 */
import {
  Block,
  BlockHeader,
  OutPoint,
  SEQUENCE_FINAL,
  Transaction,
  buildScript,
  checkProofOfWork,
  computeMerkleRoot,
  concatBytes,
  fromHex,
  getChainParams,
  reverseBytes,
  sha256d,
  toHex,
} from '@bitcoind-lite/consensus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNode } from './framework/test-node.js';
import { catchRpcError, startRpcOnlyNodeWithCoins } from './framework/rpc-only-node.js';
import { TestWallet, toSats, type Utxo } from './framework/bitcoinjs-wallet.js';

const REGTEST = getChainParams('regtest');
let node: TestNode;
const wallet = new TestWallet(31);
let coins: Utxo[];

beforeAll(async () => {
  ({ node, coins } = await startRpcOnlyNodeWithCoins(wallet, 4));
}, 120_000);
afterAll(async () => {
  await node?.stop();
});

interface TemplateTx {
  data: string;
  txid: string;
  hash: string;
  depends: number[];
  fee: number;
  sigops: number;
  weight: number;
}
interface Template {
  capabilities: string[];
  version: number;
  rules: string[];
  vbavailable: Record<string, number>;
  vbrequired: number;
  previousblockhash: string;
  transactions: TemplateTx[];
  coinbaseaux: Record<string, string>;
  coinbasevalue: number;
  longpollid: string;
  target: string;
  mintime: number;
  mutable: string[];
  noncerange: string;
  sigoplimit: number;
  sizelimit: number;
  weightlimit: number;
  curtime: number;
  bits: string;
  height: number;
  default_witness_commitment: string;
}

const gbt = () => node.rpc<Template>('getblocktemplate', { rules: ['segwit'] });

const rpcError = (method: string, ...params: unknown[]) => catchRpcError(node, method, ...params);

/** BIP141's commitment: OP_RETURN 0xaa21a9ed SHA256d(witness root || reserved value). */
function witnessCommitment(wtxidsDisplay: string[]): string {
  const leaves = [new Uint8Array(32), ...wtxidsDisplay.map((h) => reverseBytes(fromHex(h)))];
  const root = computeMerkleRoot(leaves).root;
  return '6a24aa21a9ed' + toHex(sha256d(concatBytes(root, new Uint8Array(32))));
}

/**
 * A block from the template alone, as an external miner builds one: coinbase `<height>` first
 * (BIP34), paying coinbasevalue, the witness commitment output and the reserved value as its
 * witness; header from previousblockhash, curtime and bits; nonce ground to the target.
 */
function blockFromTemplate(t: Template, o: { grind?: boolean; extraSats?: bigint } = {}): Block {
  const coinbase = new Transaction(
    2,
    [
      {
        prevout: OutPoint.null(),
        scriptSig: buildScript([{ num: t.height }, { num: 0x6c697465 }]),
        sequence: SEQUENCE_FINAL,
        witness: [new Uint8Array(32)],
      },
    ],
    [
      { value: BigInt(t.coinbasevalue) + (o.extraSats ?? 0n), scriptPubKey: wallet.script },
      { value: 0n, scriptPubKey: fromHex(t.default_witness_commitment) },
    ],
    0,
  );
  const txs = [coinbase, ...t.transactions.map((x) => Transaction.decode(fromHex(x.data)))];
  const merkleRoot = computeMerkleRoot(txs.map((x) => x.txid())).root;
  const bits = parseInt(t.bits, 16);
  let header = new BlockHeader(
    t.version,
    reverseBytes(fromHex(t.previousblockhash)),
    merkleRoot,
    t.curtime,
    bits,
    0,
  );
  if (o.grind !== false) {
    while (!checkProofOfWork(header.hash(), bits, REGTEST.powLimit)) {
      header = header.withNonce(header.nonce + 1);
    }
  }
  return new Block(header, txs);
}

describe('mining_getblocktemplate', () => {
  it('returns Core fields, in Core order, for an empty mempool', async () => {
    const tipHash = await node.rpc<string>('getbestblockhash');
    const tip = await node.rpc<{ height: number; mediantime: number }>('getblockheader', tipHash);
    const t = await gbt();
    expect(Object.keys(t)).toEqual([
      'capabilities',
      'version',
      'rules',
      'vbavailable',
      'vbrequired',
      'previousblockhash',
      'transactions',
      'coinbaseaux',
      'coinbasevalue',
      'longpollid',
      'target',
      'mintime',
      'mutable',
      'noncerange',
      'sigoplimit',
      'sizelimit',
      'weightlimit',
      'curtime',
      'bits',
      'height',
      'default_witness_commitment',
    ]);
    expect(t).toMatchObject({
      capabilities: ['proposal'],
      // VERSIONBITS_TOP_BITS: below height 144 regtest's testdummy deployment is still DEFINED.
      version: 0x20000000,
      rules: ['csv', '!segwit', 'taproot'],
      vbavailable: {},
      vbrequired: 0,
      previousblockhash: tipHash,
      transactions: [],
      coinbaseaux: {},
      coinbasevalue: 5_000_000_000,
      target: '7fffff0000000000000000000000000000000000000000000000000000000000',
      mintime: tip.mediantime + 1,
      mutable: ['time', 'transactions', 'prevblock'],
      noncerange: '00000000ffffffff',
      sigoplimit: 80_000,
      sizelimit: 4_000_000,
      weightlimit: 4_000_000,
      bits: '207fffff',
      height: tip.height + 1,
      default_witness_commitment: witnessCommitment([]),
    });
    expect(t.longpollid.startsWith(tipHash)).toBe(true);
    expect(t.curtime).toBeGreaterThanOrEqual(t.mintime);
  });

  it('refuses a request without the segwit rule, with Core text', async () => {
    const msg =
      'getblocktemplate must be called with the segwit rule set (call with {"rules": ["segwit"]})';
    for (const args of [[{}], [{ rules: [] }], [{ rules: ['csv'] }]]) {
      const e = await rpcError('getblocktemplate', ...args);
      expect([e.code, e.message]).toEqual([-8, msg]);
    }
    const mode = await rpcError('getblocktemplate', { mode: 'bogus', rules: ['segwit'] });
    expect([mode.code, mode.message]).toEqual([-8, 'Invalid mode']);
    const noData = await rpcError('getblocktemplate', { mode: 'proposal' });
    expect([noData.code, noData.message]).toEqual([-3, 'Missing data String key for proposal']);
    const bad = await rpcError('getblocktemplate', { mode: 'proposal', data: '00' });
    expect([bad.code, bad.message]).toEqual([-22, 'Block decode failed']);
  });

  it('lists mempool transactions with fees, sigops, weight and parent indexes; a block built from it is accepted', async () => {
    // A parent with two outputs, a child spending both, and an unrelated transaction
    // paying a higher fee rate (so it sorts first by ancestor fee rate).
    const [c0, c1] = [coins[0]!, coins[1]!];
    const half = c0.valueSats / 2n;
    const parent = wallet.spend(
      [c0],
      [
        { to: wallet.address, valueSats: half },
        { to: wallet.address, valueSats: c0.valueSats - half - 1_000n },
      ],
    );
    // The child spends both of the parent's outputs: Core lists the parent once per input.
    const rest = c0.valueSats - half - 1_000n;
    const child = wallet.spend(
      [
        { txid: parent.txid, vout: 0, valueSats: half },
        { txid: parent.txid, vout: 1, valueSats: rest },
      ],
      [{ to: wallet.address, valueSats: half + rest - 2_000n }],
    );
    const loner = wallet.payToSelf(c1, 5_000n);
    for (const tx of [parent, child, loner]) await node.rpc('sendrawtransaction', tx.hex);

    const t = await gbt();
    const byTxid = new Map(t.transactions.map((x, i) => [x.txid, { ...x, index: i + 1 }]));
    expect([...byTxid.keys()].sort()).toEqual([parent.txid, child.txid, loner.txid].sort());
    const p = byTxid.get(parent.txid)!;
    const c = byTxid.get(child.txid)!;
    const l = byTxid.get(loner.txid)!;
    expect(l.index).toBe(1);
    expect(p.index).toBeLessThan(c.index);
    // BIP22: depends are 1-based indexes into `transactions` (the coinbase is 0).
    expect(c.depends).toEqual([p.index, p.index]);
    expect(p.depends).toEqual([]);
    expect(l.depends).toEqual([]);
    expect([p.fee, c.fee, l.fee]).toEqual([1_000, 2_000, 5_000]);
    for (const [x, signed] of [
      [p, parent],
      [c, child],
      [l, loner],
    ] as const) {
      expect(x.data).toBe(signed.hex);
      const tx = Transaction.decode(fromHex(signed.hex));
      expect(x.hash).toBe(tx.wtxidHex());
      expect(x.weight).toBe(tx.weight());
      // One witness sigop per P2WPKH input, counted unscaled in the sigop cost (BIP141).
      expect(x.sigops).toBe(tx.vin.length);
    }
    expect(t.coinbasevalue).toBe(5_000_000_000 + 8_000);
    expect(t.default_witness_commitment).toBe(witnessCommitment(t.transactions.map((x) => x.hash)));

    // Proposal mode (BIP23) on the unground block: only PoW is not checked.
    const block = blockFromTemplate(t);
    const unground = blockFromTemplate(t, { grind: false });
    expect(
      await node.rpc('getblocktemplate', { mode: 'proposal', data: toHex(unground.serialize()) }),
    ).toBeNull();
    // Invalid: the coinbase claims one satoshi more than subsidy plus fees.
    const greedy = blockFromTemplate(t, { grind: false, extraSats: 1n });
    expect(
      await node.rpc('getblocktemplate', { mode: 'proposal', data: toHex(greedy.serialize()) }),
    ).toBe('bad-cb-amount');
    // Invalid: the header commits to the wrong merkle root.
    const h = unground.header;
    const badRoot = new Block(
      new BlockHeader(h.version, h.prevBlock, new Uint8Array(32), h.time, h.bits, h.nonce),
      unground.txs,
    );
    expect(
      await node.rpc('getblocktemplate', { mode: 'proposal', data: toHex(badRoot.serialize()) }),
    ).toBe('bad-txnmrklroot');
    // Invalid: the witness commitment does not match (a transaction dropped from the block).
    const cb = unground.txs[0]!;
    const dropped = unground.txs.filter((x) => x.txidHex() !== l.txid);
    const droppedRoot = computeMerkleRoot(dropped.map((x) => x.txid())).root;
    const badCommit = new Block(
      new BlockHeader(h.version, h.prevBlock, droppedRoot, h.time, h.bits, h.nonce),
      [cb, ...dropped.slice(1)],
    );
    expect(
      await node.rpc('getblocktemplate', { mode: 'proposal', data: toHex(badCommit.serialize()) }),
    ).toBe('bad-witness-merkle-match');

    const heightBefore = await node.rpc<number>('getblockcount');
    expect(await node.rpc('submitblock', toHex(block.serialize()))).toBeNull();
    expect(await node.rpc('getbestblockhash')).toBe(block.header.hashHex());
    expect(await node.rpc('getblockcount')).toBe(heightBefore + 1);
    expect(await node.rpc('getrawmempool')).toEqual([]);
    const mined = await node.rpc<{ tx: { txid: string; vout: { value: number }[] }[] }>(
      'getblock',
      block.header.hashHex(),
      2,
    );
    expect(mined.tx.map((x) => x.txid)).toEqual(block.txs.map((x) => x.txidHex()));
    expect(toSats(mined.tx[0]!.vout[0]!.value)).toBe(5_000_008_000n);

    // The same block again: known and valid; on an old parent: not the best prevblock.
    expect(
      await node.rpc('getblocktemplate', { mode: 'proposal', data: toHex(block.serialize()) }),
    ).toBe('duplicate');
    expect(await node.rpc('submitblock', toHex(block.serialize()))).toBe('duplicate');
    expect(
      await node.rpc('getblocktemplate', { mode: 'proposal', data: toHex(greedy.serialize()) }),
    ).toBe('inconclusive-not-best-prevblk');

    // The next template builds on the new tip with an empty mempool.
    const next = await gbt();
    expect(next.previousblockhash).toBe(block.header.hashHex());
    expect(next.transactions).toEqual([]);
    expect(next.height).toBe(heightBefore + 2);
  });
});
