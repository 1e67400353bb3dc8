/**
 * A simple fee estimator for estimatesmartfee. The method, stated plainly:
 *
 * - Every transaction that enters the mempool is recorded with its fee rate and the tip height
 *   at entry. When a block confirms it, the record gets the number of blocks it waited.
 *   Transactions that leave otherwise (replaced, evicted, expired, conflicted) are dropped.
 * - Records are grouped in fee-rate buckets spaced by a factor of 1.1 (as Core's estimator).
 *   For a target of N blocks, a bucket's success is the share of its transactions that
 *   confirmed within N blocks, counting as failures those still waiting after N blocks.
 * - Walking from the highest bucket down, buckets are merged while the merged group confirmed at
 *   least 85% within the target; the answer is the lowest rate of the last group that passed,
 *   needing at least 10 resolved transactions in it. Only the last 1008 blocks are used.
 * - With too little data it answers nothing, as Core does ("Insufficient data or no feerate
 *   found"); the caller raises the answer to the mempool and relay floors.
 *
 * It is not Core's three-horizon exponentially-decayed estimator; it gives the same kind of
 * answer from the same kind of evidence, with no decay beyond the window.
 */
import type { FeeRate } from './policy/fee-rate.js';

const BUCKET_SPACING = 1.1;
const MIN_BUCKET_SAT_PER_KVB = 100;
const SUCCESS_THRESHOLD = 0.85;
const MIN_RESOLVED = 10;
const WINDOW_BLOCKS = 1008;
/** Core's estimatesmartfee allows targets up to 1008 blocks. */
export const MAX_CONFIRMATION_TARGET = 1008;

interface Record {
  satPerKvB: number;
  entryHeight: number;
  /** Blocks waited when confirmed (1 = next block). */
  blocksToConfirm?: number;
  confirmedHeight?: number;
}

function bucketOf(satPerKvB: number): number {
  if (satPerKvB < MIN_BUCKET_SAT_PER_KVB) return 0;
  return 1 + Math.floor(Math.log(satPerKvB / MIN_BUCKET_SAT_PER_KVB) / Math.log(BUCKET_SPACING));
}

function bucketFloor(bucket: number): number {
  if (bucket === 0) return 0;
  return MIN_BUCKET_SAT_PER_KVB * Math.pow(BUCKET_SPACING, bucket - 1);
}

export class FeeEstimator {
  private readonly pending = new Map<string, Record>();
  private readonly resolved: Record[] = [];
  private bestHeight = 0;

  /** A transaction entered the mempool (not for re-adds from a reorg or mempool.dat). */
  trackEntry(txidHex: string, rate: FeeRate, tipHeight: number): void {
    this.pending.set(txidHex, { satPerKvB: Number(rate.satPerKvB), entryHeight: tipHeight });
  }

  /** A transaction left the mempool for a reason other than a block. */
  untrack(txidHex: string): void {
    this.pending.delete(txidHex);
  }

  /** A block at `height` confirmed these mempool transactions. */
  processBlock(height: number, minedTxidHex: readonly string[]): void {
    this.bestHeight = Math.max(this.bestHeight, height);
    for (const id of minedTxidHex) {
      const r = this.pending.get(id);
      if (r === undefined) continue;
      this.pending.delete(id);
      r.blocksToConfirm = height - r.entryHeight;
      r.confirmedHeight = height;
      this.resolved.push(r);
    }
    const cutoff = height - WINDOW_BLOCKS;
    while (this.resolved.length > 0 && this.resolved[0]!.confirmedHeight! < cutoff) {
      this.resolved.shift();
    }
  }

  /** Estimated sat/kvB to confirm within `target` blocks, or undefined with too little data. */
  estimate(target: number): { satPerKvB: bigint; blocks: number } | undefined {
    const t = Math.max(1, Math.min(target, MAX_CONFIRMATION_TARGET));
    const ok = new Map<number, number>();
    const total = new Map<number, number>();
    const add = (m: Map<number, number>, b: number) => m.set(b, (m.get(b) ?? 0) + 1);
    for (const r of this.resolved) {
      const b = bucketOf(r.satPerKvB);
      add(total, b);
      if (r.blocksToConfirm! <= t) add(ok, b);
    }
    for (const r of this.pending.values()) {
      // Still waiting after the target: a failure for this target.
      if (this.bestHeight - r.entryHeight >= t) add(total, bucketOf(r.satPerKvB));
    }
    const buckets = [...total.keys()].sort((a, b) => b - a);
    let groupOk = 0;
    let groupTotal = 0;
    let answer: number | undefined;
    for (const b of buckets) {
      groupOk += ok.get(b) ?? 0;
      groupTotal += total.get(b)!;
      if (groupTotal < MIN_RESOLVED) continue;
      if (groupOk / groupTotal < SUCCESS_THRESHOLD) break;
      answer = b;
      groupOk = 0;
      groupTotal = 0;
    }
    if (answer === undefined) return undefined;
    return { satPerKvB: BigInt(Math.ceil(bucketFloor(answer))), blocks: t };
  }
}
