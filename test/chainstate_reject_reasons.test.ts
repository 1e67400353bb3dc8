/**
 * Every block reject reason of issue 4, on a real node process: each test builds the bad block
 * on the node's tip, submits it with `submitblock`, checks Core's exact reject string in the
 * result, and checks the tip did not move. Blocks are built here (no getblocktemplate) and pay
 * to OP_TRUE, so spends need no signatures; the script failure spends an `OP_2 OP_EQUAL` output.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Block,
  OutPoint,
  Transaction,
  concatBytes,
  getBlockSubsidy,
  getChainParams,
  pushScriptNumber,
} from '@bitcoind-lite/consensus';
import {
  OP_TRUE_SCRIPT,
  assembleBlock,
  buildBlockOn,
  makeCoinbase,
  mineFailing,
  spendTx,
} from '@bitcoind-lite/chain/testing';
import * as ecc from 'tiny-secp256k1';
import {
  PrecomputedTransactionData,
  SigVersion,
  taggedHash,
  taprootSignatureHash,
} from '@bitcoind-lite/consensus';
import { mineOnNode, submit, tipRef } from './framework/chain-builder.js';
import { RpcCallError, TestNode } from './framework/test-node.js';

const params = getChainParams('regtest');
const OP_2_EQUAL = Uint8Array.of(0x52, 0x87);
const SCRIPT_HEIGHT = 2;
const TAPROOT_HEIGHT = 19;

/** A BIP341 key-path key: the tweaked secret and the output script OP_1 <Q>. */
function taprootKey(): { secret: Uint8Array; script: Uint8Array } {
  let d: Uint8Array = new Uint8Array(32).fill(0x11);
  const p = ecc.pointFromScalar(d, true)!;
  if (p[0] === 0x03) d = ecc.privateNegate(d);
  const x = p.subarray(1);
  const tweak = taggedHash('TapTweak', x);
  const q = ecc.xOnlyPointAddTweak(x, tweak)!;
  return {
    secret: ecc.privateAdd(d, tweak)!,
    script: concatBytes(Uint8Array.of(0x51, 0x20), q.xOnlyPubkey),
  };
}
const TAPROOT = taprootKey();

let node: TestNode;
let coinbases: Map<number, Transaction>;

/** The coinbase output at `height` as a spendable prevout. */
function coin(height: number): { txid: Uint8Array; vout: number; value: bigint } {
  const cb = coinbases.get(height)!;
  return { txid: cb.txid(), vout: 0, value: cb.vout[0]!.value };
}

/** Submits `block` and returns the result, checking the tip stayed where it was. */
async function submitExpectTipUnchanged(block: Block): Promise<unknown> {
  const before = await node.rpc<string>('getbestblockhash');
  const r = await submit(node, block);
  expect(await node.rpc<string>('getbestblockhash')).toBe(before);
  return r;
}

beforeAll(async () => {
  node = await TestNode.start({ noP2P: true, outbound: false });
  coinbases = await mineOnNode(node, params, 120, {
    payTo: (h) =>
      h === SCRIPT_HEIGHT ? OP_2_EQUAL : h === TAPROOT_HEIGHT ? TAPROOT.script : undefined,
  });
}, 120_000);

afterAll(async () => {
  await node?.stop();
});

