/**
 * The transaction pool's data structure (Core's CTxMemPool): entries by txid and wtxid, the
 * spent-outpoint index, parent/child links with running ancestor/descendant aggregates, staged
 * removal with Core's removal reasons, eviction by descendant fee rate with the rolling minimum
 * fee, expiry, and prioritisetransaction deltas. Admission rules live in accept-to-memory-pool.ts.
 */
import { reverseBytes, toHex, type OutPoint, type Transaction } from '@bitcoind-lite/consensus';
import { MempoolEntry } from './mempool-entry.js';
import { FeeRate } from './policy/fee-rate.js';
import { ROLLING_FEE_HALFLIFE_S } from './policy/policy-constants.js';

/** Core's MemPoolRemovalReason. */
export type RemovalReason = 'expiry' | 'sizelimit' | 'reorg' | 'block' | 'conflict' | 'replaced';

export interface MempoolListener {
  added?(entry: MempoolEntry): void;
  removed?(entry: MempoolEntry, reason: RemovalReason): void;
}

/** Map key for an outpoint: internal-order txid hex and index (as OutPoint.key()). */
export function outpointKey(txid: Uint8Array, vout: number): string {
  return toHex(txid) + ':' + vout;
}

export function txidHexOf(txidInternal: Uint8Array): string {
  return toHex(reverseBytes(txidInternal));
}

export class TxMempool {
  private readonly byTxid = new Map<string, MempoolEntry>();
  private readonly byWtxid = new Map<string, MempoolEntry>();
  /** Which mempool transaction spends each outpoint (Core's mapNextTx). */
  private readonly spentBy = new Map<string, MempoolEntry>();
  /** prioritisetransaction deltas, kept for transactions not (yet) in the pool. */
  readonly deltas = new Map<string, bigint>();
  readonly unbroadcast = new Set<string>();
  private readonly listeners = new Set<MempoolListener>();
  private totalVsize = 0;
  private totalFee = 0n;
  private usage = 0;
  private sequenceNumber = 1;
  private rollingMinimumFeeRate = 0;
  private lastRollingFeeUpdateS = 0;
  private blockSinceLastRollingFeeBump = false;

  constructor(
    readonly maxSizeBytes: number,
    readonly incrementalRelayFee: FeeRate,
    private readonly nowS: () => number,
  ) {}

