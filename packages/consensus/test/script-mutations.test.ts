/**
 * Checks a lenient interpreter would get wrong (issue 3, item 3), and the signature cache.
 */
import { createHmac } from 'node:crypto';
import * as secp from '@noble/secp256k1';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex } from '../src/bytes.js';
import { sha256, taggedHash } from '../src/hash.js';
import {
  cachingVerifier,
  computeTapleafHash,
  createNobleVerifier,
  findAndDelete,
  legacySignatureHash,
  MANDATORY_SCRIPT_VERIFY_FLAGS,
  OP,
  parseScriptText,
  serializePush,
  SignatureCache,
  VERIFY,
  verifyInput,
  type SignatureVerifier,
} from '../src/script/index.js';
import { OutPoint, Transaction, type TxOut } from '../src/transaction.js';

secp.hashes.hmacSha256 = (k, m) => new Uint8Array(createHmac('sha256', k).update(m).digest());
secp.hashes.sha256 = (m) => sha256(m) as Uint8Array<ArrayBuffer>;

const SK = fromHex('0000000000000000000000000000000000000000000000000000000000000007');
const PUB = secp.getPublicKey(SK, true);
const G_X = fromHex('79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');

function der(compact: Uint8Array): Uint8Array {
  const int = (b: Uint8Array): Uint8Array => {
    let i = 0;
    while (i < 31 && b[i] === 0) i++;
    let v = b.subarray(i);
    if (v[0]! & 0x80) v = concatBytes(Uint8Array.of(0), v);
    return concatBytes(Uint8Array.of(2, v.length), v);
  };
  const body = concatBytes(int(compact.subarray(0, 32)), int(compact.subarray(32)));
  return concatBytes(Uint8Array.of(0x30, body.length), body);
}

function spendTx(
  opts: {
    version?: number;
    sequence?: number;
    witness?: Uint8Array[];
    scriptSig?: Uint8Array;
  } = {},
): Transaction {
  return new Transaction(
    opts.version ?? 1,
    [
      {
        prevout: new OutPoint(new Uint8Array(32).fill(1), 0),
        scriptSig: opts.scriptSig ?? new Uint8Array(0),
        sequence: opts.sequence ?? 0xffffffff,
        witness: opts.witness ?? [],
      },
    ],
    [{ value: 1000n, scriptPubKey: Uint8Array.of(OP.TRUE) }],
    0,
  );
}

describe('FindAndDelete removes only exact pushes at opcode boundaries', () => {
  it('keeps a push that merely contains the signature push', () => {
    const sig = new Uint8Array(71).fill(0x33);
    const needle = serializePush(sig);
    const containing = concatBytes(Uint8Array.of(OP.PUSHDATA1), needle); // 4c 47 <sig>
    const script = concatBytes(containing, needle, Uint8Array.of(OP.CHECKSIG));
    const r = findAndDelete(script, needle);
    expect(r.found).toBe(1);
    expect(r.script).toEqual(concatBytes(containing, Uint8Array.of(OP.CHECKSIG)));
  });

  /** Signs `<sig push> DROP <key> CHECKSIG` (or a variant) the way the test needs. */
  function run(signedCode: Uint8Array, build: (sigPush: Uint8Array) => Uint8Array) {
    const sighashFor = (tx: Transaction) => legacySignatureHash(signedCode, tx, 0, 1);
    const probe = spendTx();
    const compact = secp.sign(sighashFor(probe), SK, { prehash: false });
    const sig = concatBytes(der(compact), Uint8Array.of(1));
    const scriptPubKey = build(sig);
    const tx = spendTx({ scriptSig: serializePush(sig) });
    return verifyInput(tx, 0, [{ value: 0n, scriptPubKey }], VERIFY.P2SH);
  }

  const tail = concatBytes(Uint8Array.of(OP.DROP), serializePush(PUB), Uint8Array.of(OP.CHECKSIG));
  it('a signature pushed at an opcode boundary is deleted before hashing (valid)', () => {
    expect(run(tail, (sig) => concatBytes(serializePush(sig), tail))).toEqual({ ok: true });
  });
  it('the same bytes inside a PUSHDATA1 push are not deleted (a lenient delete would pass)', () => {
    // Signed as if the inner bytes had been removed, leaving the lone 0x4c: only a byte-scanning
    // FindAndDelete would reproduce that scriptCode.
    const lenient = concatBytes(Uint8Array.of(OP.PUSHDATA1), tail);
    const r = run(lenient, (sig) =>
      concatBytes(Uint8Array.of(OP.PUSHDATA1), serializePush(sig), tail),
    );
    expect(r.ok ? 'OK' : r.error).toBe('EVAL_FALSE');
  });
});

