/**
 * BIP158 compact block filters against Core's blockfilters.json (testnet3 blocks, basic
 * filters): every row is its own test, checking the filter bytes, the filter header chain and
 * that every element of the block's set matches. Also SipHash-2-4 against the reference vectors
 * and the fast-range reduction against BigInt.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  BitReader,
  BitWriter,
  Block,
  BlockFilter,
  BlockFilterType,
  GcsFilter,
  basicFilterElements,
  blockFilterParams,
  computeFilterHeader,
  fromHex,
  golombRiceDecode,
  golombRiceEncode,
  mapToRange,
  reverseBytes,
  SipHasher,
  sipHash24,
  toHex,
} from '../src/index.js';
import { readSharedJson } from './shared-data.js';

type Row = [number, string, string, string[], string, string, string, string];

const raw = readSharedJson<unknown[][]>('vectors/blockfilters.json');
const rows = raw.filter((r) => r.length > 1) as Row[];
let rowsRun = 0;

afterAll(() => console.log(`blockfilters.json: ${rowsRun} of ${rows.length} rows run`));

function displayHex(internal: Uint8Array): string {
  return toHex(reverseBytes(internal));
}

describe('BIP158 basic filters (blockfilters.json)', () => {
  it('has 10 rows', () => expect(rows.length).toBe(10));

  for (const [
    height,
    hashHex,
    blockHex,
    spentHex,
    prevHeaderHex,
    filterHex,
    headerHex,
    note,
  ] of rows) {
    it(`height ${height}${note ? ` (${note})` : ''}`, () => {
      const block = Block.decode(fromHex(blockHex));
      expect(block.hashHex()).toBe(hashHex);
      const spent = spentHex.map(fromHex);

      const filter = BlockFilter.basic(block, spent);
      expect(toHex(filter.encoded)).toBe(filterHex);

      const prevHeader = reverseBytes(fromHex(prevHeaderHex));
      expect(displayHex(filter.computeHeader(prevHeader))).toBe(headerHex);
      expect(displayHex(computeFilterHeader(filter.hash(), prevHeader))).toBe(headerHex);

      // Every element matches, one at a time and all together, also after a decode round trip.
      const elements = basicFilterElements(block, spent);
      const parsed = BlockFilter.decode(BlockFilterType.BASIC, block.hash(), fromHex(filterHex));
      expect(parsed.filter.n).toBe(filter.filter.n);
      for (const e of elements) {
        expect(filter.match(e)).toBe(true);
        expect(parsed.match(e)).toBe(true);
      }
      expect(parsed.matchAny(elements)).toBe(elements.length > 0);

      // Scripts that are not in the set: none of these happens to be a false positive.
      const outsiders = [fromHex('6a'), new Uint8Array(0), fromHex('51'), fromHex('00140000')];
      expect(
        parsed.matchAny(outsiders.filter((o) => !elements.some((e) => toHex(e) === toHex(o)))),
      ).toBe(false);
      rowsRun++;
    });
  }

  it('leaves out empty output scripts (height 49291) and OP_RETURN ones (height 926485)', () => {
    for (const height of [49291, 926485]) {
      const row = rows.find((r) => r[0] === height)!;
      const block = Block.decode(fromHex(row[2]));
      const filter = BlockFilter.basic(block, row[3].map(fromHex));
      const elements = basicFilterElements(block, row[3].map(fromHex));
      const outputs = block.txs.flatMap((t) => t.vout.map((o) => o.scriptPubKey));
      const left = outputs.filter((s) => s.length === 0 || s[0] === 0x6a);
      expect(left.length).toBeGreaterThan(0);
      for (const s of left) {
        expect(elements.some((e) => toHex(e) === toHex(s))).toBe(false);
        expect(filter.match(s)).toBe(false);
      }
    }
  });

  it('counts repeated scripts once (N is the number of distinct items)', () => {
    const row = rows.find((r) => r[0] === 926485)!;
    const block = Block.decode(fromHex(row[2]));
    const spent = row[3].map(fromHex);
    const doubled = BlockFilter.basic(block, [...spent, ...spent]);
    expect(toHex(doubled.encoded)).toBe(row[5]);
  });

  it('rejects a filter with excess data and a truncated one', () => {
    const row = rows.find((r) => r[0] === 49291)!;
    const hash = reverseBytes(fromHex(row[1]));
    const bytes = fromHex(row[5]);
    const params = blockFilterParams(BlockFilterType.BASIC, hash);
    expect(() => GcsFilter.decode(params, Uint8Array.of(...bytes, 0))).toThrow(/excess/);
    expect(() => GcsFilter.decode(params, bytes.subarray(0, bytes.length - 2))).toThrow();
  });

  it('an empty set encodes as a single zero byte and matches nothing', () => {
    const params = blockFilterParams(BlockFilterType.BASIC, new Uint8Array(32));
    const f = GcsFilter.fromElements(params, []);
    expect(toHex(f.encoded)).toBe('00');
    expect(f.matchAny([fromHex('51')])).toBe(false);
    expect(f.matchAny([])).toBe(false);
  });
});

describe('SipHash-2-4', () => {
  // Reference vectors from the SipHash paper: key 00..0f, message 00..(len-1).
  const key = Uint8Array.from({ length: 16 }, (_, i) => i);
  const expected: [number, bigint][] = [
    [0, 0x726fdb47dd0e0e31n],
    [1, 0x74f839c593dc67fdn],
    [7, 0xab0200f58b01d137n],
    [8, 0x93f5f5799a932462n],
    [15, 0xa129ca6149be45e5n],
    [16, 0x3f2acc7f57c29bdbn],
    [31, 0x32d892fad841c342n],
    [63, 0x958a324ceb064572n],
  ];
  for (const [len, want] of expected) {
    it(`message of ${len} bytes`, () => {
      const msg = Uint8Array.from({ length: len }, (_, i) => i);
      expect(sipHash24(key, msg)).toBe(want);
    });
  }

  it('rejects a key that is not 16 bytes', () => {
    expect(() => new SipHasher(new Uint8Array(15))).toThrow(/16 bytes/);
  });
});

describe('fast range and Golomb-Rice coding', () => {
  it('mapToRange equals (h * F) >> 64 computed with BigInt', () => {
    const hasher = new SipHasher(Uint8Array.from({ length: 16 }, (_, i) => 255 - i));
    const ranges = [1, 784931, 784931 * 1000, 784931 * 0xffffffff, 2 ** 53 - 1];
    for (let i = 0; i < 2000; i++) {
      const { hi, lo } = hasher.hash(Uint8Array.of(i & 0xff, i >> 8));
      const h = (BigInt(hi) << 32n) | BigInt(lo);
      for (const f of ranges) {
        expect(mapToRange(hi, lo, f)).toBe(Number((h * BigInt(f)) >> 64n));
      }
    }
  });

  it('round-trips values with large quotients', () => {
    const values = [0, 1, 2 ** 19 - 1, 2 ** 19, 2 ** 19 * 40 + 7, 2 ** 32 + 5, 2 ** 40];
    const w = new BitWriter();
    for (const v of values) golombRiceEncode(w, 19, v);
    const r = new BitReader(w.finish());
    expect(values.map(() => golombRiceDecode(r, 19))).toEqual(values);
  });
});
