/**
 * The Random capability: the node's one source of randomness. The launcher makes it from
 * `entropy: !random os` (the OS source, in `host/`) or `!random {seed: HEX}` (a deterministic
 * generator, for reproducible regtest runs). Nothing else may call Math.random or crypto's RNG.
 */
export interface Random {
  /** Fills `out` with random bytes and returns it. */
  fill(out: Uint8Array): Uint8Array;
}

export function randomBytesFrom(rng: Random, n: number): Uint8Array {
  return rng.fill(new Uint8Array(n));
}

/** A uniformly random 64-bit unsigned integer (version nonces, ping nonces). */
export function randomU64(rng: Random): bigint {
  const b = randomBytesFrom(rng, 8);
  return new DataView(b.buffer).getBigUint64(0, true);
}

/** A uniform integer in [0, bound), without modulo bias; bound <= 2^32. */
export function randomInt(rng: Random, bound: number): number {
  if (!(bound > 0 && bound <= 0x100000000)) throw new RangeError(`randomInt: bound ${bound}`);
  const limit = Math.floor(0x100000000 / bound) * bound;
  const b = new Uint8Array(4);
  const view = new DataView(b.buffer);
  for (;;) {
    rng.fill(b);
    const v = view.getUint32(0, true);
    if (v < limit) return v % bound;
  }
}
