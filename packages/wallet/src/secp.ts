/**
 * The secp256k1 primitives the wallet needs, on @noble/secp256k1: scalar and point helpers for
 * BIP32 and the BIP341 key tweak, ECDSA signing (RFC6979 nonces, low-S, DER as Core's
 * CKey::Sign), and BIP340 Schnorr signing with aux randomness from the Random capability.
 */
import { createHmac } from 'node:crypto';
import * as secp from '@noble/secp256k1';
import { concatBytes, sha256, taggedHash } from '@bitcoind-lite/consensus';

export const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

let ready = false;
/** noble's synchronous signing needs sha256 and HMAC-SHA256 (RFC6979); node:crypto gives both. */
function setup(): void {
  if (ready) return;
  secp.hashes.sha256 = (m) => sha256(m) as Uint8Array<ArrayBuffer>;
  secp.hashes.hmacSha256 = (k, m) =>
    new Uint8Array(createHmac('sha256', k).update(m).digest()) as Uint8Array<ArrayBuffer>;
  ready = true;
}

export function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

export function bigIntTo32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** The compressed public key of a 32-byte secret. */
export function pubkeyOf(secret: Uint8Array): Uint8Array {
  return secp.getPublicKey(secret, true);
}

/** parse a 33-byte compressed key as a point (throws when it is not on the curve). */
export function pointOf(pubkey: Uint8Array): secp.Point {
  return secp.Point.fromBytes(pubkey);
}

/** pubkey + tweak*G (BIP32 CKDpub); undefined for the point at infinity. */
export function addTweakToPubkey(pubkey: Uint8Array, tweak: bigint): Uint8Array | undefined {
  const p = secp.Point.BASE.multiply(tweak).add(pointOf(pubkey));
  return p.is0() ? undefined : p.toBytes(true);
}

/**
 * BIP341/BIP86 key-path output key: Q = P + int(TapTweak(x(P)))·G with P lifted to even y.
 * Returns the 32-byte x-only output key.
 */
export function taprootOutputKey(internalCompressed: Uint8Array): Uint8Array {
  const xOnly = internalCompressed.subarray(1, 33);
  const t = bytesToBigInt(taggedHash('TapTweak', xOnly));
  if (t >= CURVE_ORDER) throw new RangeError('taproot tweak out of range');
  const even = secp.Point.fromBytes(concatBytes(Uint8Array.of(2), xOnly));
  const q = even.add(secp.Point.BASE.multiply(t));
  return q.toBytes(true).subarray(1, 33);
}

/** The secret of the BIP341 key-path output key (negated first when P has odd y). */
export function taprootTweakSecret(secret: Uint8Array): Uint8Array {
  const pub = pubkeyOf(secret);
  let d = bytesToBigInt(secret);
  if (pub[0] === 3) d = CURVE_ORDER - d;
  const t = bytesToBigInt(taggedHash('TapTweak', pub.subarray(1, 33)));
  return bigIntTo32((d + t) % CURVE_ORDER);
}

/** DER for a (r, s) pair (BIP66 strict form): each integer minimal, positive. */
function derInteger(v: Uint8Array): Uint8Array {
  let i = 0;
  while (i < v.length - 1 && v[i] === 0 && v[i + 1]! < 0x80) i++;
  const body = v[i]! >= 0x80 ? concatBytes(Uint8Array.of(0), v.subarray(i)) : v.subarray(i);
  return concatBytes(Uint8Array.of(0x02, body.length), body);
}

/** ECDSA over a 32-byte digest: RFC6979 nonce, low-S, DER encoded (no hash type byte). */
export function signEcdsaDer(digest: Uint8Array, secret: Uint8Array): Uint8Array {
  setup();
  const compact = secp.sign(digest, secret, { prehash: false, lowS: true });
  const r = derInteger(compact.subarray(0, 32));
  const s = derInteger(compact.subarray(32, 64));
  return concatBytes(Uint8Array.of(0x30, r.length + s.length), r, s);
}

/** BIP340 Schnorr over a 32-byte message; `auxRand` must come from the Random capability. */
export function signSchnorr(msg: Uint8Array, secret: Uint8Array, auxRand: Uint8Array): Uint8Array {
  setup();
  return secp.schnorr.sign(msg, secret, auxRand);
}
