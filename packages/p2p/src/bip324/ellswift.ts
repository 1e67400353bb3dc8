/**
 * ElligatorSwift for secp256k1 (BIP324, "ElligatorSwift encoding of curve X coordinates"):
 * a public key travels as 64 bytes (u, t) that are indistinguishable from random, decoded by
 * XSwiftEC(u, t) to an X coordinate.
 */
import { createHash } from 'node:crypto';
import { taggedHash } from '@bitcoind-lite/consensus';
import {
  CURVE_B,
  FIELD_P,
  bigIntTo32Bytes,
  bytesToBigInt,
  fieldAdd,
  fieldDiv,
  fieldInv,
  fieldMod,
  fieldMul,
  fieldNeg,
  fieldSqr,
  fieldSqrt,
  fieldSub,
  isValidX,
} from './field.js';
import { GENERATOR, isValidPrivateKey, liftX, multiply } from './point.js';

/** sqrt(-3) as the BIP's reference computes it: (-3)^((p+1)/4). */
const MINUS_3_SQRT = fieldSqrt(FIELD_P - 3n)!;

/** (sqrt(-3) - 1) / 2, the constant in XSwiftEC_inv's result. */
const C1 = fieldDiv(fieldSub(MINUS_3_SQRT, 1n), 2n);

const HALF = fieldInv(2n);

/**
 * XSwiftEC(u, t): the X coordinate (u, t) encodes. Defined for every pair of field elements;
 * the three special cases (u = 0, t = 0, u^3 + t^2 + 7 = 0) are remapped as the BIP specifies.
 */
export function xswiftec(uIn: bigint, tIn: bigint): bigint {
  const u = uIn === 0n ? 1n : fieldMod(uIn);
  let t = tIn === 0n ? 1n : fieldMod(tIn);
  const g = fieldAdd(fieldMul(fieldSqr(u), u), CURVE_B);
  if (fieldAdd(g, fieldSqr(t)) === 0n) t = fieldAdd(t, t);
  const bigX = fieldDiv(fieldSub(g, fieldSqr(t)), fieldAdd(t, t));
  const bigY = fieldDiv(fieldAdd(bigX, t), fieldMul(MINUS_3_SQRT, u));

  // The candidates in the BIP's order: x3 = u + 4Y^2 first, then x2, then x1.
  const x3 = fieldAdd(u, fieldMul(4n, fieldSqr(bigY)));
  if (isValidX(x3)) return x3;
  const xOverY = fieldDiv(bigX, bigY);
  const x2 = fieldMul(fieldSub(fieldNeg(xOverY), u), HALF);
  if (isValidX(x2)) return x2;
  const x1 = fieldMul(fieldSub(xOverY, u), HALF);
  if (isValidX(x1)) return x1;
  // Unreachable: one of the three is always on the curve (BIP324's XSwiftEC argument).
  throw new Error('xswiftec: no valid X coordinate (impossible for secp256k1)');
}

/**
 * XSwiftEC_inv(x, u, case): a t with XSwiftEC(u, t) = x, or undefined. `c` in 0..7 picks one of
 * up to eight preimages: bit 1 chooses the x3 formula (set) or x1/x2 (clear), bit 0 the sign of
 * the inner square root (or x2 versus x1), bit 2 the sign of w.
 */
export function xswiftecInv(x: bigint, u: bigint, c: number): bigint | undefined {
  let v: bigint;
  let s: bigint;
  const g = fieldAdd(fieldMul(fieldSqr(u), u), CURVE_B);
  if ((c & 2) === 0) {
    // A result here would decode through x3 instead, which XSwiftEC tries first.
    if (isValidX(fieldSub(fieldNeg(x), u))) return undefined;
    v = (c & 1) === 0 ? x : fieldSub(fieldNeg(x), u);
    const denominator = fieldAdd(fieldAdd(fieldSqr(u), fieldMul(u, v)), fieldSqr(v));
    s = fieldNeg(fieldDiv(g, denominator));
  } else {
    s = fieldSub(x, u);
    if (s === 0n) return undefined;
    const inner = fieldAdd(fieldMul(4n, g), fieldMul(3n, fieldMul(s, fieldSqr(u))));
    let r = fieldSqrt(fieldNeg(fieldMul(s, inner)));
    if (r === undefined) return undefined;
    if (c & 1) {
      if (r === 0n) return undefined;
      r = fieldNeg(r);
    }
    v = fieldMul(fieldSub(fieldDiv(r, s), u), HALF);
  }
  let w = fieldSqrt(s);
  if (w === undefined) return undefined;
  if (c & 4) w = fieldNeg(w);
  return fieldMul(w, fieldSub(fieldMul(u, C1), v));
}

