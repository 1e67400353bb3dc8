/**
 * Transaction selection for a block template by ancestor fee rate (Core's
 * BlockAssembler::addPackageTxs): repeatedly take the transaction whose not-yet-included
 * ancestors together pay the highest fee rate, include that whole package (parents first) if it
 * fits the weight and sigop budgets, and re-score the descendants of what was included.
 */
import type { Transaction } from '@bitcoind-lite/consensus';
import type { MempoolEntry } from './mempool-entry.js';
import type { FeeRate } from './policy/fee-rate.js';
import type { TxMempool } from './tx-mempool.js';

export interface SelectionLimits {
  /** Weight available to non-coinbase transactions. */
  maxWeightWu: number;
  /** Sigop cost available to non-coinbase transactions. */
  maxSigOpCost: number;
  /** Packages paying less than this rate are left out (`-blockmintxfee`). */
  minFeeRate: FeeRate;
}

export interface SelectedTransaction {
  tx: Transaction;
  /** Base fee the transaction pays (what the coinbase may claim). */
  feeSats: bigint;
  sigOpCost: number;
  weight: number;
}

interface Score {
  entry: MempoolEntry;
  fee: bigint;
  size: number;
  sigops: number;
  version: number;
}

/** A max-heap on package fee rate (fee/size compared by cross-multiplying). */
class ScoreHeap {
  private readonly items: Score[] = [];
  get length(): number {
    return this.items.length;
  }
  private static better(a: Score, b: Score): boolean {
    const l = a.fee * BigInt(b.size);
    const r = b.fee * BigInt(a.size);
    if (l !== r) return l > r;
    return a.entry.txidHex < b.entry.txidHex;
  }
  push(s: Score): void {
    const it = this.items;
    it.push(s);
    let i = it.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!ScoreHeap.better(it[i]!, it[p]!)) break;
      [it[i], it[p]] = [it[p]!, it[i]!];
      i = p;
    }
  }
  pop(): Score | undefined {
    const it = this.items;
    if (it.length === 0) return undefined;
    const top = it[0]!;
    const last = it.pop()!;
    if (it.length > 0) {
      it[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < it.length && ScoreHeap.better(it[l]!, it[m]!)) m = l;
        if (r < it.length && ScoreHeap.better(it[r]!, it[m]!)) m = r;
        if (m === i) break;
        [it[i], it[m]] = [it[m]!, it[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** Core gives up after this many consecutive packages fail to fit once the block is nearly full. */
const MAX_CONSECUTIVE_FAILURES = 1000;

export function selectPackages(pool: TxMempool, limits: SelectionLimits): SelectedTransaction[] {
  const included = new Set<MempoolEntry>();
  const failed = new Set<MempoolEntry>();
  const current = new Map<MempoolEntry, Score>();
  const heap = new ScoreHeap();
  for (const e of pool.entries()) {
    const s: Score = {
      entry: e,
      fee: e.modFeesWithAncestors,
      size: e.sizeWithAncestors,
      sigops: e.sigOpCostWithAncestors,
      version: 0,
    };
    current.set(e, s);
    heap.push(s);
  }

  const out: SelectedTransaction[] = [];
  let weight = 0;
  let sigops = 0;
  let consecutiveFailures = 0;
  while (heap.length > 0) {
    const s = heap.pop()!;
    const e = s.entry;
    if (included.has(e) || failed.has(e) || current.get(e) !== s) continue;
    // Sorted by package rate: once one is below the floor, all the rest are.
    if (s.fee < limits.minFeeRate.getFee(s.size)) break;

    const pkgWeight = s.size * 4;
    if (weight + pkgWeight > limits.maxWeightWu || sigops + s.sigops > limits.maxSigOpCost) {
      failed.add(e);
      consecutiveFailures++;
      if (consecutiveFailures > MAX_CONSECUTIVE_FAILURES && weight > limits.maxWeightWu - 4000) {
        break;
      }
      continue;
    }
    consecutiveFailures = 0;

    const pkg = [...pool.ancestorsOf(e.parents)].filter((a) => !included.has(a));
    pkg.push(e);
    pkg.sort((a, b) => a.countWithAncestors - b.countWithAncestors);
    for (const p of pkg) {
      included.add(p);
      out.push({ tx: p.tx, feeSats: p.feeSats, sigOpCost: p.sigOpCost, weight: p.weight });
      weight += p.vsize * 4;
      sigops += p.sigOpCost;
    }
    // Descendants of what was just included no longer count it as an unpaid ancestor.
    const touched = new Set<MempoolEntry>();
    for (const p of pkg) {
      const desc = pool.descendantsOf(p);
      desc.delete(p);
      for (const d of desc) {
        if (included.has(d)) continue;
        const old = current.get(d)!;
        const next: Score = {
          entry: d,
          fee: old.fee - p.modifiedFeeSats,
          size: old.size - p.vsize,
          sigops: old.sigops - p.sigOpCost,
          version: old.version + 1,
        };
        current.set(d, next);
        touched.add(d);
      }
    }
    for (const d of touched) {
      failed.delete(d);
      heap.push(current.get(d)!);
    }
  }
  return out;
}
