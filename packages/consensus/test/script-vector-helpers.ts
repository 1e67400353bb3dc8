/** Shared loaders for Core's script vectors (format: ../shared/vectors/README.md). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toHex } from '../src/bytes.js';
import { createNobleVerifier, type SignatureVerifier } from '../src/script/index.js';
import { OutPoint, Transaction, type TxOut } from '../src/transaction.js';

const here = dirname(fileURLToPath(import.meta.url));
export const VECTORS = join(here, '../../../../shared/vectors');
export const CHAIN = join(here, '../../../../shared/chain');

export function readVector(name: string): Buffer {
  return readFileSync(join(VECTORS, name));
}

export function readJsonVector<T = unknown>(name: string): T {
  return JSON.parse(readVector(name).toString('utf8')) as T;
}

/**
 * A test-only verifier that remembers every answer of the real one (valid and invalid), so the
 * flag-perturbation rounds do not redo the same elliptic-curve work.
 */
export function memoVerifier(inner: SignatureVerifier = createNobleVerifier()): SignatureVerifier {
  const memo = new Map<string, boolean>();
  const get = (k: string, f: () => boolean): boolean => {
    let v = memo.get(k);
    if (v === undefined) {
      v = f();
      memo.set(k, v);
    }
    return v;
  };
  return {
    name: inner.name,
    verifyEcdsa: (s, m, p) =>
      get(`e${toHex(s)}${toHex(m)}${toHex(p)}`, () => inner.verifyEcdsa(s, m, p)),
    verifySchnorr: (s, m, p) =>
      get(`s${toHex(s)}${toHex(m)}${toHex(p)}`, () => inner.verifySchnorr(s, m, p)),
    checkTapTweak: (a, b, c, d) =>
      get(`t${toHex(a)}${toHex(b)}${c}${toHex(d)}`, () => inner.checkTapTweak(a, b, c, d)),
  };
}

/** Core's BuildCreditingTransaction / BuildSpendingTransaction (script_tests harness). */
export function buildCreditingTransaction(
  scriptPubKey: Uint8Array,
  valueSats: bigint,
): Transaction {
  return new Transaction(
    1,
    [
      {
        prevout: OutPoint.null(),
        scriptSig: Uint8Array.of(0, 0),
        sequence: 0xffffffff,
        witness: [],
      },
    ],
    [{ value: valueSats, scriptPubKey }],
    0,
  );
}

export function buildSpendingTransaction(
  scriptSig: Uint8Array,
  witness: Uint8Array[],
  credit: Transaction,
): Transaction {
  const out: TxOut = { value: credit.vout[0]!.value, scriptPubKey: new Uint8Array(0) };
  return new Transaction(
    1,
    [{ prevout: new OutPoint(credit.txid(), 0), scriptSig, sequence: 0xffffffff, witness }],
    [out],
    0,
  );
}

/** A JSON number of BTC to satoshis, by decimal string arithmetic. */
export function btcToSats(btc: number): bigint {
  const [whole, frac = ''] = btc.toFixed(8).split('.');
  return BigInt(whole!) * 100_000_000n + BigInt(frac.padEnd(8, '0'));
}

/** Deterministic pseudo-random numbers for flag perturbations (tests only). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}
