import { describe, expect, it } from 'vitest';
import {
  BlockHeader,
  bytesEqual,
  calculateNextWorkRequired,
  checkProofOfWork,
  difficultyAdjustmentInterval,
  encodeCompact,
  fromHex,
  getChainParams,
  getNextWorkRequired,
  permittedDifficultyTransition,
  workFromBits,
  type ChainParams,
  type HeaderView,
} from '../src/index.js';
import { readShared, readSharedCsv } from './shared-data.js';

/** An array-backed chain of header views, as a BlockIndex would offer them. */
function makeChain(entries: { bits: number; time: number }[]): HeaderView[] {
  const chain: HeaderView[] = [];
  entries.forEach((e, height) => {
    chain.push({
      height,
      bits: e.bits,
      time: e.time,
      prev: height === 0 ? undefined : chain[height - 1],
      getAncestor: (h) => chain[h],
    });
  });
  return chain;
}

const main = getChainParams('main');

describe('mainnet headers 0..10236 (../shared/chain/mainnet-headers-0-10236.bin)', () => {
  const raw = readShared('chain/mainnet-headers-0-10236.bin');
  const headers: BlockHeader[] = [];
  for (let off = 0; off < raw.length; off += 80) {
    headers.push(BlockHeader.decode(raw.subarray(off, off + 80)));
  }
  const chain = makeChain(headers.map((h) => ({ bits: h.bits, time: h.time })));

  it('holds 10237 headers starting at genesis', () => {
    expect(raw.length % 80).toBe(0);
    expect(headers.length).toBe(10237);
    expect(headers[0]!.hashHex()).toBe(main.genesisHash);
  });

  it('every header links, meets its PoW, and carries exactly the required bits', () => {
    let retargets = 0;
    for (let h = 1; h < headers.length; h++) {
      const hdr = headers[h]!;
      expect(bytesEqual(hdr.prevBlock, headers[h - 1]!.hash()), `link at ${h}`).toBe(true);
      expect(checkProofOfWork(hdr.hash(), hdr.bits, main.powLimit), `pow at ${h}`).toBe(true);
      const required = getNextWorkRequired(chain[h - 1]!, hdr.time, main);
      expect(required, `bits at ${h}`).toBe(hdr.bits);
      expect(permittedDifficultyTransition(main, h, headers[h - 1]!.bits, hdr.bits)).toBe(true);
      if (h % 2016 === 0) retargets++;
    }
    expect(retargets).toBe(5);
    // The first retarget that changed anything (height 32256) is beyond this file: bits stay.
    expect(headers[10236]!.bits).toBe(0x1d00ffff);
  });

  it('a wrong bits value is refused by PermittedDifficultyTransition off a boundary', () => {
    expect(permittedDifficultyTransition(main, 5, 0x1d00ffff, 0x1c00ffff)).toBe(false);
  });
});

describe('every mainnet retarget to 832608 (../shared/chain/mainnet-retarget-headers.csv)', () => {
  const rows = readSharedCsv('chain/mainnet-retarget-headers.csv');
  const byHeight = new Map(rows.map(([h, hex]) => [Number(h), BlockHeader.decode(fromHex(hex!))]));

  it('recomputes every retarget from the period first/last headers', () => {
    let checked = 0;
    let changed = 0;
    for (let h = 2016; byHeight.has(h); h += 2016) {
      const last = byHeight.get(h - 1)!;
      const first = byHeight.get(h - 2016)!;
      const next = byHeight.get(h)!;
      // The file holds heights 2016k-1 and 2016k only; the period's first block is 2016(k-1).
      const view: HeaderView = {
        height: h - 1,
        bits: last.bits,
        time: last.time,
        prev: undefined,
        getAncestor: (a) =>
          a === h - 2016
            ? { height: a, bits: first.bits, time: first.time, prev: undefined }
            : undefined,
      };
      expect(getNextWorkRequired(view, next.time, main), `retarget at ${h}`).toBe(next.bits);
      expect(permittedDifficultyTransition(main, h, last.bits, next.bits)).toBe(true);
      // Within a period bits never change on mainnet: the 2016k-1 header has period k-1's bits.
      expect(first.bits, `period bits at ${h}`).toBe(last.bits);
      expect(checkProofOfWork(next.hash(), next.bits, main.powLimit)).toBe(true);
      if (last.bits !== next.bits) changed++;
      checked++;
    }
    expect(checked).toBe(413);
    expect(changed).toBeGreaterThan(390);
  });

  it('PermittedDifficultyTransition refuses more than a factor of 4', () => {
    const p = byHeight.get(2016 * 200 - 1)!;
    const target = (BigInt(p.bits & 0xffffff) << BigInt(8 * ((p.bits >>> 24) - 3))) * 5n;
    expect(permittedDifficultyTransition(main, 2016 * 200, p.bits, encodeCompact(target))).toBe(
      false,
    );
  });
});

