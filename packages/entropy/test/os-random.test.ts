import { describe, expect, it } from 'vitest';
import { osRandom } from '../src/host/index.js';
import { randomBytesFrom, randomU64 } from '../src/index.js';

describe('os random', () => {
  it('gives different bytes on each call and across instances', () => {
    const r = osRandom();
    const a = Buffer.from(randomBytesFrom(r, 32)).toString('hex');
    const b = Buffer.from(randomBytesFrom(r, 32)).toString('hex');
    const c = Buffer.from(randomBytesFrom(osRandom(), 32)).toString('hex');
    expect(new Set([a, b, c]).size).toBe(3);
    expect(randomU64(r)).not.toBe(randomU64(r));
  });

  it('fills more than getRandomValues allows in one call (64 KiB)', () => {
    const out = osRandom().fill(new Uint8Array(100_000));
    // 1,000 zero bytes in a row from a CSPRNG has probability 2^-8000.
    expect(out.subarray(99_000).some((x) => x !== 0)).toBe(true);
  });
});
