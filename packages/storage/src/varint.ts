/**
 * Core's VARINT (serialize.h `WriteVarInt` / `ReadVarInt`, mode DEFAULT): base-128, most
 * significant group first, with one subtracted at each continuation so every number has exactly
 * one encoding. Used by the block index, the coins database and undo data; distinct from the
 * wire's CompactSize.
 */

export class VarIntError extends Error {
  override readonly name = 'VarIntError';
}

/** Appends the VARINT encoding of a non-negative integer (number up to 2^53 or bigint). */
export function writeVarInt(out: number[], value: number | bigint): void {
  let n = BigInt(value);
  if (n < 0n) throw new RangeError(`writeVarInt: negative value ${n}`);
  const tmp: number[] = [];
  let len = 0;
  for (;;) {
    tmp.push(Number(n & 0x7fn) | (len > 0 ? 0x80 : 0));
    if (n <= 0x7fn) break;
    n = (n >> 7n) - 1n;
    len++;
  }
  for (let i = tmp.length - 1; i >= 0; i--) out.push(tmp[i]!);
}

export function varIntBytes(value: number | bigint): Uint8Array {
  const out: number[] = [];
  writeVarInt(out, value);
  return Uint8Array.from(out);
}

/** A cursor over bytes for the storage formats (VARINT, raw bytes, little-endian u32). */
export class StorageReader {
  offset = 0;

  constructor(readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  u8(): number {
    if (this.offset >= this.bytes.length) throw new VarIntError('end of data reading u8');
    return this.bytes[this.offset++]!;
  }

  /** ReadVarInt into a bigint (amounts); throws on more than 64 bits, as Core's size check. */
  varIntBig(): bigint {
    let n = 0n;
    for (;;) {
      const b = this.u8();
      if (n > 0xffffffffffffffffn >> 7n) throw new VarIntError('ReadVarInt(): size too large');
      n = (n << 7n) | BigInt(b & 0x7f);
      if ((b & 0x80) === 0) return n;
      if (n === 0xffffffffffffffffn) throw new VarIntError('ReadVarInt(): size too large');
      n++;
    }
  }

  /** ReadVarInt into a number; throws past 2^53. */
  varInt(): number {
    const v = this.varIntBig();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new VarIntError('ReadVarInt(): too large');
    return Number(v);
  }

  bytesN(n: number): Uint8Array {
    if (this.offset + n > this.bytes.length) {
      throw new VarIntError(`end of data reading ${n} bytes at ${this.offset}`);
    }
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  u32(): number {
    const b = this.bytesN(4);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  }

  i32(): number {
    return this.u32() | 0;
  }

  compactSize(): number {
    const first = this.u8();
    if (first < 253) return first;
    if (first === 253) return this.u8() | (this.u8() << 8);
    if (first === 254) return this.u32();
    const lo = this.u32();
    const hi = this.u32();
    return hi * 0x100000000 + lo;
  }
}

/** Appends a u32 little-endian. */
export function pushU32(out: number[], v: number): void {
  out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
}

export function pushCompactSize(out: number[], n: number): void {
  if (n < 253) out.push(n);
  else if (n <= 0xffff) out.push(253, n & 0xff, n >>> 8);
  else if (n <= 0xffffffff) {
    out.push(254);
    pushU32(out, n);
  } else throw new RangeError(`compact size ${n} too large`);
}

export function pushBytes(out: number[], b: Uint8Array): void {
  for (let i = 0; i < b.length; i++) out.push(b[i]!);
}
