/**
 * A SignatureVerifier backed by tiny-secp256k1 (libsecp256k1 compiled to WebAssembly), the
 * node's default backend: measured ~8x faster than @noble/secp256k1 here (pnpm bench script). Not a consensus
 * dependency: the composition root plugs it in through the SignatureVerifier interface.
 */
import * as tiny from 'tiny-secp256k1';
import type { SignatureVerifier } from '@bitcoind-lite/consensus';

export function createTinySecp256k1Verifier(): SignatureVerifier {
  return {
    name: 'tiny-secp256k1 (WASM)',
    verifyEcdsa(sig64, msg32, pubkey) {
      try {
        // Non-strict: libsecp256k1 after normalizing S, which consensus accepts.
        return tiny.verify(msg32, pubkey, sig64, false);
      } catch {
        return false;
      }
    },
    verifySchnorr(sig64, msg32, xOnly) {
      try {
        return tiny.verifySchnorr(msg32, xOnly, sig64);
      } catch {
        return false;
      }
    },
    checkTapTweak(internalKey, outputKey, parity, tweak) {
      try {
        return tiny.xOnlyPointAddTweakCheck(internalKey, tweak, outputKey, parity as 0 | 1);
      } catch {
        return false;
      }
    },
  };
}
