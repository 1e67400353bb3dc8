/**
 * A deterministic Random for reproducible nodes (`entropy: !random {seed: HEX}`): HMAC_DRBG
 * with HMAC-SHA-256 as specified in NIST SP 800-90A rev. 1, section 10.1.2, instantiated with the
 * seed as the entropy input (no nonce, no personalization string), never reseeded.
 *
 * Why HMAC_DRBG: it is the generator RFC 6979 builds on, so its output can be checked against
 * RFC 6979's published vectors; and every request ends with an update of the key, so a state
 * captured later does not reveal earlier output (backtracking resistance).
 *
 * The output depends on the request sizes, as in SP 800-90A: fill(32) twice differs from
 * fill(64) once. A run is reproducible when the node makes the same requests in the same order.
 * Never use a seeded Random for keys on the main network: whoever knows the seed knows the keys.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Random } from './random.js';

/** SP 800-90A Table 2: at most 2^19 bits per generate request. */
const MAX_BYTES_PER_REQUEST = 1 << 16;

export class HmacDrbgRandom implements Random {
  private k = new Uint8Array(32);
  private v = new Uint8Array(32).fill(1);

  constructor(seed: Uint8Array) {
    if (!(seed instanceof Uint8Array)) throw new TypeError('HmacDrbgRandom: seed is required');
    if (seed.length === 0) throw new RangeError('HmacDrbgRandom: seed must not be empty');
    this.update(seed);
  }

  /** HMAC_DRBG_Update (10.1.2.2). */
  private update(data: Uint8Array | undefined): void {
    this.k = hmac(sha256, this.k, concat(this.v, [0x00], data));
    this.v = hmac(sha256, this.k, this.v);
    if (data === undefined || data.length === 0) return;
    this.k = hmac(sha256, this.k, concat(this.v, [0x01], data));
    this.v = hmac(sha256, this.k, this.v);
  }

  fill(out: Uint8Array): Uint8Array {
    for (let start = 0; start < out.length; start += MAX_BYTES_PER_REQUEST) {
      this.generate(out.subarray(start, Math.min(out.length, start + MAX_BYTES_PER_REQUEST)));
    }
    return out;
  }

  /** HMAC_DRBG_Generate (10.1.2.5) without additional input. */
  private generate(out: Uint8Array): void {
    for (let pos = 0; pos < out.length; pos += 32) {
      this.v = hmac(sha256, this.k, this.v);
      out.set(this.v.subarray(0, Math.min(32, out.length - pos)), pos);
    }
    this.update(undefined);
  }
}

function concat(a: Uint8Array, mid: number[], b: Uint8Array | undefined): Uint8Array {
  const out = new Uint8Array(a.length + mid.length + (b?.length ?? 0));
  out.set(a, 0);
  out.set(mid, a.length);
  if (b !== undefined) out.set(b, a.length + mid.length);
  return out;
}

/** The Random for `!random {seed: HEX}`. */
export function seededRandom(seed: Uint8Array): Random {
  return new HmacDrbgRandom(seed);
}
