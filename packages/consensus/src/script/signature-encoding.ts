/**
 * Signature and public key encoding rules, as Core distinguishes them: the strict DER of BIP66
 * (IsValidSignatureEncoding), low S (policy), defined hash types (STRICTENC), and the lax DER
 * parser every ECDSA signature goes through before verification (libsecp256k1's
 * ecdsa_signature_parse_der_lax, which accepts the non-DER signatures of the early chain).
 */
import { fail } from './script-error.js';
import { SIGHASH_ALL, SIGHASH_ANYONECANPAY, SIGHASH_SINGLE, SigVersion } from './sighash-types.js';
import { VERIFY } from './verify-flags.js';

const CURVE_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = CURVE_N >> 1n;

/** BIP66 strict DER, for a signature that still carries its hash type byte. */
export function isValidSignatureEncoding(sig: Uint8Array): boolean {
  const n = sig.length;
  if (n < 9 || n > 73) return false;
  if (sig[0] !== 0x30) return false;
  if (sig[1] !== n - 3) return false;
  const lenR = sig[3]!;
  if (5 + lenR >= n) return false;
  const lenS = sig[5 + lenR]!;
  if (lenR + lenS + 7 !== n) return false;
  if (sig[2] !== 0x02) return false;
  if (lenR === 0) return false;
  if ((sig[4]! & 0x80) !== 0) return false;
  if (lenR > 1 && sig[4] === 0 && (sig[5]! & 0x80) === 0) return false;
  if (sig[lenR + 4] !== 0x02) return false;
  if (lenS === 0) return false;
  if ((sig[lenR + 6]! & 0x80) !== 0) return false;
  if (lenS > 1 && sig[lenR + 6] === 0 && (sig[lenR + 7]! & 0x80) === 0) return false;
  return true;
}

/**
 * Lax DER parse of a signature without its hash type byte, returning 64 bytes r || s. An r or s
 * that does not fit the group order gives all zeros (a parsed signature that never verifies),
 * as libsecp256k1 does; undefined means the parse itself failed.
 */
export function parseDerLax(input: Uint8Array): Uint8Array | undefined {
  const len = input.length;
  let pos = 0;
  if (pos === len || input[pos] !== 0x30) return undefined;
  pos++;
  if (pos === len) return undefined;
  let lenbyte = input[pos++]!;
  if (lenbyte & 0x80) {
    lenbyte -= 0x80;
    if (lenbyte > len - pos) return undefined;
    pos += lenbyte;
  }
  const r = readLaxInteger(input, pos);
  if (r === undefined) return undefined;
  pos = r.next;
  const s = readLaxInteger(input, pos);
  if (s === undefined) return undefined;

  const out = new Uint8Array(64);
  let overflow = false;
  overflow ||= !copyScalar(input, r.start, r.len, out, 0);
  overflow ||= !copyScalar(input, s.start, s.len, out, 32);
  if (!overflow) {
    if (toBig(out.subarray(0, 32)) >= CURVE_N || toBig(out.subarray(32)) >= CURVE_N) {
      overflow = true;
    }
  }
  if (overflow) out.fill(0);
  return out;
}

function readLaxInteger(
  input: Uint8Array,
  pos: number,
): { start: number; len: number; next: number } | undefined {
  const len = input.length;
  if (pos === len || input[pos] !== 0x02) return undefined;
  pos++;
  if (pos === len) return undefined;
  let lenbyte = input[pos++]!;
  let intLen: number;
  if (lenbyte & 0x80) {
    lenbyte -= 0x80;
    if (lenbyte > len - pos) return undefined;
    while (lenbyte > 0 && input[pos] === 0) {
      pos++;
      lenbyte--;
    }
    if (lenbyte >= 4) return undefined;
    intLen = 0;
    while (lenbyte > 0) {
      intLen = intLen * 256 + input[pos]!;
      pos++;
      lenbyte--;
    }
  } else {
    intLen = lenbyte;
  }
  if (intLen > len - pos) return undefined;
  return { start: pos, len: intLen, next: pos + intLen };
}

