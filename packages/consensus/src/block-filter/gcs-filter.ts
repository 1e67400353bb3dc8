/**
 * Golomb-coded sets (BIP158 "Golomb-Coded Sets"), Core's GCSFilter: a set of N items is hashed
 * into [0, N*M), sorted, and the differences between neighbours are Golomb-Rice coded. The
 * serialized filter is N as a CompactSize followed by the coded bits.
 */
import { BufferReader, BufferWriter, DecodeError } from '../serialize.js';
import { BitReader, BitWriter, golombRiceDecode, golombRiceEncode } from './golomb-rice.js';
import { SipHasher } from './siphash.js';

export interface GcsParams {
  /** The 16-byte SipHash key (for BIP158 filters: the first 16 bytes of the block hash). */
  siphashKey: Uint8Array;
  /** Golomb-Rice parameter: bits of each remainder. */
  p: number;
  /** Inverse false-positive rate: items are hashed into [0, N*M). */
  m: number;
}

const TWO_32 = 0x100000000;

/** Exact 64-bit product of two unsigned 32-bit numbers, as [high 32 bits, low 32 bits]. */
function mul32(x: number, y: number): [number, number] {
  const yh = y >>> 16;
  const yl = y & 0xffff;
  const p1 = x * yl; // < 2^48, exact
  const p2 = x * yh; // < 2^48, exact
  const sum = p1 + (p2 % 0x10000) * 0x10000; // < 2^49, exact
  const lo = sum % TWO_32;
  return [Math.floor(p2 / 0x10000) + Math.floor(sum / TWO_32), lo];
}

/**
 * (h * f) >> 64 for a 64-bit hash h = hi:lo and a range f < 2^53: BIP158's "fast range"
 * reduction, which maps a uniform 64-bit hash onto [0, f) without a division.
 */
export function mapToRange(hi: number, lo: number, f: number): number {
  const fHi = Math.floor(f / TWO_32);
  const fLo = f - fHi * TWO_32;
  const [aHi] = mul32(lo, fLo);
  const [bHi, bLo] = mul32(hi, fLo);
  const [cHi, cLo] = mul32(lo, fHi);
  const carry = Math.floor((aHi + bLo + cLo) / TWO_32);
  return hi * fHi + bHi + cHi + carry;
}

/** Drops repeated byte strings, keeping the first of each (Core's filters take a set). */
export function uniqueElements(elements: Iterable<Uint8Array>): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  for (const e of elements) {
    const key = Buffer.from(e.buffer, e.byteOffset, e.byteLength).toString('latin1');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out;
}

export class GcsFilter {
  private readonly hasher: SipHasher;
  /** N * M: the range items are hashed into. */
  readonly f: number;

  private constructor(
    readonly params: GcsParams,
    /** Number of items in the set. */
    readonly n: number,
    /** Serialized filter: CompactSize(N) then the Golomb-Rice bit stream. */
    readonly encoded: Uint8Array,
  ) {
    this.hasher = new SipHasher(params.siphashKey);
    this.f = n * params.m;
  }

  /** Builds the filter of a set; duplicate items are removed first. */
  static fromElements(params: GcsParams, elements: Iterable<Uint8Array>): GcsFilter {
    checkParams(params);
    const items = uniqueElements(elements);
    const n = items.length;
    if (n > 0xffffffff) throw new RangeError(`gcs: N must fit 32 bits, got ${n}`);

    const hasher = new SipHasher(params.siphashKey);
    const f = n * params.m;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const h = hasher.hash(items[i]!);
      values[i] = mapToRange(h.hi, h.lo, f);
    }
    values.sort();

    const header = new BufferWriter(9).compactSize(n).toBytes();
    const bits = new BitWriter(Math.ceil((n * (params.p + 2)) / 8) + 1);
    let last = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      golombRiceEncode(bits, params.p, v - last);
      last = v;
    }
    const body = n > 0 ? bits.finish() : new Uint8Array(0);

    const encoded = new Uint8Array(header.length + body.length);
    encoded.set(header, 0);
    encoded.set(body, header.length);
    return new GcsFilter(params, n, encoded);
  }

  /**
   * Parses a serialized filter. With `check` (the default), every value is decoded and the
   * stream must end within the last byte, as Core's GCSFilter constructor insists.
   */
  static decode(params: GcsParams, encoded: Uint8Array, check = true): GcsFilter {
    checkParams(params);
    const r = new BufferReader(encoded);
    const n = r.compactSize();
    if (check) {
      const bits = new BitReader(encoded, r.offset);
      for (let i = 0; i < n; i++) golombRiceDecode(bits, params.p);
      if (!bits.atEnd()) throw new DecodeError('gcs: encoded filter has excess data');
    }
    return new GcsFilter(params, n, encoded.slice());
  }

  /** The item's position in [0, F): what the filter stores for it. */
  hashToRange(element: Uint8Array): number {
    const h = this.hasher.hash(element);
    return mapToRange(h.hi, h.lo, this.f);
  }

  /** True if `element` may be in the set (false positives at rate 1/M; no false negatives). */
  match(element: Uint8Array): boolean {
    return this.matchSorted([this.hashToRange(element)]);
  }

  /** True if any of `elements` may be in the set: one pass over the filter for all of them. */
  matchAny(elements: Iterable<Uint8Array>): boolean {
    const queries: number[] = [];
    for (const e of elements) queries.push(this.hashToRange(e));
    if (queries.length === 0) return false;
    queries.sort((a, b) => a - b);
    return this.matchSorted(queries);
  }

  /** Decodes the filter's values in order and merges them with the sorted queries. */
  private matchSorted(queries: number[]): boolean {
    const r = new BufferReader(this.encoded);
    const n = r.compactSize();
    const bits = new BitReader(this.encoded, r.offset);
    let value = 0;
    let qi = 0;
    for (let i = 0; i < n; i++) {
      value += golombRiceDecode(bits, this.params.p);
      while (qi < queries.length && queries[qi]! < value) qi++;
      if (qi === queries.length) return false;
      if (queries[qi] === value) return true;
    }
    return false;
  }
}

function checkParams(params: GcsParams): void {
  if (params.siphashKey.length !== 16) {
    throw new RangeError(`gcs: siphash key must be 16 bytes, got ${params.siphashKey.length}`);
  }
  if (!Number.isInteger(params.p) || params.p < 1 || params.p > 31) {
    throw new RangeError(`gcs: P must be 1..31, got ${params.p}`);
  }
  if (!Number.isInteger(params.m) || params.m < 1 || params.m >= 2 ** 21) {
    throw new RangeError(`gcs: M must be 1..2^21-1, got ${params.m}`);
  }
}