describe('CHECKSEQUENCEVERIFY compares the transaction version unsigned', () => {
  const spk = parseScriptText('10 CHECKSEQUENCEVERIFY');
  const flags = VERIFY.P2SH | VERIFY.CHECKSEQUENCEVERIFY;
  it('a negative (0xffffffff) version counts as >= 2', () => {
    const tx = spendTx({ version: 0xffffffff, sequence: 10 });
    expect(tx.version | 0).toBe(-1);
    expect(verifyInput(tx, 0, [{ value: 0n, scriptPubKey: spk }], flags)).toEqual({ ok: true });
  });
  it('version 1 does not enable it', () => {
    const r = verifyInput(
      spendTx({ version: 1, sequence: 10 }),
      0,
      [{ value: 0n, scriptPubKey: spk }],
      flags,
    );
    expect(r.ok ? 'OK' : r.error).toBe('UNSATISFIED_LOCKTIME');
  });
  it('survives a serialization round trip with the high bit set', () => {
    const tx = Transaction.decode(spendTx({ version: 0x80000002, sequence: 10 }).serialize());
    expect(verifyInput(tx, 0, [{ value: 0n, scriptPubKey: spk }], flags)).toEqual({ ok: true });
  });
});

/** A one-leaf taproot output with internal key G, and the control block for the leaf. */
function tapLeaf(script: Uint8Array): { spk: Uint8Array; control: Uint8Array } {
  const tweak = taggedHash('TapTweak', G_X, computeTapleafHash(0xc0, script));
  let t = 0n;
  for (const b of tweak) t = (t << 8n) | BigInt(b);
  const q = secp.Point.BASE.add(secp.Point.BASE.multiply(t)).toBytes(true);
  return {
    spk: concatBytes(Uint8Array.of(OP['1'], 32), q.subarray(1)),
    control: concatBytes(Uint8Array.of(0xc0 | (q[0]! & 1)), G_X),
  };
}

const TAPROOT_FLAGS = MANDATORY_SCRIPT_VERIFY_FLAGS;
const spend = (spk: Uint8Array, witness: Uint8Array[], flags = TAPROOT_FLAGS) => {
  const r = verifyInput(spendTx({ witness }), 0, [{ value: 1000n, scriptPubKey: spk }], flags);
  return r.ok ? 'OK' : r.error;
};

describe('witness item sizes: tapscript versus segwit v0', () => {
  it('tapscript: a leaf script over 520 bytes (and over 10,000) is allowed', () => {
    const script = concatBytes(new Uint8Array(10_050).fill(OP.NOP), Uint8Array.of(OP['1']));
    const { spk, control } = tapLeaf(script);
    expect(spend(spk, [script, control])).toBe('OK');
  });
  it('tapscript: a 1,000-byte annex is allowed', () => {
    const script = Uint8Array.of(OP['1']);
    const { spk, control } = tapLeaf(script);
    const annex = new Uint8Array(1000).fill(0x50);
    expect(spend(spk, [script, control, annex])).toBe('OK');
  });
  it('tapscript with OP_SUCCESS: a 600-byte stack item is allowed', () => {
    const script = Uint8Array.of(0x50 /* OP_SUCCESS80 */);
    const { spk, control } = tapLeaf(script);
    expect(spend(spk, [new Uint8Array(600), script, control])).toBe('OK');
  });
  it('segwit v0: a 600-byte stack item is rejected', () => {
    const script = Uint8Array.of(OP.DROP, OP['1']);
    const spk = concatBytes(Uint8Array.of(0, 32), sha256(script));
    expect(spend(spk, [new Uint8Array(600), script])).toBe('PUSH_SIZE');
    expect(spend(spk, [new Uint8Array(520), script])).toBe('OK');
  });
  it('segwit v0: a witness script over 10,000 bytes is rejected', () => {
    const script = concatBytes(new Uint8Array(10_001).fill(OP.NOP), Uint8Array.of(OP['1']));
    const spk = concatBytes(Uint8Array.of(0, 32), sha256(script));
    expect(spend(spk, [script])).toBe('SCRIPT_SIZE');
  });
  it('tapscript without OP_SUCCESS keeps the 520-byte limit on stack items, as Core', () => {
    const script = Uint8Array.of(OP.DROP, OP['1']);
    const { spk, control } = tapLeaf(script);
    expect(spend(spk, [new Uint8Array(521), script, control])).toBe('PUSH_SIZE');
  });
});

