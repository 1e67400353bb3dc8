/**
 * AEAD_CHACHA20_POLY1305, RFC 8439 section 2.8: ChaCha20 from block 1 encrypts, block 0's first
 * 32 bytes key Poly1305 over aad || pad16 || ciphertext || pad16 || len(aad) || len(ciphertext)
 * (lengths as 64-bit little-endian).
 */
import {
  chacha20BlockWords,
  chacha20State,
  chacha20XorState,
  type ChaCha20State,
} from './chacha20.js';
import { Poly1305 } from './poly1305.js';

export const AEAD_TAG_BYTES = 16;

function macFor(st: ChaCha20State, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const block0 = new Uint32Array(16);
  chacha20BlockWords(st, 0, block0);
  const mac = new Poly1305(new Uint8Array(block0.buffer, 0, 32));
  mac.update(aad).pad16().update(ciphertext).pad16();
  const lengths = new Uint8Array(16);
  const view = new DataView(lengths.buffer);
  view.setUint32(0, aad.length, true);
  view.setUint32(4, Math.floor(aad.length / 2 ** 32), true);
  view.setUint32(8, ciphertext.length, true);
  view.setUint32(12, Math.floor(ciphertext.length / 2 ** 32), true);
  return mac.update(lengths).digest();
}

/**
 * Encrypts `data` in place and writes the 16-byte tag to `tagOut`. The caller lays out the
 * packet so no copy of the plaintext is needed.
 */
export function aeadSealInPlace(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  data: Uint8Array,
  tagOut: Uint8Array,
): void {
  const st = chacha20State(key, nonce);
  chacha20XorState(st, 1, data, data);
  tagOut.set(macFor(st, aad, data));
}

/**
 * Checks `tag` over the ciphertext in `data` and, only if it matches, decrypts `data` in place.
 * Returns whether the tag matched; on a mismatch `data` is left as it was.
 */
export function aeadOpenInPlace(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  data: Uint8Array,
  tag: Uint8Array,
): boolean {
  const st = chacha20State(key, nonce);
  const expected = macFor(st, aad, data);
  if (tag.length !== AEAD_TAG_BYTES) return false;
  // Compare without an early exit, so the time taken does not say where the tags differ.
  let diff = 0;
  for (let i = 0; i < AEAD_TAG_BYTES; i++) diff |= expected[i]! ^ tag[i]!;
  if (diff !== 0) return false;
  chacha20XorState(st, 1, data, data);
  return true;
}

/** plaintext -> ciphertext || tag. */
export function aeadEncrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(plaintext.length + AEAD_TAG_BYTES);
  out.set(plaintext);
  const body = out.subarray(0, plaintext.length);
  aeadSealInPlace(key, nonce, aad, body, out.subarray(plaintext.length));
  return out;
}

/** ciphertext || tag -> plaintext, or undefined when the tag does not match. */
export function aeadDecrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Uint8Array | undefined {
  if (sealed.length < AEAD_TAG_BYTES) return undefined;
  const bodyLength = sealed.length - AEAD_TAG_BYTES;
  const body = sealed.slice(0, bodyLength);
  return aeadOpenInPlace(key, nonce, aad, body, sealed.subarray(bodyLength)) ? body : undefined;
}
