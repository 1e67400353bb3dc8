/**
 * secp256k1 group operations for BIP324: Jacobian coordinates (X/Z^2, Y/Z^3), a = 0, the point
 * at infinity as Z = 0. Only what the v2 handshake needs: a public key from a private key and
 * the X coordinate of d*P for a point given by its X coordinate (x-only ECDH).
 *
 * Variable time (bigint); see the README section on side channels.
 */
import {
  CURVE_B,
  FIELD_P,
  fieldAdd,
  fieldInv,
  fieldMul,
  fieldSqr,
  fieldSqrt,
  fieldSub,
} from './field.js';

/** The order n of the secp256k1 group. */
export const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export interface AffinePoint {
  x: bigint;
  y: bigint;
}

interface JacobianPoint {
  x: bigint;
  y: bigint;
  z: bigint;
}

export const GENERATOR: AffinePoint = {
  x: 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n,
  y: 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n,
};

const INFINITY: JacobianPoint = { x: 0n, y: 1n, z: 0n };

function double(p: JacobianPoint): JacobianPoint {
  if (p.z === 0n || p.y === 0n) return INFINITY;
  // dbl-2009-l (a = 0).
  const a = fieldSqr(p.x);
  const b = fieldSqr(p.y);
  const c = fieldSqr(b);
  const xb = fieldAdd(p.x, b);
  const d = fieldMul(2n, fieldSub(fieldSub(fieldSqr(xb), a), c));
  const e = fieldMul(3n, a);
  const f = fieldSqr(e);
  const x3 = fieldSub(f, fieldAdd(d, d));
  const y3 = fieldSub(fieldMul(e, fieldSub(d, x3)), fieldMul(8n, c));
  const z3 = fieldMul(2n, fieldMul(p.y, p.z));
  return { x: x3, y: y3, z: z3 };
}

function add(p: JacobianPoint, q: JacobianPoint): JacobianPoint {
  if (p.z === 0n) return q;
  if (q.z === 0n) return p;
  // add-2007-bl.
  const z1z1 = fieldSqr(p.z);
  const z2z2 = fieldSqr(q.z);
  const u1 = fieldMul(p.x, z2z2);
  const u2 = fieldMul(q.x, z1z1);
  const s1 = fieldMul(p.y, fieldMul(q.z, z2z2));
  const s2 = fieldMul(q.y, fieldMul(p.z, z1z1));
  const h = fieldSub(u2, u1);
  const rHalf = fieldSub(s2, s1);
  if (h === 0n) return rHalf === 0n ? double(p) : INFINITY;
  const i = fieldSqr(fieldAdd(h, h));
  const j = fieldMul(h, i);
  const r = fieldAdd(rHalf, rHalf);
  const v = fieldMul(u1, i);
  const x3 = fieldSub(fieldSub(fieldSqr(r), j), fieldAdd(v, v));
  const y3 = fieldSub(fieldMul(r, fieldSub(v, x3)), fieldMul(2n, fieldMul(s1, j)));
  const zs = fieldAdd(p.z, q.z);
  const z3 = fieldMul(fieldSub(fieldSub(fieldSqr(zs), z1z1), z2z2), h);
  return { x: x3, y: y3, z: z3 };
}

function toAffine(p: JacobianPoint): AffinePoint | undefined {
  if (p.z === 0n) return undefined;
  const zInv = fieldInv(p.z);
  const zInv2 = fieldSqr(zInv);
  return { x: fieldMul(p.x, zInv2), y: fieldMul(p.y, fieldMul(zInv2, zInv)) };
}

/** k*P with a 4-bit fixed window; k in [1, n-1]. Undefined only for the point at infinity. */
export function multiply(point: AffinePoint, k: bigint): AffinePoint | undefined {
  const table: JacobianPoint[] = [INFINITY, { x: point.x, y: point.y, z: 1n }];
  for (let i = 2; i < 16; i++) table.push(add(table[i - 1]!, table[1]!));
  let acc = INFINITY;
  for (let shift = 252n; shift >= 0n; shift -= 4n) {
    if (acc.z !== 0n) acc = double(double(double(double(acc))));
    const nibble = Number((k >> shift) & 15n);
    if (nibble !== 0) acc = add(acc, table[nibble]!);
  }
  return toAffine(acc);
}

/** A valid secret key is a 256-bit big-endian integer in [1, n-1]. */
export function isValidPrivateKey(d: bigint): boolean {
  return d > 0n && d < CURVE_ORDER;
}

/** The point with X coordinate x and even Y (BIP340's lift_x), or undefined if x is off-curve. */
export function liftX(x: bigint): AffinePoint | undefined {
  if (x >= FIELD_P) return undefined;
  const y = fieldSqrt(fieldAdd(fieldMul(fieldSqr(x), x), CURVE_B));
  if (y === undefined) return undefined;
  return { x, y: y & 1n ? FIELD_P - y : y };
}