  subscribe(l: MempoolListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  get size(): number {
    return this.byTxid.size;
  }
  get bytes(): number {
    return this.totalVsize;
  }
  get totalFeeSats(): bigint {
    return this.totalFee;
  }
  dynamicMemoryUsage(): number {
    return this.usage;
  }
  /** Core's GetSequence: bumps on every addition and removal. */
  get sequence(): number {
    return this.sequenceNumber;
  }

  entries(): IterableIterator<MempoolEntry> {
    return this.byTxid.values();
  }

  /** By txid in display hex. */
  get(txidHex: string): MempoolEntry | undefined {
    return this.byTxid.get(txidHex);
  }
  getByTxid(txid: Uint8Array): MempoolEntry | undefined {
    return this.byTxid.get(txidHexOf(txid));
  }
  getByWtxid(wtxidHex: string): MempoolEntry | undefined {
    return this.byWtxid.get(wtxidHex);
  }
  /** The mempool transaction spending `prevout`, if any. */
  spender(prevout: OutPoint): MempoolEntry | undefined {
    return this.spentBy.get(prevout.key());
  }
  /** The output a mempool transaction creates, if any. */
  outputAt(prevout: OutPoint): { entry: MempoolEntry; vout: number } | undefined {
    const e = this.getByTxid(prevout.txid);
    if (e === undefined || prevout.vout >= e.tx.vout.length) return undefined;
    return { entry: e, vout: prevout.vout };
  }

  /** In-mempool parents of a transaction not in the pool. */
  parentsOf(tx: Transaction): Set<MempoolEntry> {
    const out = new Set<MempoolEntry>();
    for (const i of tx.vin) {
      const p = this.getByTxid(i.prevout.txid);
      if (p !== undefined) out.add(p);
    }
    return out;
  }

  /** Every in-mempool ancestor reachable from `parents` (Core's CalculateMemPoolAncestors). */
  ancestorsOf(parents: Iterable<MempoolEntry>): Set<MempoolEntry> {
    const out = new Set<MempoolEntry>();
    const stack = [...parents];
    while (stack.length > 0) {
      const e = stack.pop()!;
      if (out.has(e)) continue;
      out.add(e);
      for (const p of e.parents) if (!out.has(p)) stack.push(p);
    }
    return out;
  }

  /** The entry and all its in-mempool descendants (Core's CalculateDescendants). */
  descendantsOf(entry: MempoolEntry, into = new Set<MempoolEntry>()): Set<MempoolEntry> {
    const stack = [entry];
    while (stack.length > 0) {
      const e = stack.pop()!;
      if (into.has(e)) continue;
      into.add(e);
      for (const c of e.children) if (!into.has(c)) stack.push(c);
    }
    return into;
  }

  /**
   * Adds an entry whose ancestors were computed by the caller (Core's addUnchecked). `silent`
   * stages an entry for package test-acceptance: no listeners, no sequence bump.
   */
  addUnchecked(entry: MempoolEntry, ancestors: Set<MempoolEntry>, silent = false): void {
    const delta = this.deltas.get(entry.txidHex);
    if (delta !== undefined) {
      entry.feeDeltaSats = delta;
      entry.modFeesWithAncestors += delta;
      entry.modFeesWithDescendants += delta;
    }
    this.byTxid.set(entry.txidHex, entry);
    this.byWtxid.set(entry.wtxidHex, entry);
    for (const i of entry.tx.vin) {
      this.spentBy.set(i.prevout.key(), entry);
      const p = this.getByTxid(i.prevout.txid);
      if (p !== undefined && p !== entry) {
        entry.parents.add(p);
        p.children.add(entry);
      }
    }
    for (const a of ancestors) {
      a.countWithDescendants += 1;
      a.sizeWithDescendants += entry.vsize;
      a.modFeesWithDescendants += entry.modifiedFeeSats;
      entry.countWithAncestors += 1;
      entry.sizeWithAncestors += a.vsize;
      entry.modFeesWithAncestors += a.modifiedFeeSats;
      entry.sigOpCostWithAncestors += a.sigOpCost;
    }
    this.linkExistingChildren(entry, ancestors);
    this.totalVsize += entry.vsize;
    this.totalFee += entry.feeSats;
    this.usage += entry.usageBytes;
    if (silent) return;
    entry.sequence = this.sequenceNumber++;
    for (const l of this.listeners) l.added?.(entry);
  }

  /**
   * A transaction re-added after a reorg may already have children in the pool (Core's
   * UpdateTransactionsFromBlock): link them and count the entry and its ancestors in every
   * descendant's ancestor aggregates (and the reverse) where they were not counted before.
   */
  private linkExistingChildren(entry: MempoolEntry, ancestors: Set<MempoolEntry>): void {
    const txid = entry.tx.txid();
    const children = new Set<MempoolEntry>();
    for (let i = 0; i < entry.tx.vout.length; i++) {
      const c = this.spentBy.get(outpointKey(txid, i));
      if (c !== undefined && c !== entry) children.add(c);
    }
    if (children.size === 0) return;
    const desc = new Set<MempoolEntry>();
    for (const c of children) this.descendantsOf(c, desc);
    const before = new Map<MempoolEntry, Set<MempoolEntry>>();
    for (const d of desc) before.set(d, this.ancestorsOf(d.parents));
    for (const c of children) {
      entry.children.add(c);
      c.parents.add(entry);
    }
    const newAncestors = new Set(ancestors).add(entry);
    for (const d of desc) {
      const had = before.get(d)!;
      for (const a of newAncestors) {
        if (had.has(a)) continue;
        d.countWithAncestors += 1;
        d.sizeWithAncestors += a.vsize;
        d.modFeesWithAncestors += a.modifiedFeeSats;
        d.sigOpCostWithAncestors += a.sigOpCost;
        a.countWithDescendants += 1;
        a.sizeWithDescendants += d.vsize;
        a.modFeesWithDescendants += d.modifiedFeeSats;
      }
    }
  }

  /**
   * Removes a set of entries (Core's RemoveStaged). Ancestors outside the set lose the removed
   * entries from their descendant aggregates; with `updateDescendants` (removal for a block,
   * where the set is not closed under descendants) descendants outside the set lose them from
   * their ancestor aggregates.
   */
  removeStaged(
    stage: Set<MempoolEntry>,
    updateDescendants: boolean,
    reason: RemovalReason,
    silent = false,
  ): void {
    for (const e of stage) {
      for (const a of this.ancestorsOf(e.parents)) {
        if (stage.has(a)) continue;
        a.countWithDescendants -= 1;
        a.sizeWithDescendants -= e.vsize;
        a.modFeesWithDescendants -= e.modifiedFeeSats;
      }
      if (updateDescendants) {
        const desc = this.descendantsOf(e);
        desc.delete(e);
        for (const d of desc) {
          if (stage.has(d)) continue;
          d.countWithAncestors -= 1;
          d.sizeWithAncestors -= e.vsize;
          d.modFeesWithAncestors -= e.modifiedFeeSats;
          d.sigOpCostWithAncestors -= e.sigOpCost;
        }
      }
    }
    for (const e of stage) {
      for (const p of e.parents) p.children.delete(e);
      for (const c of e.children) c.parents.delete(e);
      for (const i of e.tx.vin) {
        const k = i.prevout.key();
        if (this.spentBy.get(k) === e) this.spentBy.delete(k);
      }
      this.byTxid.delete(e.txidHex);
      this.byWtxid.delete(e.wtxidHex);
      this.unbroadcast.delete(e.txidHex);
      this.totalVsize -= e.vsize;
      this.totalFee -= e.feeSats;
      this.usage -= e.usageBytes;
      if (!silent) {
        this.sequenceNumber++;
        for (const l of this.listeners) l.removed?.(e, reason);
      }
    }
  }

  /** Removes `entry` and everything that spends it (Core's removeRecursive). */
  removeRecursive(entry: MempoolEntry, reason: RemovalReason): void {
    this.removeStaged(this.descendantsOf(entry), false, reason);
  }

  /** Removes in-mempool spenders of `tx`'s outputs, for a transaction that is not in the pool. */
  removeSpendersOf(tx: Transaction, reason: RemovalReason): void {
    const txid = tx.txid();
    const stage = new Set<MempoolEntry>();
    for (let i = 0; i < tx.vout.length; i++) {
      const s = this.spentBy.get(outpointKey(txid, i));
      if (s !== undefined) this.descendantsOf(s, stage);
    }
    if (stage.size > 0) this.removeStaged(stage, false, reason);
  }

  /** Transactions conflicting with `tx` (spending the same outpoints), and their descendants. */
  removeConflicts(tx: Transaction): void {
    const txid = txidHexOf(tx.txid());
    for (const i of tx.vin) {
      const c = this.spentBy.get(i.prevout.key());
      if (c !== undefined && c.txidHex !== txid) this.removeRecursive(c, 'conflict');
    }
  }

  /**
   * A block connected (Core's removeForBlock): its transactions leave with reason 'block'
   * (their in-mempool children now have confirmed parents), conflicts leave recursively, and
   * the rolling minimum fee may start to decay again. Returns the entries mined.
   */
  removeForBlock(txs: readonly Transaction[]): MempoolEntry[] {
    const mined: MempoolEntry[] = [];
    for (const tx of txs) {
      const e = this.getByTxid(tx.txid());
      if (e !== undefined) {
        mined.push(e);
        this.removeStaged(new Set([e]), true, 'block');
      }
      this.removeConflicts(tx);
      this.deltas.delete(txidHexOf(tx.txid()));
    }
    this.lastRollingFeeUpdateS = this.nowS();
    this.blockSinceLastRollingFeeBump = true;
    return mined;
  }

  /** Removes entries older than `cutoffS` and their descendants (Core's Expire). */
  expire(cutoffS: number): number {
    const stage = new Set<MempoolEntry>();
    for (const e of this.byTxid.values()) if (e.timeS < cutoffS) this.descendantsOf(e, stage);
    if (stage.size > 0) this.removeStaged(stage, false, 'expiry');
    return stage.size;
  }

  /** Core's descendant score: the larger of the entry's own and its package's fee rate. */
  private static descendantScoreLess(a: MempoolEntry, b: MempoolEntry): boolean {
    const ra = maxRate(a.modifiedFeeSats, a.vsize, a.modFeesWithDescendants, a.sizeWithDescendants);
    const rb = maxRate(b.modifiedFeeSats, b.vsize, b.modFeesWithDescendants, b.sizeWithDescendants);
    const cmp = ra.fee * BigInt(rb.size) - rb.fee * BigInt(ra.size);
    if (cmp !== 0n) return cmp < 0n;
    return a.timeS > b.timeS; // the newer goes first among equals, as Core
  }

  /**
   * Evicts the packages with the lowest descendant fee rate until memory use fits (Core's
   * TrimToSize), raising the rolling minimum fee to the evicted rate plus the incremental rate.
   * Returns the outpoints the evicted transactions spent, for the coins cache to drop.
   */
  trimToSize(limitBytes: number): OutPoint[] {
    const spent: OutPoint[] = [];
    let maxRemoved = new FeeRate(0n);
    while (this.byTxid.size > 0 && this.usage > limitBytes) {
      let worst: MempoolEntry | undefined;
      for (const e of this.byTxid.values()) {
        if (worst === undefined || TxMempool.descendantScoreLess(e, worst)) worst = e;
      }
      const removed = FeeRate.fromFee(worst!.modFeesWithDescendants, worst!.sizeWithDescendants);
      const bumped = new FeeRate(removed.satPerKvB + this.incrementalRelayFee.satPerKvB);
      this.trackPackageRemoved(bumped);
      if (bumped.satPerKvB > maxRemoved.satPerKvB) maxRemoved = bumped;
      const stage = this.descendantsOf(worst!);
      for (const e of stage) for (const i of e.tx.vin) spent.push(i.prevout);
      this.removeStaged(stage, false, 'sizelimit');
    }
    return spent;
  }

  private trackPackageRemoved(rate: FeeRate): void {
    const r = Number(rate.satPerKvB);
    if (r > this.rollingMinimumFeeRate) {
      this.rollingMinimumFeeRate = r;
      this.blockSinceLastRollingFeeBump = false;
    }
  }

  /**
   * The fee rate a new transaction must pay to enter a pool that has evicted (Core's
   * GetMinFee): the highest evicted package rate plus the incremental rate, decaying with a
   * 12-hour half-life (faster while the pool is small) once a block has been connected.
   */
  getMinFee(): FeeRate {
    if (!this.blockSinceLastRollingFeeBump || this.rollingMinimumFeeRate === 0) {
      return new FeeRate(BigInt(Math.round(this.rollingMinimumFeeRate)));
    }
    const now = this.nowS();
    if (now > this.lastRollingFeeUpdateS + 10) {
      let halflife = ROLLING_FEE_HALFLIFE_S;
      if (this.usage < this.maxSizeBytes / 4) halflife /= 4;
      else if (this.usage < this.maxSizeBytes / 2) halflife /= 2;
      this.rollingMinimumFeeRate /= Math.pow(2, (now - this.lastRollingFeeUpdateS) / halflife);
      this.lastRollingFeeUpdateS = now;
      if (this.rollingMinimumFeeRate < Number(this.incrementalRelayFee.satPerKvB) / 2) {
        this.rollingMinimumFeeRate = 0;
        return new FeeRate(0n);
      }
    }
    const r = BigInt(Math.round(this.rollingMinimumFeeRate));
    return new FeeRate(
      r > this.incrementalRelayFee.satPerKvB ? r : this.incrementalRelayFee.satPerKvB,
    );
  }

  /** Core's PrioritiseTransaction: a fee delta for mining and eviction (not for relay checks). */
  prioritise(txidHex: string, deltaSats: bigint): void {
    const total = (this.deltas.get(txidHex) ?? 0n) + deltaSats;
    if (total === 0n) this.deltas.delete(txidHex);
    else this.deltas.set(txidHex, total);
    const e = this.byTxid.get(txidHex);
    if (e === undefined) return;
    e.feeDeltaSats += deltaSats;
    e.modFeesWithAncestors += deltaSats;
    e.modFeesWithDescendants += deltaSats;
    for (const a of this.ancestorsOf(e.parents)) a.modFeesWithDescendants += deltaSats;
    const desc = this.descendantsOf(e);
    desc.delete(e);
    for (const d of desc) d.modFeesWithAncestors += deltaSats;
  }

  /** Transactions in an order where parents come first (by ancestor count, as Core's dump). */
  topologicalOrder(): MempoolEntry[] {
    return [...this.byTxid.values()].sort((a, b) => a.countWithAncestors - b.countWithAncestors);
  }
}

function maxRate(
  fee: bigint,
  size: number,
  descFee: bigint,
  descSize: number,
): { fee: bigint; size: number } {
  // Compare fee/size against descFee/descSize without division.
  return fee * BigInt(descSize) > descFee * BigInt(size)
    ? { fee, size }
    : { fee: descFee, size: descSize };
}
