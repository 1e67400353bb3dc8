/**
 * BIP324 ElligatorSwift: every row of the BIP's ellswift_decode and xswiftec_inv vectors, plus
 * ellswift_create / x-only ECDH properties the vectors do not cover.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  ellswiftCreate,
  ellswiftDecode,
  ellswiftEcdhXOnly,
  v2Ecdh,
  xOnlyPublicKey,
  xswiftec,
  xswiftecInv,
} from '../src/bip324/index.js';
import { FIELD_P, bigIntTo32Bytes, bytesToBigInt } from '../src/bip324/field.js';
import { CURVE_ORDER, GENERATOR, liftX, multiply } from '../src/bip324/point.js';
import { hexBytes, readBip324Csv, toHexString } from './helpers/bip324-vectors.js';

const decodeRows = readBip324Csv('bip324_ellswift_decode_test_vectors.csv');
const invRows = readBip324Csv('bip324_xswiftec_inv_test_vectors.csv');

afterAll(() => {
  console.log(
    `bip324 ellswift vectors: ${decodeRows.length} decode rows, ${invRows.length} xswiftec_inv rows`,
  );
});

describe('BIP324 ellswift_decode_test_vectors.csv', () => {
  it('has the 76 rows the vectors README lists', () => {
    expect(decodeRows.length).toBe(76);
  });

  decodeRows.forEach((row, index) => {
    it(`row ${index}: ${row.comment}`, () => {
      const x = ellswiftDecode(hexBytes(row.ellswift!));
      expect(toHexString(bigIntTo32Bytes(x))).toBe(row.x);
      // Every decoded value lifts to a curve point.
      expect(liftX(x)).toBeDefined();
    });
  });
});

describe('BIP324 xswiftec_inv_test_vectors.csv', () => {
  it('has the 32 rows the vectors README lists', () => {
    expect(invRows.length).toBe(32);
  });

  invRows.forEach((row, index) => {
    it(`row ${index}: ${row.comment}`, () => {
      const u = bytesToBigInt(hexBytes(row.u!));
      const x = bytesToBigInt(hexBytes(row.x!));
      for (let c = 0; c < 8; c++) {
        const t = xswiftecInv(x, u, c);
        const got = t === undefined ? '' : toHexString(bigIntTo32Bytes(t));
        expect(got, `case ${c}`).toBe(row[`case${c}_t`]);
        // A found t must decode back to x (run_test_vectors.py checks the same).
        if (t !== undefined) expect(xswiftec(u, t), `case ${c} round trip`).toBe(x);
      }
    });
  });
});

describe('ellswift_create and x-only ECDH', () => {
  const keys = [
    '0000000000000000000000000000000000000000000000000000000000000001',
    '61062ea5071d800bbfd59e2e8b53d47d194b095ae5a4df04936b49772ef0d4d7',
    (CURVE_ORDER - 1n).toString(16),
  ].map(hexBytes);

  it('encodes a key whose decoding is its public key X, with t carrying Y parity', () => {
    for (const [i, priv] of keys.entries()) {
      const aux = new Uint8Array(32).fill(i + 1);
      const ell = ellswiftCreate(priv, aux);
      expect(ell.length).toBe(64);
      expect(toHexString(bigIntTo32Bytes(ellswiftDecode(ell)))).toBe(
        toHexString(xOnlyPublicKey(priv)),
      );
      const point = multiply(GENERATOR, bytesToBigInt(priv))!;
      const t = bytesToBigInt(ell.subarray(32)) % FIELD_P;
      expect(t & 1n).toBe(point.y & 1n);
    }
  });

  it('depends only on the caller-supplied randomness', () => {
    const priv = keys[1]!;
    const a = ellswiftCreate(priv, new Uint8Array(32));
    const b = ellswiftCreate(priv, new Uint8Array(32));
    const c = ellswiftCreate(priv, new Uint8Array(32).fill(9));
    expect(toHexString(a)).toBe(toHexString(b));
    expect(toHexString(a)).not.toBe(toHexString(c));
    expect(ellswiftDecode(a)).toBe(ellswiftDecode(c));
  });

  it('gives both sides the same shared X and the same BIP324 secret', () => {
    const privA = keys[1]!;
    const privB = hexBytes('4a7065c3ddbf84e29b8e20da0da3aaae1f708eae8ad1af4c4c00f46a7cda7b6b');
    const ellA = ellswiftCreate(privA, new Uint8Array(32).fill(1));
    const ellB = ellswiftCreate(privB, new Uint8Array(32).fill(2));
    expect(toHexString(ellswiftEcdhXOnly(ellB, privA))).toBe(
      toHexString(ellswiftEcdhXOnly(ellA, privB)),
    );
    const secretA = v2Ecdh(privA, ellB, ellA, true);
    const secretB = v2Ecdh(privB, ellA, ellB, false);
    expect(toHexString(secretA)).toBe(toHexString(secretB));
    // The roles order the encodings in the hash: both claiming "initiator" disagree.
    expect(toHexString(v2Ecdh(privB, ellA, ellB, true))).not.toBe(toHexString(secretA));
  });

  it('rejects private keys outside [1, n-1] and encodings that are not 64 bytes', () => {
    const aux = new Uint8Array(32);
    expect(() => ellswiftCreate(new Uint8Array(32), aux)).toThrow(RangeError);
    expect(() => ellswiftCreate(bigIntTo32Bytes(CURVE_ORDER), aux)).toThrow(RangeError);
    expect(() => ellswiftCreate(keys[0]!, new Uint8Array(31))).toThrow(/auxRandom/);
    expect(() => ellswiftDecode(new Uint8Array(63))).toThrow(/64 bytes/);
  });
});
