/** HKDF with HMAC-SHA256, RFC 5869 (node:crypto's HMAC; no randomness involved). */
import { createHmac } from 'node:crypto';

export function hmacSha256(key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  const mac = createHmac('sha256', key);
  for (const d of data) mac.update(d);
  return new Uint8Array(mac.digest());
}

/** HKDF-Extract: PRK = HMAC(salt, ikm); an empty salt means 32 zero bytes (RFC 5869 2.2). */
export function hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return hmacSha256(salt.length === 0 ? new Uint8Array(32) : salt, ikm);
}

/** HKDF-Expand: T(i) = HMAC(PRK, T(i-1) || info || i), truncated to `length` (<= 8160). */
export function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 255 * 32) {
    throw new RangeError(`hkdf length: expected 0..8160, got ${length}`);
  }
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1, pos = 0; pos < length; i++) {
    previous = hmacSha256(prk, previous, info, Uint8Array.of(i));
    out.set(previous.subarray(0, Math.min(32, length - pos)), pos);
    pos += 32;
  }
  return out;
}
