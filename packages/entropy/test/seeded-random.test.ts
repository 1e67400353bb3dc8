import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { HmacDrbgRandom, randomBytesFrom, randomInt, seededRandom } from '../src/index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

describe('seeded random (HMAC_DRBG, SP 800-90A 10.1.2)', () => {
  // RFC 6979 A.2.5 (P-256, SHA-256, message "sample"): k is the first 32 bytes an HMAC_DRBG
  // instantiated with int2octets(x) || bits2octets(h1) generates, since k < q on the first try.
  it('matches the RFC 6979 A.2.5 nonce for P-256/SHA-256/"sample"', () => {
    const x = unhex('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721');
    const h1 = sha256(new TextEncoder().encode('sample'));
    const seed = new Uint8Array([...x, ...h1]);
    const k = randomBytesFrom(new HmacDrbgRandom(seed), 32);
    expect(hex(k)).toBe('a6e3c57dd01abe90086538398355dd4c3b17aa873382b0f24d6129493d8aad60');
  });

  it('is reproducible: the same seed gives the same stream', () => {
    const a = seededRandom(unhex('00ff'));
    const b = seededRandom(unhex('00ff'));
    const seqA = [randomBytesFrom(a, 7), randomBytesFrom(a, 100), randomBytesFrom(a, 32)].map(hex);
    const seqB = [randomBytesFrom(b, 7), randomBytesFrom(b, 100), randomBytesFrom(b, 32)].map(hex);
    expect(seqA).toEqual(seqB);
    expect(randomInt(a, 1000)).toBe(randomInt(b, 1000));
  });

  it('differs between seeds and between successive requests', () => {
    const a = seededRandom(unhex('01'));
    const b = seededRandom(unhex('02'));
    const a1 = hex(randomBytesFrom(a, 32));
    expect(a1).not.toBe(hex(randomBytesFrom(b, 32)));
    expect(hex(randomBytesFrom(a, 32))).not.toBe(a1);
  });

  it('fills requests larger than one SP 800-90A request (64 KiB)', () => {
    const big = randomBytesFrom(seededRandom(unhex('aa')), 200_000);
    const tail = big.subarray(150_000);
    expect(tail.some((x) => x !== 0)).toBe(true);
    expect(hex(big.subarray(0, 32))).toBe(hex(randomBytesFrom(seededRandom(unhex('aa')), 32)));
  });

  it('refuses a missing or empty seed', () => {
    expect(() => new HmacDrbgRandom(undefined as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => new HmacDrbgRandom(new Uint8Array())).toThrow(RangeError);
  });
});