describe('no limit on witness item count beyond consensus', () => {
  it('an unknown witness version spend with 500,001 items is valid and within block weight', () => {
    const witness = Array.from({ length: 500_001 }, () => new Uint8Array(0));
    const spk = concatBytes(Uint8Array.of(OP['2'], 32), new Uint8Array(32).fill(7));
    const tx = Transaction.decode(spendTx({ witness }).serialize());
    expect(tx.vin[0]!.witness).toHaveLength(500_001);
    expect(tx.weight()).toBeLessThan(4_000_000);
    const spent: TxOut[] = [{ value: 1000n, scriptPubKey: spk }];
    expect(verifyInput(tx, 0, spent, TAPROOT_FLAGS)).toEqual({ ok: true });
    const r = verifyInput(
      tx,
      0,
      spent,
      TAPROOT_FLAGS | VERIFY.DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM,
    );
    expect(r.ok ? 'OK' : r.error).toBe('DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM');
  });
});

describe('signature cache', () => {
  function counting(): SignatureVerifier & { calls: number } {
    const inner = createNobleVerifier();
    const v = {
      name: 'counting',
      calls: 0,
      verifyEcdsa: (s: Uint8Array, m: Uint8Array, p: Uint8Array) => (
        v.calls++,
        inner.verifyEcdsa(s, m, p)
      ),
      verifySchnorr: (s: Uint8Array, m: Uint8Array, p: Uint8Array) => (
        v.calls++,
        inner.verifySchnorr(s, m, p)
      ),
      checkTapTweak: inner.checkTapTweak,
    };
    return v;
  }
  const sighash = sha256(Uint8Array.of(1));
  const sig = concatBytes(der(secp.sign(sighash, SK, { prehash: false })), Uint8Array.of(1));

  it('requires a salt', () => {
    expect(() => new SignatureCache(undefined as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('a signature checked for the mempool is not checked again in a block', () => {
    const inner = counting();
    const cache = new SignatureCache(new Uint8Array(32).fill(9));
    const compact = secp.sign(sighash, SK, { prehash: false });
    const mempool = cachingVerifier(inner, cache, true);
    const block = cachingVerifier(inner, cache, false);
    expect(mempool.verifyEcdsa(compact, sighash, PUB)).toBe(true);
    expect(inner.calls).toBe(1);
    expect(block.verifyEcdsa(compact, sighash, PUB)).toBe(true);
    expect(inner.calls).toBe(1);
    // A different salt gives different keys: nothing carries over.
    const other = cachingVerifier(inner, new SignatureCache(new Uint8Array(32).fill(8)), false);
    expect(other.verifyEcdsa(compact, sighash, PUB)).toBe(true);
    expect(inner.calls).toBe(2);
    // Invalid results are never cached.
    const wrong = sha256(Uint8Array.of(2));
    expect(mempool.verifyEcdsa(compact, wrong, PUB)).toBe(false);
    expect(mempool.verifyEcdsa(compact, wrong, PUB)).toBe(false);
    expect(inner.calls).toBe(4);
    expect(sig.length).toBeGreaterThan(64);
  });

  it('evicts the oldest entry beyond its size', () => {
    const cache = new SignatureCache(new Uint8Array(16), 2);
    const keys = [1, 2, 3].map((n) => cache.key(0, Uint8Array.of(n), PUB, Uint8Array.of(n)));
    for (const k of keys) cache.add(k);
    expect(cache.size).toBe(2);
    expect(cache.has(keys[0]!)).toBe(false);
    expect(cache.has(keys[2]!)).toBe(true);
  });
});