describe('chainstate reject reasons over submitblock', () => {
  // ---- CheckBlockHeader / ContextualCheckBlockHeader ----

  it('high-hash: the header does not meet its own target', async () => {
    const parent = await tipRef(node);
    const good = buildBlockOn(parent, params);
    const bad = new Block(mineFailing(good.header, params.powLimit), good.txs);
    expect(await submitExpectTipUnchanged(bad)).toBe('high-hash');
  });

  it('bad-diffbits: nBits differs from what regtest requires', async () => {
    const parent = await tipRef(node);
    expect(await submitExpectTipUnchanged(buildBlockOn(parent, params, { bits: 0x207ffffe }))).toBe(
      'bad-diffbits',
    );
  });

  it('time-too-old: the time is not after the median time past', async () => {
    const parent = await tipRef(node);
    const h = await node.rpc<{ mediantime: number }>('getblockheader', parent.hashHex);
    const block = buildBlockOn(parent, params, { time: h.mediantime });
    expect(await submitExpectTipUnchanged(block)).toBe('time-too-old');
  });

  it('time-too-new: more than two hours ahead of the node clock', async () => {
    const parent = await tipRef(node);
    const nowS = Math.floor(Date.now() / 1000);
    const block = buildBlockOn(parent, params, { time: nowS + 2 * 60 * 60 + 600 });
    expect(await submitExpectTipUnchanged(block)).toBe('time-too-new');
  });

  // ---- CheckBlock ----

  it('bad-txns-duplicate: a merkle tree made ambiguous by a repeated transaction (CVE-2012-2459)', async () => {
    const parent = await tipRef(node);
    const a = spendTx([coin(3)], 1000n);
    const b = spendTx([coin(4)], 1000n);
    const good = buildBlockOn(parent, params, { txs: [a, b], feesSats: 2000n });
    // [cb, a, b, b] has the same merkle root as [cb, a, b].
    const bad = new Block(good.header, [...good.txs, b]);
    expect(await submitExpectTipUnchanged(bad)).toBe('bad-txns-duplicate');
    // Not cached as invalid: the same header with the right transactions is accepted.
    expect(await submit(node, good)).toBe(null);
    expect(await node.rpc('getbestblockhash')).toBe(good.hashHex());
  });

  it('bad-blk-length: over 1,000,000 bytes without witness', async () => {
    const parent = await tipRef(node);
    const txs = [5, 6, 7, 8].map((h) => {
      const t = spendTx([coin(h)], 1000n);
      return new Transaction(
        t.version,
        t.vin,
        [{ value: 0n, scriptPubKey: new Uint8Array(260_000).fill(0x6a) }],
        0,
      );
    });
    expect(await submitExpectTipUnchanged(buildBlockOn(parent, params, { txs }))).toBe(
      'bad-blk-length',
    );
  });

  it('bad-cb-missing: submitblock refuses it as Core does; loadblock logs the reason', async () => {
    const parent = await tipRef(node);
    const t = spendTx([coin(9)], 1000n);
    const bad = assembleBlock(parent, [t], params);
    const before = await node.rpc<string>('getbestblockhash');
    const err = await submit(node, bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcCallError);
    expect((err as RpcCallError).code).toBe(-22);
    expect((err as RpcCallError).message).toBe('Block does not start with a coinbase');
    expect(await node.rpc('getbestblockhash')).toBe(before);

    // Through the import path the block reaches validation and its reason is logged.
    const other = TestNode.create({ noP2P: true, outbound: false });
    const genesis = { hash: params.genesis.hash(), height: 0, time: params.genesis.header.time };
    const onGenesis = assembleBlock(genesis, [t], params);
    const raw = onGenesis.serialize();
    const frame = new Uint8Array(8 + raw.length);
    frame.set(params.messageStart, 0);
    new DataView(frame.buffer).setUint32(4, raw.length, true);
    frame.set(raw, 8);
    const file = join(other.dir, 'bad.dat');
    writeFileSync(file, frame);
    const importer = TestNode.create({
      dir: other.dir,
      noP2P: true,
      outbound: false,
    });
    writeFileSync(
      importer.manifestPath,
      (await import('node:fs')).readFileSync(importer.manifestPath, 'utf8') +
        `loadblock: !file\n  path: ./bad.dat\n`,
    );
    await importer.launch();
    expect(importer.output).toContain('bad-cb-missing');
    expect(await importer.rpc('getblockcount')).toBe(0);
    await importer.stop();
  });

  it('bad-cb-multiple: a second coinbase', async () => {
    const parent = await tipRef(node);
    const second = makeCoinbase(parent.height + 1, 1000n, 99, OP_TRUE_SCRIPT);
    expect(await submitExpectTipUnchanged(buildBlockOn(parent, params, { txs: [second] }))).toBe(
      'bad-cb-multiple',
    );
  });

  it('bad-txns-inputs-duplicate: one outpoint spent twice in a transaction (CVE-2018-17144)', async () => {
    const parent = await tipRef(node);
    const t = spendTx([coin(10), coin(10)], 1000n);
    expect(await submitExpectTipUnchanged(buildBlockOn(parent, params, { txs: [t] }))).toBe(
      'bad-txns-inputs-duplicate',
    );
  });

  it('bad-blk-sigops: more than 80,000 legacy sigop cost', async () => {
    const parent = await tipRef(node);
    const block = buildBlockOn(parent, params, { payTo: new Uint8Array(20_001).fill(0xac) });
    expect(await submitExpectTipUnchanged(block)).toBe('bad-blk-sigops');
  });

  // ---- ContextualCheckBlock ----

  it('bad-txns-nonfinal: a lock time not yet reached', async () => {
    const parent = await tipRef(node);
    const t = spendTx([coin(11)], 1000n, 1, { locktime: parent.height + 10 });
    expect(
      await submitExpectTipUnchanged(buildBlockOn(parent, params, { txs: [t], feesSats: 1000n })),
    ).toBe('bad-txns-nonfinal');
  });

  it('bad-cb-height: the coinbase does not start with the height (BIP34)', async () => {
    const parent = await tipRef(node);
    const scriptSig = concatBytes(pushScriptNumber(parent.height + 2), pushScriptNumber(17));
    const block = buildBlockOn(parent, params, { coinbaseScriptSig: scriptSig });
    expect(await submitExpectTipUnchanged(block)).toBe('bad-cb-height');
  });

  it('bad-witness-nonce-size: the coinbase witness is not one 32-byte item', async () => {
    const parent = await tipRef(node);
    const good = buildBlockOn(parent, params);
    const cb = good.txs[0]!;
    const bad = new Block(good.header, [
      new Transaction(cb.version, [{ ...cb.vin[0]!, witness: [new Uint8Array(31)] }], cb.vout, 0),
    ]);
    expect(await submitExpectTipUnchanged(bad)).toBe('bad-witness-nonce-size');
  });

  it('bad-witness-merkle-match: the commitment does not match the witnesses', async () => {
    const parent = await tipRef(node);
    const good = buildBlockOn(parent, params);
    const cb = good.txs[0]!;
    const bad = new Block(good.header, [
      new Transaction(
        cb.version,
        [{ ...cb.vin[0]!, witness: [new Uint8Array(32).fill(1)] }],
        cb.vout,
        0,
      ),
    ]);
    expect(await submitExpectTipUnchanged(bad)).toBe('bad-witness-merkle-match');
  });

  it('unexpected-witness: witness data without a commitment', async () => {
    const parent = await tipRef(node);
    const t = spendTx([coin(12)], 1000n);
    const withWitness = new Transaction(
      t.version,
      [{ ...t.vin[0]!, witness: [Uint8Array.of(1)] }],
      t.vout,
      0,
    );
    const block = buildBlockOn(parent, params, {
      txs: [withWitness],
      feesSats: 1000n,
      witnessCommitment: false,
    });
    expect(await submitExpectTipUnchanged(block)).toBe('unexpected-witness');
  });

  it('bad-blk-weight: over 4,000,000 weight units with witness data', async () => {
    const parent = await tipRef(node);
    const t = spendTx([coin(13)], 1000n);
    const heavy = new Transaction(
      t.version,
      [{ ...t.vin[0]!, witness: [new Uint8Array(4_000_000)] }],
      t.vout,
      0,
    );
    const block = buildBlockOn(parent, params, { txs: [heavy], feesSats: 1000n });
    expect(await submitExpectTipUnchanged(block)).toBe('bad-blk-weight');
  });

  // ---- ConnectBlock ----

  it('bad-txns-nonfinal: a BIP68 relative lock not yet reached', async () => {
    const parent = await tipRef(node);
    // Relative height lock of 500 blocks on a coin from height 14.
    const t = spendTx([coin(14)], 1000n, 1, { version: 2, sequence: 500 });
    expect(
      await submitExpectTipUnchanged(buildBlockOn(parent, params, { txs: [t], feesSats: 1000n })),
    ).toBe('bad-txns-nonfinal');
  });

  it('bad-txns-inputs-missingorspent: an outpoint that does not exist', async () => {
    const parent = await tipRef(node);
    const t = spendTx([{ txid: new Uint8Array(32).fill(7), vout: 0, value: 1000n }], 0n);
    expect(await submitExpectTipUnchanged(buildBlockOn(parent, params, { txs: [t] }))).toBe(
      'bad-txns-inputs-missingorspent',
    );
  });

  it('bad-txns-in-belowout: outputs worth more than the inputs', async () => {
    const parent = await tipRef(node);
    const t = spendTx([coin(15)], -1n);
    expect(await submitExpectTipUnchanged(buildBlockOn(parent, params, { txs: [t] }))).toBe(
      'bad-txns-in-belowout',
    );
  });

  it('bad-txns-premature-spend-of-coinbase: a coinbase with fewer than 100 confirmations', async () => {
    const parent = await tipRef(node);
    const t = spendTx([coin(110)], 1000n);
    expect(
      await submitExpectTipUnchanged(buildBlockOn(parent, params, { txs: [t], feesSats: 1000n })),
    ).toBe('bad-txns-premature-spend-of-coinbase');
  });

  it('bad-cb-amount: the coinbase claims more than subsidy plus fees', async () => {
    const parent = await tipRef(node);
    const value = getBlockSubsidy(parent.height + 1, params) + 1n;
    expect(
      await submitExpectTipUnchanged(buildBlockOn(parent, params, { coinbaseValue: value })),
    ).toBe('bad-cb-amount');
  });

  it('bad-txns-BIP30: a transaction that would overwrite unspent outputs', async () => {
    let parent = await tipRef(node);
    const t = spendTx([coin(16)], 1000n, 2);
    const first = buildBlockOn(parent, params, { txs: [t], feesSats: 1000n });
    expect(await submit(node, first)).toBe(null);
    parent = await tipRef(node);
    expect(parent.hashHex).toBe(first.hashHex());
    // The same transaction again: its inputs are spent, but BIP30 is checked first.
    const again = buildBlockOn(parent, params, { txs: [t], feesSats: 1000n });
    expect(await submitExpectTipUnchanged(again)).toBe('bad-txns-BIP30');
  });

  it('block-script-verify-flag-failed: a script that evaluates to false', async () => {
    const parent = await tipRef(node);
    const c = coin(SCRIPT_HEIGHT);
    // OP_3 against `OP_2 OP_EQUAL`.
    const t = spendTx([c], 1000n, 1, { scriptSig: Uint8Array.of(0x53) });
    expect(
      await submitExpectTipUnchanged(buildBlockOn(parent, params, { txs: [t], feesSats: 1000n })),
    ).toBe(
      'block-script-verify-flag-failed (Script evaluated without error but finished with a false/empty top stack element)',
    );
    // The right push spends it.
    const ok = spendTx([c], 1000n, 1, { scriptSig: Uint8Array.of(0x52) });
    const good = buildBlockOn(parent, params, { txs: [ok], feesSats: 1000n, extraNonce: 1 });
    expect(await submit(node, good)).toBe(null);
    expect(await node.rpc('getbestblockhash')).toBe(good.hashHex());
  });

  // ---- The other reasons packages/chain raises ----

  it('bad-txnmrklroot: the header commits to other transactions', async () => {
    const parent = await tipRef(node);
    const good = buildBlockOn(parent, params);
    const other = buildBlockOn(parent, params, { extraNonce: 5 });
    const bad = assembleBlock(parent, good.txs, params, {
      merkleRoot: other.header.merkleRoot,
      time: parent.time + 600,
    });
    expect(await submitExpectTipUnchanged(bad)).toBe('bad-txnmrklroot');
  });

  it('CheckTransaction reasons inside a block', async () => {
    const MAX_MONEY = 21_000_000n * 100_000_000n;
    const parent = await tipRef(node);
    const base = spendTx([coin(17)], 1000n);
    const withOutputs = (vout: { value: bigint; scriptPubKey: Uint8Array }[]): Transaction =>
      new Transaction(base.version, base.vin, vout, 0);
    const cases: [Transaction, string][] = [
      [withOutputs([]), 'bad-txns-vout-empty'],
      [withOutputs([{ value: -1n, scriptPubKey: OP_TRUE_SCRIPT }]), 'bad-txns-vout-negative'],
      [
        withOutputs([{ value: MAX_MONEY + 1n, scriptPubKey: OP_TRUE_SCRIPT }]),
        'bad-txns-vout-toolarge',
      ],
      [
        withOutputs([
          { value: MAX_MONEY, scriptPubKey: OP_TRUE_SCRIPT },
          { value: 1n, scriptPubKey: OP_TRUE_SCRIPT },
        ]),
        'bad-txns-txouttotal-toolarge',
      ],
      [
        new Transaction(
          2,
          [{ ...base.vin[0]!, prevout: OutPoint.null() }, { ...base.vin[0]! }],
          base.vout,
          0,
        ),
        'bad-txns-prevout-null',
      ],
    ];
    for (const [tx, reason] of cases) {
      const block = buildBlockOn(parent, params, { txs: [tx] });
      expect(await submitExpectTipUnchanged(block)).toBe(reason);
    }
  });

  it('bad-cb-length: a coinbase scriptSig over 100 bytes', async () => {
    const parent = await tipRef(node);
    const scriptSig = concatBytes(
      pushScriptNumber(parent.height + 1),
      Uint8Array.of(0x4c, 98),
      new Uint8Array(98),
    );
    expect(scriptSig.length).toBeGreaterThan(100);
    const block = buildBlockOn(parent, params, { coinbaseScriptSig: scriptSig });
    expect(await submitExpectTipUnchanged(block)).toBe('bad-cb-length');
  });

  it('bad-version: a version 1 block after BIP34/65/66', async () => {
    const parent = await tipRef(node);
    expect(await submitExpectTipUnchanged(buildBlockOn(parent, params, { version: 1 }))).toBe(
      'bad-version(0x00000001)',
    );
  });

  it('prev-blk-not-found: a block whose parent is unknown', async () => {
    const parent = await tipRef(node);
    const orphan = buildBlockOn({ ...parent, hash: new Uint8Array(32).fill(9) }, params);
    expect(await submitExpectTipUnchanged(orphan)).toBe('prev-blk-not-found');
  });

  it('bad-prevblk: a block on an invalid parent', async () => {
    const parent = await tipRef(node);
    const invalid = buildBlockOn(parent, params, {
      coinbaseValue: getBlockSubsidy(parent.height + 1, params) + 9n,
      extraNonce: 11,
    });
    expect(await submitExpectTipUnchanged(invalid)).toBe('bad-cb-amount');
    const child = buildBlockOn(
      { hash: invalid.hash(), height: parent.height + 1, time: invalid.header.time },
      params,
    );
    expect(await submitExpectTipUnchanged(child)).toBe('bad-prevblk');
  });

  it('block-script-verify-flag-failed: a taproot key-path spend with a bad Schnorr signature', async () => {
    const parent = await tipRef(node);
    const cb = coinbases.get(TAPROOT_HEIGHT)!;
    const unsigned = spendTx([coin(TAPROOT_HEIGHT)], 1000n);
    const txdata = new PrecomputedTransactionData(unsigned, [cb.vout[0]!]);
    const sighash = taprootSignatureHash(unsigned, 0, 0, SigVersion.TAPROOT, txdata, {
      annexHash: undefined,
    })!;
    const sig = ecc.signSchnorr(sighash, TAPROOT.secret, new Uint8Array(32));
    const withSig = (s64: Uint8Array): Transaction =>
      new Transaction(
        unsigned.version,
        [{ ...unsigned.vin[0]!, witness: [s64] }],
        unsigned.vout,
        0,
      );
    const bad = Uint8Array.from(sig);
    bad[10]! ^= 1;
    expect(
      await submitExpectTipUnchanged(
        buildBlockOn(parent, params, { txs: [withSig(bad)], feesSats: 1000n }),
      ),
    ).toBe('block-script-verify-flag-failed (Invalid Schnorr signature)');
    // The real signature (libsecp256k1 in WebAssembly signs, the node's interpreter verifies).
    const good = buildBlockOn(parent, params, {
      txs: [withSig(sig)],
      feesSats: 1000n,
      extraNonce: 3,
    });
    expect(await submit(node, good)).toBe(null);
    expect(await node.rpc('getbestblockhash')).toBe(good.hashHex());
  });

  it('an invalid block shows in getchaintips as invalid and is not accepted again', async () => {
    const parent = await tipRef(node);
    const bad = buildBlockOn(parent, params, {
      coinbaseValue: getBlockSubsidy(parent.height + 1, params) + 5n,
      extraNonce: 7,
    });
    expect(await submit(node, bad)).toBe('bad-cb-amount');
    const tips = await node.rpc<{ hash: string; status: string }[]>('getchaintips');
    expect(tips.find((t) => t.hash === bad.hashHex())?.status).toBe('invalid');
    // Core's submitblock looks the hash up first and answers from the index.
    expect(await submit(node, bad)).toBe('duplicate-invalid');
    expect(await node.rpc('getbestblockhash')).toBe(parent.hashHex);
  });
});
