/**
 * A cache of signatures already found valid (Core's CSignatureCache), so a transaction checked
 * when it entered the mempool is not checked again when it arrives in a block. Entries are
 * SHA256(salt || kind || message || key || signature); the salt comes from the caller (the
 * node draws it from its Random capability) so peers cannot aim collisions at it. Only valid
 * results are kept, as in Core.
 */
import { createHash } from 'node:crypto';
import type { SignatureVerifier } from './signature-verifier.js';

export const DEFAULT_SIGNATURE_CACHE_ENTRIES = 1 << 17;

export class SignatureCache {
  private readonly entries = new Set<string>();
  private readonly salt: Uint8Array;

  constructor(
    salt: Uint8Array,
    readonly maxEntries = DEFAULT_SIGNATURE_CACHE_ENTRIES,
  ) {
    if (!(salt instanceof Uint8Array) || salt.length < 16) {
      throw new TypeError('SignatureCache: salt must be at least 16 random bytes');
    }
    this.salt = salt.slice();
  }

  get size(): number {
    return this.entries.size;
  }

  key(kind: number, msg: Uint8Array, pubkey: Uint8Array, sig: Uint8Array): string {
    return createHash('sha256')
      .update(this.salt)
      .update(Uint8Array.of(kind, pubkey.length))
      .update(msg)
      .update(pubkey)
      .update(sig)
      .digest('base64');
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  add(key: string): void {
    if (this.entries.has(key)) return;
    if (this.entries.size >= this.maxEntries) {
      // Oldest first: Set iterates in insertion order.
      const oldest = this.entries.values().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.add(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * A verifier that answers from `cache` first. With `store` (mempool acceptance) valid results
 * are added; without it (block connection) the cache is only read, as Core does.
 */
export function cachingVerifier(
  inner: SignatureVerifier,
  cache: SignatureCache,
  store: boolean,
): SignatureVerifier {
  return {
    name: `${inner.name}+cache`,
    verifyEcdsa(sig64, msg32, pubkey) {
      const k = cache.key(0, msg32, pubkey, sig64);
      if (cache.has(k)) return true;
      const ok = inner.verifyEcdsa(sig64, msg32, pubkey);
      if (ok && store) cache.add(k);
      return ok;
    },
    verifySchnorr(sig64, msg32, key) {
      const k = cache.key(1, msg32, key, sig64);
      if (cache.has(k)) return true;
      const ok = inner.verifySchnorr(sig64, msg32, key);
      if (ok && store) cache.add(k);
      return ok;
    },
    checkTapTweak: (a, b, c, d) => inner.checkTapTweak(a, b, c, d),
  };
}