/** Decodes a 64-byte ElligatorSwift encoding; u and t are taken modulo p, as BIP324 says. */
export function ellswiftDecode(ellswift: Uint8Array): bigint {
  if (ellswift.length !== 64) {
    throw new RangeError(`ellswift: expected 64 bytes, got ${ellswift.length}`);
  }
  const u = fieldMod(bytesToBigInt(ellswift.subarray(0, 32)));
  const t = fieldMod(bytesToBigInt(ellswift.subarray(32, 64)));
  return xswiftec(u, t);
}

function privateKeyScalar(privateKey: Uint8Array): bigint {
  if (privateKey.length !== 32) {
    throw new RangeError(`privateKey: expected 32 bytes, got ${privateKey.length}`);
  }
  const d = bytesToBigInt(privateKey);
  if (!isValidPrivateKey(d)) throw new RangeError('privateKey: not in [1, n-1]');
  return d;
}

/** The x-only public key (32 bytes) of a private key. */
export function xOnlyPublicKey(privateKey: Uint8Array): Uint8Array {
  return bigIntTo32Bytes(multiply(GENERATOR, privateKeyScalar(privateKey))!.x);
}

/**
 * The 64-byte ElligatorSwift encoding of privateKey's public key, with all randomness taken from
 * `auxRandom` (32 bytes, supplied by the caller from its Random capability).
 *
 * Follows libsecp256k1's secp256k1_ellswift_create, which Bitcoin Core uses: the candidates come
 * from SHA256 with the BIP340 tag "secp256k1_ellswift_create" over privkey || 0x00*32 ||
 * auxrnd32 || counter (4 bytes LE); counter 0 fills a pool of 64 4-bit branch values (low 3 bits
 * used, taken from the end), each following counter gives one u; t's parity is set to the
 * public key's Y parity.
 */
export function ellswiftCreate(privateKey: Uint8Array, auxRandom: Uint8Array): Uint8Array {
  if (auxRandom.length !== 32) {
    throw new RangeError(`auxRandom: expected 32 bytes, got ${auxRandom.length}`);
  }
  const point = multiply(GENERATOR, privateKeyScalar(privateKey))!;

  const tag = createHash('sha256').update('secp256k1_ellswift_create').digest();
  const hasher = createHash('sha256').update(tag).update(tag);
  hasher.update(privateKey).update(new Uint8Array(32)).update(auxRandom);
  const prng = (counter: number): Uint8Array => {
    const c = new Uint8Array(4);
    new DataView(c.buffer).setUint32(0, counter, true);
    return new Uint8Array(hasher.copy().update(c).digest());
  };

  let counter = 0;
  let branchPool: Uint8Array = new Uint8Array(32);
  let branchesLeft = 0;
  for (;;) {
    if (branchesLeft === 0) {
      branchPool = prng(counter++);
      branchesLeft = 64;
    }
    branchesLeft--;
    const branch = (branchPool[branchesLeft >> 1]! >> ((branchesLeft & 1) << 2)) & 7;
    const uBytes = prng(counter++);
    const u = fieldMod(bytesToBigInt(uBytes));
    const t = xswiftecInv(point.x, u, branch);
    if (t === undefined) continue;
    // Negating t keeps XSwiftEC's result; libsecp256k1 uses t's parity to carry Y's parity.
    const tOut = (t & 1n) === (point.y & 1n) ? t : fieldNeg(t);
    const out = new Uint8Array(64);
    out.set(uBytes, 0);
    out.set(bigIntTo32Bytes(tOut), 32);
    return out;
  }
}

/** X coordinate (32 bytes) of privateKey times the point their 64-byte encoding decodes to. */
export function ellswiftEcdhXOnly(ellswiftTheirs: Uint8Array, privateKey: Uint8Array): Uint8Array {
  const d = privateKeyScalar(privateKey);
  const theirs = liftX(ellswiftDecode(ellswiftTheirs))!;
  return bigIntTo32Bytes(multiply(theirs, d)!.x);
}

/**
 * BIP324's shared secret: the tagged hash "bip324_ellswift_xonly_ecdh" of the initiator's
 * encoding, the responder's encoding and the shared X coordinate.
 */
export function v2Ecdh(
  privateKey: Uint8Array,
  ellswiftTheirs: Uint8Array,
  ellswiftOurs: Uint8Array,
  initiating: boolean,
): Uint8Array {
  const sharedX = ellswiftEcdhXOnly(ellswiftTheirs, privateKey);
  const [first, second] = initiating
    ? [ellswiftOurs, ellswiftTheirs]
    : [ellswiftTheirs, ellswiftOurs];
  return taggedHash('bip324_ellswift_xonly_ecdh', first, second, sharedX);
}
