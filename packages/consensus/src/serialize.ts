/**
 * Bitcoin's wire serialization: little-endian integers and CompactSize lengths, as Core's
 * `serialize.h`. Decoders never touch I/O; they read from a byte array and throw a
 * `DecodeError` naming what ran out or was malformed.
 */

/** Core's MAX_SIZE: the largest CompactSize a length may carry (0x02000000). */
export const MAX_SIZE = 0x02000000;

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}

export class BufferReader {
  private readonly view: DataView;
  offset = 0;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(n: number, what: string): void {
    if (this.offset + n > this.bytes.length) {
      throw new DecodeError(`end of data reading ${what} at byte ${this.offset}`);
    }
  }

  u8(): number {
    this.need(1, 'u8');
    return this.bytes[this.offset++]!;
  }

  u16(): number {
    this.need(2, 'u16');
    const v = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return v;
  }

  u16be(): number {
    this.need(2, 'u16be');
    const v = this.view.getUint16(this.offset, false);
    this.offset += 2;
    return v;
  }

  u32(): number {
    this.need(4, 'u32');
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }

  i32(): number {
    this.need(4, 'i32');
    const v = this.view.getInt32(this.offset, true);
    this.offset += 4;
    return v;
  }

  u64(): bigint {
    this.need(8, 'u64');
    const v = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    return v;
  }

  i64(): bigint {
    this.need(8, 'i64');
    const v = this.view.getBigInt64(this.offset, true);
    this.offset += 8;
    return v;
  }

  /** A u64 that must fit a JS number exactly (timestamps, service bits up to 2^53). */
  u64Number(): number {
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DecodeError('u64 too large');
    return Number(v);
  }

  bytesN(n: number): Uint8Array {
    this.need(n, `${n} bytes`);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** CompactSize with Core's canonical-encoding and MAX_SIZE checks (ReadCompactSize). */
  compactSize(rangeCheck = true): number {
    const first = this.u8();
    let v: number;
    if (first < 253) v = first;
    else if (first === 253) {
      v = this.u16();
      if (v < 253) throw new DecodeError('non-canonical ReadCompactSize()');
    } else if (first === 254) {
      v = this.u32();
      if (v < 0x10000) throw new DecodeError('non-canonical ReadCompactSize()');
    } else {
      const big = this.u64();
      if (big < 0x100000000n) throw new DecodeError('non-canonical ReadCompactSize()');
      if (big > BigInt(Number.MAX_SAFE_INTEGER))
        throw new DecodeError('ReadCompactSize(): size too large');
      v = Number(big);
    }
    if (rangeCheck && v > MAX_SIZE) throw new DecodeError('ReadCompactSize(): size too large');
    return v;
  }

  varBytes(): Uint8Array {
    const n = this.compactSize();
    return this.bytesN(n);
  }

  /** Reads a hash stored little-endian (as on the wire). */
  hash(): Uint8Array {
    return this.bytesN(32);
  }

  end(): boolean {
    return this.offset >= this.bytes.length;
  }
}

export class BufferWriter {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
    return this;
  }

  u16be(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.length, v, false);
    this.length += 2;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
    return this;
  }

  i32(v: number): this {
    this.ensure(4);
    this.view.setInt32(this.length, v | 0, true);
    this.length += 4;
    return this;
  }

  u64(v: bigint | number): this {
    this.ensure(8);
    this.view.setBigUint64(this.length, BigInt.asUintN(64, BigInt(v)), true);
    this.length += 8;
    return this;
  }

  i64(v: bigint | number): this {
    this.ensure(8);
    this.view.setBigInt64(this.length, BigInt.asIntN(64, BigInt(v)), true);
    this.length += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  compactSize(n: number): this {
    if (n < 253) return this.u8(n);
    if (n <= 0xffff) return this.u8(253).u16(n);
    if (n <= 0xffffffff) return this.u8(254).u32(n);
    return this.u8(255).u64(BigInt(n));
  }

  varBytes(b: Uint8Array): this {
    return this.compactSize(b.length).bytes(b);
  }

  /** A copy of what was written. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export function compactSizeLength(n: number): number {
  return n < 253 ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}
