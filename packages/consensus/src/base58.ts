/**
 * Base58 and Base58Check, as Core's base58.cpp: leading zero bytes become leading '1's,
 * surrounding whitespace is skipped on decode, and Base58Check appends the first four bytes of
 * sha256d(payload). Decoders return undefined instead of throwing: an invalid string is data.
 */
import { concatBytes } from './bytes.js';
import { sha256d } from './hash.js';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const ALPHABET_MAP = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));

/** Core's IsSpace: space, \t, \n, \v, \f, \r. */
const isSpace = (c: string): boolean => c === ' ' || (c >= '\t' && c <= '\r');

export function encodeBase58(bytes: Uint8Array): string {
  let zeroes = 0;
  while (zeroes < bytes.length && bytes[zeroes] === 0) zeroes++;
  // Repeated division of a big-endian base-256 number by 58, collecting digits little-end first.
  const digits: number[] = [];
  for (let i = zeroes; i < bytes.length; i++) {
    let carry = bytes[i]!;
    for (let j = 0; j < digits.length; j++) {
      carry += digits[j]! << 8;
      digits[j] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  let out = '1'.repeat(zeroes);
  for (let i = digits.length - 1; i >= 0; i--) out += ALPHABET[digits[i]!]!;
  return out;
}

/** Decodes Base58; undefined on a non-alphabet character or a result longer than maxLen bytes. */
export function decodeBase58(
  str: string,
  maxLen = Number.MAX_SAFE_INTEGER,
): Uint8Array | undefined {
  let start = 0;
  let end = str.length;
  while (start < end && isSpace(str[start]!)) start++;
  while (end > start && isSpace(str[end - 1]!)) end--;
  let zeroes = 0;
  while (start + zeroes < end && str[start + zeroes] === '1') zeroes++;
  if (zeroes > maxLen) return undefined;
  const bytes: number[] = []; // little-endian base-256 digits
  for (let i = start + zeroes; i < end; i++) {
    const v = ALPHABET_MAP.get(str[i]!);
    if (v === undefined) return undefined;
    let carry = v;
    for (let j = 0; j < bytes.length; j++) {
      carry += bytes[j]! * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
    if (zeroes + bytes.length > maxLen) return undefined;
  }
  const out = new Uint8Array(zeroes + bytes.length);
  for (let i = 0; i < bytes.length; i++) out[out.length - 1 - i] = bytes[i]!;
  return out;
}

export function encodeBase58Check(payload: Uint8Array): string {
  return encodeBase58(concatBytes(payload, sha256d(payload).subarray(0, 4)));
}

/** Decodes Base58Check; undefined on bad characters, a bad checksum, or a payload over maxLen. */
export function decodeBase58Check(
  str: string,
  maxLen = Number.MAX_SAFE_INTEGER - 4,
): Uint8Array | undefined {
  const raw = decodeBase58(str, maxLen + 4);
  if (raw === undefined || raw.length < 4) return undefined;
  const payload = raw.subarray(0, raw.length - 4);
  const check = sha256d(payload);
  for (let i = 0; i < 4; i++) if (raw[raw.length - 4 + i] !== check[i]) return undefined;
  return payload.slice();
}
