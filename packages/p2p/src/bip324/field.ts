/**
 * secp256k1 field arithmetic, GF(p) with p = 2^256 - 2^32 - 977, on bigint.
 *
 * Values are plain non-negative bigints below p. This is variable-time code: bigint operations
 * leak timing, so the BIP324 handshake built on it is not side-channel hardened (see README).
 */

export const FIELD_P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;

/** secp256k1's curve constant b in y^2 = x^3 + b. */
export const CURVE_B = 7n;

const SQRT_EXPONENT = (FIELD_P + 1n) / 4n;
const LEGENDRE_EXPONENT = (FIELD_P - 1n) / 2n;

/** Reduces any bigint (negative included) into [0, p). */
export function fieldMod(a: bigint): bigint {
  const r = a % FIELD_P;
  return r < 0n ? r + FIELD_P : r;
}

export function fieldMul(a: bigint, b: bigint): bigint {
  return (a * b) % FIELD_P;
}

export function fieldSqr(a: bigint): bigint {
  return (a * a) % FIELD_P;
}

export function fieldAdd(a: bigint, b: bigint): bigint {
  const r = a + b;
  return r >= FIELD_P ? r - FIELD_P : r;
}

export function fieldSub(a: bigint, b: bigint): bigint {
  const r = a - b;
  return r < 0n ? r + FIELD_P : r;
}

export function fieldNeg(a: bigint): bigint {
  return a === 0n ? 0n : FIELD_P - a;
}

export function fieldPow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = base % FIELD_P;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % FIELD_P;
    b = (b * b) % FIELD_P;
    e >>= 1n;
  }
  return result;
}

/** Multiplicative inverse by the extended Euclidean algorithm; the inverse of 0 is an error. */
export function fieldInv(a: bigint): bigint {
  let r0 = FIELD_P;
  let r1 = fieldMod(a);
  if (r1 === 0n) throw new RangeError('field inverse of zero');
  let t0 = 0n;
  let t1 = 1n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return t0 < 0n ? t0 + FIELD_P : t0;
}

/** a / b in the field. */
export function fieldDiv(a: bigint, b: bigint): bigint {
  return fieldMul(a, fieldInv(b));
}

/**
 * The square root with the exponent (p+1)/4 (valid because p = 3 mod 4), or undefined when `a`
 * is not a square.
 */
export function fieldSqrt(a: bigint): bigint | undefined {
  const s = fieldPow(a, SQRT_EXPONENT);
  return fieldSqr(s) === fieldMod(a) ? s : undefined;
}

/** Euler's criterion; zero counts as a square, as in the BIP324 reference. */
export function fieldIsSquare(a: bigint): boolean {
  const m = fieldMod(a);
  return m === 0n || fieldPow(m, LEGENDRE_EXPONENT) === 1n;
}

/** Whether x is the X coordinate of a point on secp256k1: x^3 + 7 is a square. */
export function isValidX(x: bigint): boolean {
  return fieldIsSquare(fieldAdd(fieldMul(fieldSqr(x), x), CURVE_B));
}

/** Big-endian 32 bytes to a bigint (not reduced). */
export function bytesToBigInt(b: Uint8Array): bigint {
  let hex = '';
  for (const byte of b) hex += byte.toString(16).padStart(2, '0');
  return hex.length === 0 ? 0n : BigInt('0x' + hex);
}

/** A bigint below 2^256 to 32 big-endian bytes. */
export function bigIntTo32Bytes(n: bigint): Uint8Array {
  if (n < 0n || n >> 256n !== 0n) throw new RangeError(`value out of 256-bit range: ${n}`);
  const hex = n.toString(16).padStart(64, '0');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
