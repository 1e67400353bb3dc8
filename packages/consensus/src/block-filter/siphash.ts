/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012), as BIP158 uses it to hash filter elements.
 *
 * JavaScript numbers cannot hold 64-bit words, so every word is kept as two unsigned 32-bit
 * halves. BigInt would be simpler but is an order of magnitude slower, and a block filter hashes
 * every output script of the block.
 */

/** A 64-bit result as two unsigned 32-bit halves. */
export interface U64Halves {
  hi: number;
  lo: number;
}

function readU32LE(b: Uint8Array, off: number): number {
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}

/**
 * A SipHash-2-4 instance for one 128-bit key (k0 = bytes 0..7 and k1 = bytes 8..15, each read
 * little-endian, as the reference implementation and BIP158 do). `hash` is allocation-free.
 */
export class SipHasher {
  private readonly k0hi: number;
  private readonly k0lo: number;
  private readonly k1hi: number;
  private readonly k1lo: number;
  // State words v0..v3 as hi/lo halves; fields rather than locals so the rounds share them.
  private v0h = 0;
  private v0l = 0;
  private v1h = 0;
  private v1l = 0;
  private v2h = 0;
  private v2l = 0;
  private v3h = 0;
  private v3l = 0;

  constructor(key: Uint8Array) {
    if (key.length !== 16) throw new RangeError(`siphash key must be 16 bytes, got ${key.length}`);
    this.k0lo = readU32LE(key, 0);
    this.k0hi = readU32LE(key, 4);
    this.k1lo = readU32LE(key, 8);
    this.k1hi = readU32LE(key, 12);
  }

  /** SipHash-2-4 of `data`, returned as {hi, lo}. */
  hash(data: Uint8Array): U64Halves {
    // Initialisation constants: "somepseudorandomlygeneratedbytes".
    this.v0h = (this.k0hi ^ 0x736f6d65) >>> 0;
    this.v0l = (this.k0lo ^ 0x70736575) >>> 0;
    this.v1h = (this.k1hi ^ 0x646f7261) >>> 0;
    this.v1l = (this.k1lo ^ 0x6e646f6d) >>> 0;
    this.v2h = (this.k0hi ^ 0x6c796765) >>> 0;
    this.v2l = (this.k0lo ^ 0x6e657261) >>> 0;
    this.v3h = (this.k1hi ^ 0x74656462) >>> 0;
    this.v3l = (this.k1lo ^ 0x79746573) >>> 0;

    const len = data.length;
    const whole = len - (len % 8);
    for (let off = 0; off < whole; off += 8) {
      this.compress(readU32LE(data, off + 4), readU32LE(data, off));
    }

    // The last word holds the 0..7 leftover bytes and, in its top byte, the length mod 256.
    let lastLo = 0;
    let lastHi = (len & 0xff) << 24;
    for (let i = 0; i < len - whole; i++) {
      const b = data[whole + i]!;
      if (i < 4) lastLo |= b << (8 * i);
      else lastHi |= b << (8 * (i - 4));
    }
    this.compress(lastHi >>> 0, lastLo >>> 0);

    this.v2l = (this.v2l ^ 0xff) >>> 0;
    this.round();
    this.round();
    this.round();
    this.round();
    return {
      hi: (this.v0h ^ this.v1h ^ this.v2h ^ this.v3h) >>> 0,
      lo: (this.v0l ^ this.v1l ^ this.v2l ^ this.v3l) >>> 0,
    };
  }

  /** SipHash-2-4 of `data` as a bigint (for tests and callers that want one value). */
  hashBigInt(data: Uint8Array): bigint {
    const { hi, lo } = this.hash(data);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** One message word: two compression rounds (the "2" of SipHash-2-4). */
  private compress(mh: number, ml: number): void {
    this.v3h = (this.v3h ^ mh) >>> 0;
    this.v3l = (this.v3l ^ ml) >>> 0;
    this.round();
    this.round();
    this.v0h = (this.v0h ^ mh) >>> 0;
    this.v0l = (this.v0l ^ ml) >>> 0;
  }

  private round(): void {
    let lo: number;
    let hi: number;
    let t: number;

    // v0 += v1; v1 <<<= 13; v1 ^= v0; v0 <<<= 32
    lo = this.v0l + this.v1l;
    this.v0h = (this.v0h + this.v1h + (lo > 0xffffffff ? 1 : 0)) >>> 0;
    this.v0l = lo >>> 0;
    hi = this.v1h;
    lo = this.v1l;
    this.v1h = ((hi << 13) | (lo >>> 19)) >>> 0;
    this.v1l = ((lo << 13) | (hi >>> 19)) >>> 0;
    this.v1h = (this.v1h ^ this.v0h) >>> 0;
    this.v1l = (this.v1l ^ this.v0l) >>> 0;
    t = this.v0h;
    this.v0h = this.v0l;
    this.v0l = t;

    // v2 += v3; v3 <<<= 16; v3 ^= v2
    lo = this.v2l + this.v3l;
    this.v2h = (this.v2h + this.v3h + (lo > 0xffffffff ? 1 : 0)) >>> 0;
    this.v2l = lo >>> 0;
    hi = this.v3h;
    lo = this.v3l;
    this.v3h = ((hi << 16) | (lo >>> 16)) >>> 0;
    this.v3l = ((lo << 16) | (hi >>> 16)) >>> 0;
    this.v3h = (this.v3h ^ this.v2h) >>> 0;
    this.v3l = (this.v3l ^ this.v2l) >>> 0;

    // v0 += v3; v3 <<<= 21; v3 ^= v0
    lo = this.v0l + this.v3l;
    this.v0h = (this.v0h + this.v3h + (lo > 0xffffffff ? 1 : 0)) >>> 0;
    this.v0l = lo >>> 0;
    hi = this.v3h;
    lo = this.v3l;
    this.v3h = ((hi << 21) | (lo >>> 11)) >>> 0;
    this.v3l = ((lo << 21) | (hi >>> 11)) >>> 0;
    this.v3h = (this.v3h ^ this.v0h) >>> 0;
    this.v3l = (this.v3l ^ this.v0l) >>> 0;

    // v2 += v1; v1 <<<= 17; v1 ^= v2; v2 <<<= 32
    lo = this.v2l + this.v1l;
    this.v2h = (this.v2h + this.v1h + (lo > 0xffffffff ? 1 : 0)) >>> 0;
    this.v2l = lo >>> 0;
    hi = this.v1h;
    lo = this.v1l;
    this.v1h = ((hi << 17) | (lo >>> 15)) >>> 0;
    this.v1l = ((lo << 17) | (hi >>> 15)) >>> 0;
    this.v1h = (this.v1h ^ this.v2h) >>> 0;
    this.v1l = (this.v1l ^ this.v2l) >>> 0;
    t = this.v2h;
    this.v2h = this.v2l;
    this.v2l = t;
  }
}

/** One-shot SipHash-2-4 of `data` under a 16-byte key, as a bigint. */
export function sipHash24(key: Uint8Array, data: Uint8Array): bigint {
  return new SipHasher(key).hashBigInt(data);
}
