/**
 * Poly1305 one-time authenticator, RFC 8439 section 2.5.
 *
 * The 130-bit accumulator and the clamped key r are held as ten 13-bit limbs in ordinary
 * numbers: a limb product is below 2^30 and a row of ten stays far below 2^53, so every sum is
 * exact. The final reduction and the addition of s use bigint, once per tag.
 */

const MASK13 = 0x1fff;
const P1305 = (1n << 130n) - 5n;

export class Poly1305 {
  private readonly r = new Float64Array(10);
  private readonly h = new Float64Array(10);
  private readonly s: bigint;
  private readonly buffer = new Uint8Array(16);
  private buffered = 0;
  private finished = false;

  constructor(key: Uint8Array) {
    if (key.length !== 32) {
      throw new RangeError(`poly1305 key: expected 32 bytes, got ${key.length}`);
    }
    // Clamp r (RFC 8439 section 2.5.1): clear the top 4 bits of bytes 3, 7, 11, 15 and the
    // bottom 2 bits of bytes 4, 8, 12.
    const r = key.slice(0, 16);
    r[3]! &= 15;
    r[7]! &= 15;
    r[11]! &= 15;
    r[15]! &= 15;
    r[4]! &= 252;
    r[8]! &= 252;
    r[12]! &= 252;
    loadLimbs(r, 0, this.r, 0);
    let s = 0n;
    for (let i = 31; i >= 16; i--) s = (s << 8n) | BigInt(key[i]!);
    this.s = s;
  }

  /** Absorbs bytes; full 16-byte blocks carry the 2^128 bit. */
  update(data: Uint8Array): this {
    if (this.finished) throw new Error('poly1305: update after digest');
    let pos = 0;
    const length = data.length;
    if (this.buffered > 0) {
      const take = Math.min(16 - this.buffered, length);
      this.buffer.set(data.subarray(0, take), this.buffered);
      this.buffered += take;
      pos = take;
      if (this.buffered < 16) return this;
      this.block(this.buffer, 0, 1);
      this.buffered = 0;
    }
    const fullEnd = pos + ((length - pos) & ~15);
    if (fullEnd > pos) this.blocks(data, pos, fullEnd, 1);
    pos = fullEnd;
    if (pos < length) {
      this.buffer.set(data.subarray(pos), 0);
      this.buffered = length - pos;
    }
    return this;
  }

  /** Zero-pads a partial block to 16 bytes, as the AEAD construction does (section 2.8). */
  pad16(): this {
    if (this.buffered > 0) {
      this.buffer.fill(0, this.buffered);
      this.block(this.buffer, 0, 1);
      this.buffered = 0;
    }
    return this;
  }

  /** The 16-byte tag. A trailing partial block gets the 0x01 byte and no 2^128 bit. */
  digest(): Uint8Array {
    if (this.finished) throw new Error('poly1305: digest called twice');
    this.finished = true;
    if (this.buffered > 0) {
      this.buffer[this.buffered] = 1;
      this.buffer.fill(0, this.buffered + 1);
      this.block(this.buffer, 0, 0);
    }
    let acc = 0n;
    for (let i = 9; i >= 0; i--) acc = (acc << 13n) + BigInt(this.h[i]!);
    acc = ((acc % P1305) + this.s) & ((1n << 128n) - 1n);
    const tag = new Uint8Array(16);
    for (let i = 0; i < 16; i++) {
      tag[i] = Number(acc & 0xffn);
      acc >>= 8n;
    }
    return tag;
  }

  /** Absorbs one 16-byte block at data[pos]. */
  private block(data: Uint8Array, pos: number, hibit: number): void {
    this.blocks(data, pos, pos + 16, hibit);
  }

