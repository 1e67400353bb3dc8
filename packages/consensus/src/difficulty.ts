/**
 * Difficulty retargeting, as Core's pow.cpp: GetNextWorkRequired, CalculateNextWorkRequired and
 * PermittedDifficultyTransition, over a minimal header view so that the chain package's
 * BlockIndex (or a test's array of headers) can drive it.
 */
import type { ChainParams } from './chainparams.js';
import { decodeCompact, encodeCompact } from './pow.js';

/** What retargeting reads of a block index entry. */
export interface HeaderView {
  readonly height: number;
  readonly bits: number;
  /** Block time in seconds (the header's nTime). */
  readonly time: number;
  /** The parent entry; undefined for genesis. */
  readonly prev: HeaderView | undefined;
  /** The ancestor at `height` (Core's GetAncestor); when absent, `prev` is walked. */
  getAncestor?(height: number): HeaderView | undefined;
}

type PowParams = Pick<
  ChainParams,
  | 'powLimit'
  | 'powTargetSpacingS'
  | 'powTargetTimespanS'
  | 'powAllowMinDifficultyBlocks'
  | 'powNoRetargeting'
  | 'enforceBIP94'
>;

const U256 = (x: bigint): bigint => BigInt.asUintN(256, x);

/** Blocks per retarget period: 2016 on every network but regtest (144). */
export function difficultyAdjustmentInterval(params: PowParams): number {
  return Math.floor(params.powTargetTimespanS / params.powTargetSpacingS);
}

export function getAncestor(h: HeaderView, height: number): HeaderView {
  if (height < 0 || height > h.height) {
    throw new RangeError(`getAncestor: height ${height} outside 0..${h.height}`);
  }
  if (h.getAncestor !== undefined) {
    const a = h.getAncestor(height);
    if (a === undefined || a.height !== height) {
      throw new RangeError(`getAncestor: no ancestor at height ${height}`);
    }
    return a;
  }
  let p: HeaderView = h;
  while (p.height > height) {
    if (p.prev === undefined) throw new RangeError(`getAncestor: chain ends at ${p.height}`);
    p = p.prev;
  }
  return p;
}

/**
 * The bits the block after `last` must carry, given that block's time (Core reads it from the
 * candidate header; only the testnet min-difficulty rule uses it).
 */
export function getNextWorkRequired(
  last: HeaderView,
  newBlockTime: number,
  params: PowParams,
): number {
  const powLimitBits = encodeCompact(params.powLimit);
  const interval = difficultyAdjustmentInterval(params);

  if ((last.height + 1) % interval !== 0) {
    if (params.powAllowMinDifficultyBlocks) {
      // Testnet: a block more than twice the target spacing after its parent may use the
      // minimum difficulty.
      if (newBlockTime > last.time + params.powTargetSpacingS * 2) return powLimitBits;
      // Otherwise the last block that did not use that exception sets the difficulty: walk back
      // over min-difficulty blocks, stopping at a period boundary.
      let p = last;
      while (p.prev !== undefined && p.height % interval !== 0 && p.bits === powLimitBits) {
        p = p.prev;
      }
      return p.bits;
    }
    return last.bits;
  }

  const first = getAncestor(last, last.height - (interval - 1));
  return calculateNextWorkRequired(last, first.time, params);
}

/**
 * The retarget at a period boundary: the old target scaled by the period's actual timespan
 * (clamped to a factor of 4 either way), capped at powLimit. Core computes in a wrapping 256-bit
 * integer; the wrap is reproduced.
 */
export function calculateNextWorkRequired(
  last: HeaderView,
  firstBlockTime: number,
  params: PowParams,
): number {
  if (params.powNoRetargeting) return last.bits;

  let actualTimespan = last.time - firstBlockTime;
  const timespan = params.powTargetTimespanS;
  if (actualTimespan < timespan / 4) actualTimespan = Math.floor(timespan / 4);
  if (actualTimespan > timespan * 4) actualTimespan = timespan * 4;

  // BIP94: start from the period's first block, whose bits can never be the min-difficulty
  // exception, so a run of exception blocks at the period's end cannot lower the next target.
  let baseBits = last.bits;
  if (params.enforceBIP94) {
    const interval = difficultyAdjustmentInterval(params);
    baseBits = getAncestor(last, last.height - (interval - 1)).bits;
  }

  let next = decodeCompact(baseBits).target;
  next = U256(next * BigInt(actualTimespan));
  next = next / BigInt(timespan);
  if (next > params.powLimit) next = params.powLimit;
  return encodeCompact(next);
}

/**
 * Core's PermittedDifficultyTransition: whether `newBits` at `height` is reachable from the
 * previous block's `oldBits` (used to sanity-check headers before their ancestors are known).
 * Always true where min-difficulty blocks are allowed.
 */
export function permittedDifficultyTransition(
  params: PowParams,
  height: number,
  oldBits: number,
  newBits: number,
): boolean {
  if (params.powAllowMinDifficultyBlocks) return true;

  if (height % difficultyAdjustmentInterval(params) === 0) {
    const timespan = BigInt(params.powTargetTimespanS);
    const observed = decodeCompact(newBits).target;
    const old = decodeCompact(oldBits).target;

    let largest = U256(old * (timespan * 4n)) / timespan;
    if (largest > params.powLimit) largest = params.powLimit;
    // Compare after rounding through the compact form, as the real retarget result is.
    const maximum = decodeCompact(encodeCompact(largest)).target;
    if (maximum < observed) return false;

    let smallest = U256(old * (timespan / 4n)) / timespan;
    if (smallest > params.powLimit) smallest = params.powLimit;
    const minimum = decodeCompact(encodeCompact(smallest)).target;
    if (minimum > observed) return false;
  } else if (oldBits !== newBits) {
    return false;
  }
  return true;
}
