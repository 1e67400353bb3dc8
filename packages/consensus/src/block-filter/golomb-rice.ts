/**
 * Golomb-Rice coding over a most-significant-bit-first bit stream (BIP158 "Golomb-Rice Coding"):
 * a value x is written as the quotient x >> P in unary (that many 1 bits, then a 0) followed by
 * the low P bits of x. Core's BitStreamWriter/BitStreamReader fill each byte from its high bit,
 * and the final partial byte is padded with zero bits.
 */
import { DecodeError } from '../serialize.js';

export class BitWriter {
  private buf: Uint8Array;
  private length = 0;
  private acc = 0;
  private accBits = 0;

  constructor(initialCapacity = 64) {
    this.buf = new Uint8Array(Math.max(1, initialCapacity));
  }

  /** Appends the low `nbits` (0..32) bits of `value`, most significant first. */
  write(value: number, nbits: number): void {
    if (nbits < 0 || nbits > 32) throw new RangeError(`bit count must be 0..32, got ${nbits}`);
    while (nbits > 0) {
      const take = Math.min(8 - this.accBits, nbits);
      const bits = (value >>> (nbits - take)) & ((1 << take) - 1);
      this.acc = (this.acc << take) | bits;
      this.accBits += take;
      nbits -= take;
      if (this.accBits === 8) this.pushByte();
    }
  }

  /** Pads the last byte with zero bits and returns the stream. */
  finish(): Uint8Array {
    if (this.accBits > 0) {
      this.acc <<= 8 - this.accBits;
      this.pushByte();
    }
    return this.buf.slice(0, this.length);
  }

  private pushByte(): void {
    if (this.length === this.buf.length) {
      const grown = new Uint8Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.length++] = this.acc & 0xff;
    this.acc = 0;
    this.accBits = 0;
  }
}

export class BitReader {
  private offset: number;
  private acc = 0;
  private accBits = 0;

  constructor(
    private readonly bytes: Uint8Array,
    startByte = 0,
  ) {
    this.offset = startByte;
  }

  /** Reads `nbits` (0..32) bits, most significant first, as an unsigned number. */
  read(nbits: number): number {
    if (nbits < 0 || nbits > 32) throw new RangeError(`bit count must be 0..32, got ${nbits}`);
    let out = 0;
    while (nbits > 0) {
      if (this.accBits === 0) this.loadByte();
      const take = Math.min(this.accBits, nbits);
      const bits = (this.acc >>> (this.accBits - take)) & ((1 << take) - 1);
      // Multiply rather than shift: a 32-bit result must stay unsigned.
      out = out * (1 << take) + bits;
      this.accBits -= take;
      nbits -= take;
    }
    return out;
  }

  /** True once every byte has been consumed (the padding of the last byte may remain). */
  atEnd(): boolean {
    return this.offset >= this.bytes.length;
  }

  private loadByte(): void {
    if (this.offset >= this.bytes.length) {
      throw new DecodeError('golomb-rice: end of filter data');
    }
    this.acc = this.bytes[this.offset++]!;
    this.accBits = 8;
  }
}

/** Writes x (a non-negative safe integer) with Rice parameter p (1..31). */
export function golombRiceEncode(w: BitWriter, p: number, x: number): void {
  const divisor = 2 ** p;
  let q = Math.floor(x / divisor);
  while (q > 0) {
    const ones = Math.min(q, 32);
    w.write(0xffffffff, ones);
    q -= ones;
  }
  w.write(0, 1);
  w.write(x % divisor, p);
}

/** Reads one value written by golombRiceEncode. */
export function golombRiceDecode(r: BitReader, p: number): number {
  let q = 0;
  while (r.read(1) === 1) q++;
  return q * 2 ** p + r.read(p);
}