/** Copies a big-endian integer, skipping leading zeros, right-aligned into 32 bytes. */
function copyScalar(
  input: Uint8Array,
  start: number,
  len: number,
  out: Uint8Array,
  at: number,
): boolean {
  while (len > 0 && input[start] === 0) {
    start++;
    len--;
  }
  if (len > 32) return false;
  out.set(input.subarray(start, start + len), at + 32 - len);
  return true;
}

function toBig(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/** Core's CPubKey::CheckLowS on a DER signature without hash type. */
export function isLowS(derWithoutHashType: Uint8Array): boolean {
  const compact = parseDerLax(derWithoutHashType);
  if (compact === undefined) return false;
  return toBig(compact.subarray(32)) <= HALF_N;
}

export function isDefinedHashtypeSignature(sig: Uint8Array): boolean {
  if (sig.length === 0) return false;
  const base = sig[sig.length - 1]! & ~SIGHASH_ANYONECANPAY;
  return base >= SIGHASH_ALL && base <= SIGHASH_SINGLE;
}

/** Core's CheckSignatureEncoding: throws the script error, returns when acceptable. */
export function checkSignatureEncoding(sig: Uint8Array, flags: number): void {
  // An empty signature is a compact way to provide a failing signature to CHECK(MULTI)SIG.
  if (sig.length === 0) return;
  if (
    (flags & (VERIFY.DERSIG | VERIFY.LOW_S | VERIFY.STRICTENC)) !== 0 &&
    !isValidSignatureEncoding(sig)
  ) {
    fail('SIG_DER');
  }
  if ((flags & VERIFY.LOW_S) !== 0 && !isLowS(sig.subarray(0, sig.length - 1))) {
    fail('SIG_HIGH_S');
  }
  if ((flags & VERIFY.STRICTENC) !== 0 && !isDefinedHashtypeSignature(sig)) fail('SIG_HASHTYPE');
}

export function isCompressedOrUncompressedPubKey(key: Uint8Array): boolean {
  if (key.length < 33) return false;
  if (key[0] === 0x04) return key.length === 65;
  if (key[0] === 0x02 || key[0] === 0x03) return key.length === 33;
  return false;
}

export function isCompressedPubKey(key: Uint8Array): boolean {
  return key.length === 33 && (key[0] === 0x02 || key[0] === 0x03);
}

/** Core's CheckPubKeyEncoding. */
export function checkPubKeyEncoding(key: Uint8Array, flags: number, sigversion: SigVersion): void {
  if ((flags & VERIFY.STRICTENC) !== 0 && !isCompressedOrUncompressedPubKey(key)) {
    fail('PUBKEYTYPE');
  }
  if (
    (flags & VERIFY.WITNESS_PUBKEYTYPE) !== 0 &&
    sigversion === SigVersion.WITNESS_V0 &&
    !isCompressedPubKey(key)
  ) {
    fail('WITNESS_PUBKEYTYPE');
  }
}

/**
 * What CPubKey accepts before verifying: a length matching the header byte (33 for 02/03, 65 for
 * 04/06/07). Hybrid keys (06/07) are accepted by libsecp256k1 when the header's parity matches
 * y; they are returned as the equivalent 04 key, or undefined when unusable.
 */
export function normalizePubKey(key: Uint8Array): Uint8Array | undefined {
  if (key.length === 0) return undefined;
  const h = key[0]!;
  if (h === 0x02 || h === 0x03) return key.length === 33 ? key : undefined;
  if (h === 0x04) return key.length === 65 ? key : undefined;
  if (h === 0x06 || h === 0x07) {
    if (key.length !== 65) return undefined;
    if ((key[64]! & 1) !== (h & 1)) return undefined;
    const out = key.slice();
    out[0] = 0x04;
    return out;
  }
  return undefined;
}