  /**
   * h = (h + m) * r mod 2^130 - 5 for each 16-byte block in data[start, end). The state lives in
   * locals for the whole run; a row sum stays below 2^34, so (d / 2^13) | 0 is an exact carry.
   */
  private blocks(data: Uint8Array, start: number, end: number, hibit: number): void {
    const hs = this.h;
    const r = this.r;
    // prettier-ignore
    let h0 = hs[0]!, h1 = hs[1]!, h2 = hs[2]!, h3 = hs[3]!, h4 = hs[4]!;
    // prettier-ignore
    let h5 = hs[5]!, h6 = hs[6]!, h7 = hs[7]!, h8 = hs[8]!, h9 = hs[9]!;
    // prettier-ignore
    const r0 = r[0]!, r1 = r[1]!, r2 = r[2]!, r3 = r[3]!, r4 = r[4]!;
    // prettier-ignore
    const r5 = r[5]!, r6 = r[6]!, r7 = r[7]!, r8 = r[8]!, r9 = r[9]!;
    // Limb i of the product wraps limbs >= 10 around with factor 5, since 2^130 = 5 (mod p).
    // prettier-ignore
    const s1 = 5 * r1, s2 = 5 * r2, s3 = 5 * r3, s4 = 5 * r4, s5 = 5 * r5;
    // prettier-ignore
    const s6 = 5 * r6, s7 = 5 * r7, s8 = 5 * r8, s9 = 5 * r9;
    const top = hibit << 11;
    for (let pos = start; pos < end; pos += 16) {
      const t0 = data[pos]! | (data[pos + 1]! << 8);
      const t1 = data[pos + 2]! | (data[pos + 3]! << 8);
      const t2 = data[pos + 4]! | (data[pos + 5]! << 8);
      const t3 = data[pos + 6]! | (data[pos + 7]! << 8);
      const t4 = data[pos + 8]! | (data[pos + 9]! << 8);
      const t5 = data[pos + 10]! | (data[pos + 11]! << 8);
      const t6 = data[pos + 12]! | (data[pos + 13]! << 8);
      const t7 = data[pos + 14]! | (data[pos + 15]! << 8);
      h0 += t0 & MASK13;
      h1 += ((t0 >>> 13) | (t1 << 3)) & MASK13;
      h2 += ((t1 >>> 10) | (t2 << 6)) & MASK13;
      h3 += ((t2 >>> 7) | (t3 << 9)) & MASK13;
      h4 += ((t3 >>> 4) | (t4 << 12)) & MASK13;
      h5 += (t4 >>> 1) & MASK13;
      h6 += ((t4 >>> 14) | (t5 << 2)) & MASK13;
      h7 += ((t5 >>> 11) | (t6 << 5)) & MASK13;
      h8 += ((t6 >>> 8) | (t7 << 8)) & MASK13;
      h9 += (t7 >>> 5) | top;

      let c: number;
      // prettier-ignore

      {
        let d = h0 * r0 + h1 * s9 + h2 * s8 + h3 * s7 + h4 * s6 + h5 * s5 + h6 * s4 + h7 * s3 + h8 * s2 + h9 * s1;
        c = (d / 8192) | 0; const n0 = d - c * 8192;
        d = c + h0 * r1 + h1 * r0 + h2 * s9 + h3 * s8 + h4 * s7 + h5 * s6 + h6 * s5 + h7 * s4 + h8 * s3 + h9 * s2;
        c = (d / 8192) | 0; const n1 = d - c * 8192;
        d = c + h0 * r2 + h1 * r1 + h2 * r0 + h3 * s9 + h4 * s8 + h5 * s7 + h6 * s6 + h7 * s5 + h8 * s4 + h9 * s3;
        c = (d / 8192) | 0; const n2 = d - c * 8192;
        d = c + h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s9 + h5 * s8 + h6 * s7 + h7 * s6 + h8 * s5 + h9 * s4;
        c = (d / 8192) | 0; const n3 = d - c * 8192;
        d = c + h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0 + h5 * s9 + h6 * s8 + h7 * s7 + h8 * s6 + h9 * s5;
        c = (d / 8192) | 0; const n4 = d - c * 8192;
        d = c + h0 * r5 + h1 * r4 + h2 * r3 + h3 * r2 + h4 * r1 + h5 * r0 + h6 * s9 + h7 * s8 + h8 * s7 + h9 * s6;
        c = (d / 8192) | 0; const n5 = d - c * 8192;
        d = c + h0 * r6 + h1 * r5 + h2 * r4 + h3 * r3 + h4 * r2 + h5 * r1 + h6 * r0 + h7 * s9 + h8 * s8 + h9 * s7;
        c = (d / 8192) | 0; const n6 = d - c * 8192;
        d = c + h0 * r7 + h1 * r6 + h2 * r5 + h3 * r4 + h4 * r3 + h5 * r2 + h6 * r1 + h7 * r0 + h8 * s9 + h9 * s8;
        c = (d / 8192) | 0; const n7 = d - c * 8192;
        d = c + h0 * r8 + h1 * r7 + h2 * r6 + h3 * r5 + h4 * r4 + h5 * r3 + h6 * r2 + h7 * r1 + h8 * r0 + h9 * s9;
        c = (d / 8192) | 0; const n8 = d - c * 8192;
        d = c + h0 * r9 + h1 * r8 + h2 * r7 + h3 * r6 + h4 * r5 + h5 * r4 + h6 * r3 + h7 * r2 + h8 * r1 + h9 * r0;
        c = (d / 8192) | 0; h9 = d - c * 8192;
        // The carry out of limb 9 is a multiple of 2^130: fold it back in times 5.
        d = n0 + c * 5;
        c = (d / 8192) | 0; h0 = d - c * 8192;
        h1 = n1 + c; h2 = n2; h3 = n3; h4 = n4; h5 = n5; h6 = n6; h7 = n7; h8 = n8;
      }
    }
    // prettier-ignore
    hs[0] = h0;
    hs[1] = h1;
    hs[2] = h2;
    hs[3] = h3;
    hs[4] = h4;
    // prettier-ignore
    hs[5] = h5;
    hs[6] = h6;
    hs[7] = h7;
    hs[8] = h8;
    hs[9] = h9;
  }
}

