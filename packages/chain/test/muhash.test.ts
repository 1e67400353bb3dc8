/** MuHash3072 against Core's crypto_tests vector (also in its Python test framework). */
import { describe, expect, it } from 'vitest';
import { toHex, reverseBytes } from '@bitcoind-lite/consensus';
import { MuHash3072 } from '../src/index.js';

function element(i: number): Uint8Array {
  const b = new Uint8Array(32);
  b[0] = i;
  return b;
}

describe('MuHash3072', () => {
  it("matches Core's muhash_tests vector: {0} * {1} / {2}", () => {
    const d = new MuHash3072().insert(element(0)).insert(element(1)).remove(element(2)).finalize();
    expect(toHex(reverseBytes(d))).toBe(
      '10d312b100cbd32ada024a6646e40d3482fcff103668d2625f10002a607d5863',
    );
  });

  it('is order independent and removal cancels insertion', () => {
    const a = new MuHash3072().insert(element(1)).insert(element(2)).finalize();
    const b = new MuHash3072().insert(element(2)).insert(element(1)).finalize();
    expect(toHex(a)).toBe(toHex(b));
    const c = new MuHash3072().insert(element(1)).insert(element(3)).remove(element(3));
    expect(toHex(c.insert(element(2)).finalize())).toBe(toHex(a));
  });
});
