/**
 * One mempool transaction with what policy and mining need (Core's CTxMemPoolEntry): fee and
 * modified fee (prioritisetransaction), policy vsize, entry time and height, sigop cost, links
 * to in-mempool parents and children, and Core's running ancestor/descendant aggregates.
 */
import type { Transaction } from '@bitcoind-lite/consensus';

export interface LockPoints {
  /** Last height / time at which the transaction is still locked (BIP68), -1 for none. */
  minHeight: number;
  minTime: number;
}

export class MempoolEntry {
  readonly txidHex: string;
  readonly wtxidHex: string;
  readonly weight: number;
  readonly usageBytes: number;
  feeDeltaSats = 0n;
  readonly parents = new Set<MempoolEntry>();
  readonly children = new Set<MempoolEntry>();
  countWithAncestors = 1;
  sizeWithAncestors: number;
  modFeesWithAncestors: bigint;
  sigOpCostWithAncestors: number;
  countWithDescendants = 1;
  sizeWithDescendants: number;
  modFeesWithDescendants: bigint;
  /** Core's mempool_sequence at entry (getrawmempool with mempool_sequence). */
  sequence = 0;

  constructor(
    readonly tx: Transaction,
    readonly feeSats: bigint,
    /** Seconds since the epoch when the transaction entered. */
    readonly timeS: number,
    /** Tip height when it entered. */
    readonly height: number,
    readonly spendsCoinbase: boolean,
    readonly sigOpCost: number,
    /** Policy virtual size: weight or sigops * bytespersigop, whichever is larger (BIP141). */
    readonly vsize: number,
    public lockPoints: LockPoints,
  ) {
    this.txidHex = tx.txidHex();
    this.wtxidHex = tx.wtxidHex();
    this.weight = tx.weight();
    // Estimated heap bytes: the serialized transaction held as parsed objects plus the entry,
    // its map slots and index keys. Used for -maxmempool as Core uses DynamicMemoryUsage.
    this.usageBytes = 2 * tx.totalSize() + 96 * (tx.vin.length + tx.vout.length) + 640;
    this.sizeWithAncestors = vsize;
    this.modFeesWithAncestors = feeSats;
    this.sigOpCostWithAncestors = sigOpCost;
    this.sizeWithDescendants = vsize;
    this.modFeesWithDescendants = feeSats;
  }

  get modifiedFeeSats(): bigint {
    return this.feeSats + this.feeDeltaSats;
  }
}

/** Core's GetVirtualTransactionSize with -bytespersigop. */
export function policyVsize(weight: number, sigOpCost: number, bytesPerSigOp: number): number {
  return Math.ceil(Math.max(weight, sigOpCost * bytesPerSigOp) / 4);
}