/** Splits 16 little-endian bytes at bytes[pos] into ten 13-bit limbs; `hibit` sets bit 128. */
function loadLimbs(bytes: Uint8Array, pos: number, out: Float64Array, hibit: number): void {
  const t0 = bytes[pos]! | (bytes[pos + 1]! << 8);
  const t1 = bytes[pos + 2]! | (bytes[pos + 3]! << 8);
  const t2 = bytes[pos + 4]! | (bytes[pos + 5]! << 8);
  const t3 = bytes[pos + 6]! | (bytes[pos + 7]! << 8);
  const t4 = bytes[pos + 8]! | (bytes[pos + 9]! << 8);
  const t5 = bytes[pos + 10]! | (bytes[pos + 11]! << 8);
  const t6 = bytes[pos + 12]! | (bytes[pos + 13]! << 8);
  const t7 = bytes[pos + 14]! | (bytes[pos + 15]! << 8);
  out[0] = t0 & MASK13;
  out[1] = ((t0 >>> 13) | (t1 << 3)) & MASK13;
  out[2] = ((t1 >>> 10) | (t2 << 6)) & MASK13;
  out[3] = ((t2 >>> 7) | (t3 << 9)) & MASK13;
  out[4] = ((t3 >>> 4) | (t4 << 12)) & MASK13;
  out[5] = (t4 >>> 1) & MASK13;
  out[6] = ((t4 >>> 14) | (t5 << 2)) & MASK13;
  out[7] = ((t5 >>> 11) | (t6 << 5)) & MASK13;
  out[8] = ((t6 >>> 8) | (t7 << 8)) & MASK13;
  out[9] = (t7 >>> 5) | (hibit << 11);
}

/** One-shot Poly1305 tag of `message` under the 32-byte one-time key. */
export function poly1305(key: Uint8Array, message: Uint8Array): Uint8Array {
  return new Poly1305(key).update(message).digest();
}
