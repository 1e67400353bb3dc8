/**
 * The Random for `entropy: !random os`: the operating system's CSPRNG through Node's
 * `randomFillSync` (getrandom(2) on Linux). Unlike `crypto.getRandomValues` it has no 64 KiB
 * limit per call. Made only by the launcher.
 */
import { randomFillSync } from 'node:crypto';
import type { Random } from '../random.js';

export class OsRandom implements Random {
  fill(out: Uint8Array): Uint8Array {
    if (!(out instanceof Uint8Array))
      throw new TypeError('OsRandom.fill: out must be a Uint8Array');
    randomFillSync(out);
    return out;
  }
}

export function osRandom(): Random {
  return new OsRandom();
}
