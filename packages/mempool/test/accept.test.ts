/**
 * acceptToMemoryPool with Core's exact reject reasons, on a regtest chain mined here and
 * transactions signed by bitcoinjs-lib; after each rejection the mempool is unchanged.
 */
import * as bitcoin from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import {
  OutPoint,
  Transaction,
  concatBytes,
  sha256,
  witnessProgramScript,
  type TxOut,
} from '@bitcoind-lite/consensus';
import { rejectionToString } from '../src/index.js';
import { Key, outputOf, pay, setup, signTx, type SpendInput } from './harness.js';

function snapshot(m: ReturnType<typeof setup>['mempool']) {
  return (
    [...m.pool.entries()]
      .map((e) => e.txidHex)
      .sort()
      .join(',') + `|${m.pool.bytes}`
  );
}

async function expectReject(
  env: ReturnType<typeof setup>,
  tx: Transaction,
  reason: string,
  debug?: string,
) {
  const before = snapshot(env.mempool);
  const r = await env.mempool.acceptToMemoryPool(tx);
  expect(r.valid).toBe(false);
  expect(r.rejectReason).toBe(reason);
  if (debug !== undefined) expect(r.debugMessage).toBe(debug);
  expect(snapshot(env.mempool)).toBe(before);
  return r;
}

function coins(env: ReturnType<typeof setup>): SpendInput[] {
  return env.chain.matureCoinbases(env.key.p2wpkh).map((c) => ({ ...c, key: env.key }));
}