describe('cumulative chain work (../shared/chain/mainnet-chainwork.csv)', () => {
  const work = readSharedCsv('chain/mainnet-chainwork.csv').map(([h, w]) => ({
    height: Number(h),
    work: BigInt('0x' + w),
  }));
  const retarget = new Map(
    readSharedCsv('chain/mainnet-retarget-headers.csv').map(([h, hex]) => [
      Number(h),
      BlockHeader.decode(fromHex(hex!)),
    ]),
  );

  it('matches the sum of every header where the 0..10236 headers reach', () => {
    const raw = readShared('chain/mainnet-headers-0-10236.bin');
    const prefix: bigint[] = [];
    let sum = 0n;
    for (let off = 0; off < raw.length; off += 80) {
      sum += workFromBits(BlockHeader.decode(raw.subarray(off, off + 80)).bits);
      prefix.push(sum);
    }
    const inRange = work.filter((w) => w.height < prefix.length);
    expect(inRange.length).toBe(11); // 0, 2015, 2016, ..., 10079, 10080
    for (const w of inRange) expect(prefix[w.height], `chainwork at ${w.height}`).toBe(w.work);
  });

  it('matches at every listed height to 832608, summing period by period', () => {
    // Checkable because mainnet bits are constant within a period (proved above for every
    // period: the first and last header agree, and no min-difficulty rule applies), so the work
    // up to height H is sum over whole periods of 2016 * work(bits) plus the partial period.
    const chainworkAt = (height: number): bigint => {
      let total = 0n;
      for (let start = 0; start <= height; start += 2016) {
        const bits = retarget.get(start)!.bits;
        const count = Math.min(2016, height - start + 1);
        total += BigInt(count) * workFromBits(bits);
      }
      return total;
    };
    for (const w of work) expect(chainworkAt(w.height), `chainwork at ${w.height}`).toBe(w.work);
    expect(work.length).toBe(827);
  });
});

describe('test-chain rules', () => {
  const test = getChainParams('test');
  const powLimitBits = encodeCompact(test.powLimit);
  const realBits = 0x1c0ffff0;

  it('testnet3: a block 20 minutes after its parent may use min difficulty; then walk back', () => {
    const entries = [];
    for (let i = 0; i < 2020; i++) entries.push({ bits: realBits, time: 1_000_000 + i * 600 });
    // Heights 2017 and 2018 used the exception.
    entries[2017] = { bits: powLimitBits, time: entries[2016]!.time + 1300 };
    entries[2018] = { bits: powLimitBits, time: entries[2017]!.time + 1300 };
    const chain = makeChain(entries);
    const tip = chain[2018]!;
    expect(getNextWorkRequired(tip, tip.time + 1201, test)).toBe(powLimitBits);
    // Exactly 20 minutes is not "more than": the last real difficulty applies.
    expect(getNextWorkRequired(tip, tip.time + 1200, test)).toBe(realBits);
    // The walk-back stops at the period boundary even if that block has min difficulty.
    const entries2 = entries.slice(0, 2019);
    entries2[2016] = { bits: powLimitBits, time: entries2[2016]!.time };
    expect(getNextWorkRequired(makeChain(entries2)[2018]!, tip.time + 5, test)).toBe(powLimitBits);
    // Mainnet never takes the exception.
    expect(getNextWorkRequired(chain[2016]!, chain[2016]!.time + 100000, main)).toBe(realBits);
  });

  it('regtest never retargets and its interval is 144', () => {
    const r = getChainParams('regtest');
    expect(difficultyAdjustmentInterval(r)).toBe(144);
    const entries = [];
    for (let i = 0; i < 144; i++) entries.push({ bits: 0x207fffff, time: 1_296_688_602 + i });
    const tip = makeChain(entries)[143]!;
    expect(getNextWorkRequired(tip, tip.time + 1, r)).toBe(0x207fffff);
  });

  it('BIP94 (testnet4): the retarget starts from the first block of the period', () => {
    const t4 = getChainParams('testnet4');
    const entries = [];
    for (let i = 0; i < 2016; i++) entries.push({ bits: realBits, time: 2_000_000 + i * 600 });
    // The last block of the period used the min-difficulty exception.
    entries[2015] = { bits: powLimitBits, time: entries[2014]!.time + 1300 };
    const last = makeChain(entries)[2015]!;
    const expected = calculateNextWorkRequired({ ...last, bits: realBits }, entries[0]!.time, test);
    expect(getNextWorkRequired(last, last.time + 600, t4)).toBe(expected);
    // Testnet3 (no BIP94) scales the exception block's bits instead: the known bug BIP94 fixes.
    expect(getNextWorkRequired(last, last.time + 600, test)).toBe(powLimitBits);
    expect(expected).not.toBe(powLimitBits);
  });

  it('the retarget clamps to a factor of 4 and to powLimit', () => {
    const params: ChainParams = main;
    const last: HeaderView = { height: 2015, bits: 0x1b0404cb, time: 10_000_000, prev: undefined };
    const fast = calculateNextWorkRequired(last, last.time - 1, params);
    const quarter = calculateNextWorkRequired(
      last,
      last.time - params.powTargetTimespanS / 4,
      params,
    );
    expect(fast).toBe(quarter);
    const slow = calculateNextWorkRequired({ ...last, bits: 0x1d00ffff }, 0, params);
    expect(slow).toBe(0x1d00ffff);
  });
});
