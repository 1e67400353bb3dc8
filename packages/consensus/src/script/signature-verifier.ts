/**
 * The elliptic-curve operations script verification needs, behind an interface so a faster
 * backend (libsecp256k1 compiled to WebAssembly, for example) can replace the default pure-JS
 * one. Inputs are already parsed: the interpreter does all of Core's encoding rules itself.
 */
import * as secp from '@noble/secp256k1';
import { sha256 } from '../hash.js';

export interface SignatureVerifier {
  readonly name: string;
  /**
   * ECDSA: `sig64` is r || s (any S: consensus accepts high S, so verify as libsecp256k1 does
   * after normalizing), `msg32` the signature hash, `pubkey` 33 (02/03) or 65 (04) bytes.
   * False for an invalid key or signature; never throws for those.
   */
  verifyEcdsa(sig64: Uint8Array, msg32: Uint8Array, pubkey: Uint8Array): boolean;
  /** BIP340 Schnorr over a 32-byte x-only key. */
  verifySchnorr(sig64: Uint8Array, msg32: Uint8Array, xOnlyPubKey: Uint8Array): boolean;
  /**
   * BIP341: does `outputKey` (x-only) with y parity `parity` equal lift_x(internalKey) + tweak·G?
   * False when the internal key is not on the curve or the tweak is not below the group order.
   */
  checkTapTweak(
    internalKey: Uint8Array,
    outputKey: Uint8Array,
    parity: number,
    tweak: Uint8Array,
  ): boolean;
}

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

let nobleReady = false;

function setupNoble(): void {
  if (nobleReady) return;
  // noble's synchronous Schnorr needs a sha256; node:crypto's is the fast one.
  secp.hashes.sha256 = (msg) => sha256(msg) as Uint8Array<ArrayBuffer>;
  nobleReady = true;
}

function bigFrom(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/** The default backend: @noble/secp256k1, pure TypeScript. */
export function createNobleVerifier(): SignatureVerifier {
  setupNoble();
  return {
    name: '@noble/secp256k1',
    verifyEcdsa(sig64, msg32, pubkey) {
      try {
        return secp.verify(sig64, msg32, pubkey, { prehash: false, lowS: false });
      } catch {
        return false;
      }
    },
    verifySchnorr(sig64, msg32, xOnlyPubKey) {
      try {
        return secp.schnorr.verify(sig64, msg32, xOnlyPubKey);
      } catch {
        return false;
      }
    },
    checkTapTweak(internalKey, outputKey, parity, tweak) {
      const t = bigFrom(tweak);
      if (t >= N) return false;
      let p: secp.Point;
      try {
        p = secp.Point.fromBytes(Uint8Array.of(0x02, ...internalKey));
      } catch {
        return false;
      }
      const q = t === 0n ? p : p.add(secp.Point.BASE.multiply(t));
      if (q.equals(secp.Point.ZERO)) return false;
      const enc = q.toBytes(true);
      if ((enc[0]! & 1) !== parity) return false;
      for (let i = 0; i < 32; i++) if (enc[i + 1] !== outputKey[i]) return false;
      return true;
    },
  };
}