describe('acceptToMemoryPool reject reasons', () => {
  it('accepts, then txn-already-in-mempool; testAccept leaves the pool alone', async () => {
    const env = setup();
    const [c] = coins(env);
    const tx = pay(c!, env.key.p2wpkh, 2000n);
    const t = await env.mempool.acceptToMemoryPool(tx, { testAccept: true });
    expect(t.valid).toBe(true);
    expect(env.mempool.size()).toBe(0);
    expect((await env.mempool.acceptToMemoryPool(tx)).valid).toBe(true);
    await expectReject(env, tx, 'txn-already-in-mempool');
  });

  it('version and scriptpubkey via standardness, acceptnonstdtxn lifts them', async () => {
    const env = setup();
    const [c] = coins(env);
    await expectReject(env, pay(c!, env.key.p2wpkh, 2000n, { version: 4 }), 'version');
    const odd = signTx([c!], [{ value: 10_000n, scriptPubKey: Uint8Array.of(0x61, 0x51) }]);
    // the rest is fee: far above min relay, but the output type is unknown
    await expectReject(env, odd, 'scriptpubkey');
    const loose = setup({ settings: { acceptNonStdTxn: true } });
    const [c2] = coins(loose);
    const v4 = pay(c2!, loose.key.p2wpkh, 2000n, { version: 4 });
    expect((await loose.mempool.acceptToMemoryPool(v4)).valid).toBe(true);
  });

  it('dust: a dust output must be in a zero-fee transaction', async () => {
    const env = setup();
    const [c] = coins(env);
    const tx = signTx(
      [c!],
      [
        { value: c!.out.value - 10_000n, scriptPubKey: env.key.p2wpkh },
        { value: 100n, scriptPubKey: env.key.p2wpkh },
      ],
    );
    await expectReject(env, tx, 'dust', 'tx with dust output must be 0-fee');
  });

  it('missing-inputs (orphan) and bad-txns-inputs-missingorspent', async () => {
    const env = setup();
    const [c] = coins(env);
    const ghost = { ...c!, outpoint: new OutPoint(new Uint8Array(32).fill(9), 0) };
    const r = await expectReject(
      env,
      pay(ghost, env.key.p2wpkh, 2000n),
      'bad-txns-inputs-missingorspent',
    );
    expect(r.result).toBe('missing-inputs');
  });

  it('txn-already-known for a confirmed transaction', async () => {
    const env = setup();
    const [c] = coins(env);
    const tx = pay(c!, env.key.p2wpkh, 2000n);
    env.chain.mine(env.key.p2wpkh, [{ tx, feeSats: 2000n }]);
    await expectReject(env, tx, 'txn-already-known');
  });

  it('non-final and non-BIP68-final', async () => {
    const env = setup();
    const [c1, c2] = coins(env);
    const h = env.chain.tipHeight();
    await expectReject(
      env,
      pay({ ...c1!, sequence: 0 }, env.key.p2wpkh, 2000n, { locktime: h + 2 }),
      'non-final',
    );
    // locktime of the next block is final
    expect(
      (
        await env.mempool.acceptToMemoryPool(
          pay({ ...c1!, sequence: 0 }, env.key.p2wpkh, 2000n, { locktime: h }),
        )
      ).valid,
    ).toBe(true);
    // BIP68: the coin must be 500 blocks deep
    await expectReject(
      env,
      pay({ ...c2!, sequence: 500 }, env.key.p2wpkh, 2000n),
      'non-BIP68-final',
    );
  });

  it('bad-txns-premature-spend-of-coinbase with the depth', async () => {
    const env = setup();
    const latest = [...env.chain.utxos.entries()].find(
      ([, c]) => c.height === env.chain.tipHeight(),
    )!;
    const [txidHex, vout] = latest[0].split(':');
    const input: SpendInput = {
      outpoint: new OutPoint(Uint8Array.from(Buffer.from(txidHex!, 'hex')), Number(vout)),
      out: latest[1].out,
      key: env.key,
    };
    await expectReject(
      env,
      pay(input, env.key.p2wpkh, 2000n),
      'bad-txns-premature-spend-of-coinbase',
      'tried to spend coinbase at depth 1',
    );
  });

  it('min relay fee not met with Core debug text', async () => {
    const env = setup();
    const [c] = coins(env);
    const tx = pay(c!, env.key.p2wpkh, 5n);
    const need = (BigInt(tx.vsize()) * 100n + 999n) / 1000n;
    const r = await expectReject(env, tx, 'min relay fee not met', `5 < ${need}`);
    expect(r.result).toBe('reconsiderable');
    expect(rejectionToString(r)).toBe(`min relay fee not met, 5 < ${need}`);
  });

  it('mempool-script-verify-flag-failed for consensus and policy script failures (Core 30)', async () => {
    const env = setup();
    const [c1, c2] = coins(env);
    const good = pay(c1!, env.key.p2wpkh, 2000n);
    const sig = good.vin[0]!.witness[0]!.slice();
    sig[10]! ^= 1; // corrupt r
    const broken = new Transaction(
      good.version,
      [{ ...good.vin[0]!, witness: [sig, good.vin[0]!.witness[1]!] }],
      good.vout,
      0,
    );
    await expectReject(
      env,
      broken,
      'mempool-script-verify-flag-failed (Signature must be zero for failed CHECK(MULTI)SIG operation)',
    );

    // High-S: valid for consensus, refused by policy (LOW_S).
    const ok = pay(c2!, env.key.p2wpkh, 2000n);
    const w = ok.vin[0]!.witness;
    const dec = bitcoin.script.signature.decode(w[0]!);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt('0x' + Buffer.from(dec.signature.subarray(32)).toString('hex'));
    const hiS = Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex');
    const sig2 = bitcoin.script.signature.encode(
      concatBytes(dec.signature.subarray(0, 32), hiS),
      dec.hashType,
    );
    const high = new Transaction(
      ok.version,
      [{ ...ok.vin[0]!, witness: [sig2, w[1]!] }],
      ok.vout,
      0,
    );
    await expectReject(
      env,
      high,
      'mempool-script-verify-flag-failed (Non-canonical signature: S value is unnecessarily high)',
    );
  });

  it('bad-txns-nonstandard-inputs and bad-witness-nonstandard', async () => {
    const env = setup();
    const [c1, c2] = coins(env);
    // Confirm outputs of a nonstandard type (bare OP_TRUE) and a P2WSH of OP_DROP OP_TRUE.
    const witnessScript = Uint8Array.of(0x75, 0x51);
    const p2wsh = witnessProgramScript(0, sha256(witnessScript));
    const fund = signTx(
      [c1!, c2!],
      [
        { value: 100_000n, scriptPubKey: Uint8Array.of(0x51) },
        { value: 100_000n, scriptPubKey: p2wsh },
      ],
    );
    env.chain.mine(env.key.p2wpkh, [
      { tx: fund, feeSats: c1!.out.value + c2!.out.value - 200_000n },
    ]);
    const spendTrue = new Transaction(
      2,
      [
        {
          prevout: new OutPoint(fund.txid(), 0),
          scriptSig: new Uint8Array(0),
          sequence: 0xffffffff,
          witness: [],
        },
      ],
      [{ value: 90_000n, scriptPubKey: env.key.p2wpkh }],
      0,
    );
    await expectReject(env, spendTrue, 'bad-txns-nonstandard-inputs');
    const spendWsh = new Transaction(
      2,
      [
        {
          prevout: new OutPoint(fund.txid(), 1),
          scriptSig: new Uint8Array(0),
          sequence: 0xffffffff,
          witness: [new Uint8Array(81), witnessScript],
        },
      ],
      [{ value: 90_000n, scriptPubKey: env.key.p2wpkh }],
      0,
    );
    await expectReject(env, spendWsh, 'bad-witness-nonstandard');
    const fine = new Transaction(
      2,
      [
        {
          prevout: new OutPoint(fund.txid(), 1),
          scriptSig: new Uint8Array(0),
          sequence: 0xffffffff,
          witness: [new Uint8Array(80), witnessScript],
        },
      ],
      [{ value: 90_000n, scriptPubKey: env.key.p2wpkh }],
      0,
    );
    expect((await env.mempool.acceptToMemoryPool(fine)).valid).toBe(true);
  });

  it('txn-mempool-conflict with -mempoolfullrbf=0 and an unsignalled original', async () => {
    const env = setup({ settings: { fullRbf: false } });
    const [c] = coins(env);
    const a = pay({ ...c!, sequence: 0xffffffff }, env.key.p2wpkh, 2000n);
    expect((await env.mempool.acceptToMemoryPool(a)).valid).toBe(true);
    const b = pay({ ...c!, sequence: 0xffffffff }, new Key(2).p2wpkh, 50_000n);
    await expectReject(env, b, 'txn-mempool-conflict');
  });

  it('TRUC-violation: a version-3 child of a non-version-3 parent', async () => {
    const env = setup();
    const [c] = coins(env);
    const parent = pay(c!, env.key.p2wpkh, 2000n);
    expect((await env.mempool.acceptToMemoryPool(parent)).valid).toBe(true);
    const child = pay(outputOf(parent, 0, env.key), env.key.p2wpkh, 2000n, { version: 3 });
    const r = await expectReject(env, child, 'TRUC-violation');
    expect(r.debugMessage).toBe(
      `version=3 tx ${child.txidHex()} (wtxid=${child.wtxidHex()}) cannot spend from non-version=3 tx ${parent.txidHex()} (wtxid=${parent.wtxidHex()})`,
    );
  });

  it('testAcceptPackage: a parent and child judged together, and package-not-sorted', async () => {
    const env = setup();
    const [c] = coins(env);
    const parent = pay(c!, env.key.p2wpkh, 2000n);
    const child = pay(outputOf(parent, 0, env.key), env.key.p2wpkh, 2000n);
    const ok = await env.mempool.testAcceptPackage([parent, child]);
    expect(ok.packageError).toBeUndefined();
    expect(ok.results.map((r) => r?.valid)).toEqual([true, true]);
    expect(env.mempool.size()).toBe(0);
    const bad = await env.mempool.testAcceptPackage([child, parent]);
    expect(bad.packageError).toBe('package-not-sorted');
  });
});

export type { TxOut };
