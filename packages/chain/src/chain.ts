/**
 * The active chain (Core's CChain): an array of block index entries by height, from genesis to
 * the tip.
 */
import type { BlockIndex } from './block-index.js';

export class Chain {
  private entries: BlockIndex[] = [];

  tip(): BlockIndex {
    const t = this.entries[this.entries.length - 1];
    if (t === undefined) throw new Error('Chain.tip: the chain is empty');
    return t;
  }

  tipOrUndefined(): BlockIndex | undefined {
    return this.entries[this.entries.length - 1];
  }

  genesis(): BlockIndex | undefined {
    return this.entries[0];
  }

  /** The tip's height; -1 for an empty chain, as Core's Height(). */
  height(): number {
    return this.entries.length - 1;
  }

  at(height: number): BlockIndex | undefined {
    if (height < 0) return undefined;
    return this.entries[height];
  }

  contains(idx: BlockIndex): boolean {
    return this.entries[idx.height] === idx;
  }

  next(idx: BlockIndex): BlockIndex | undefined {
    return this.contains(idx) ? this.entries[idx.height + 1] : undefined;
  }

  /** Makes `tip` the tip, rewriting only the entries that differ (Core's SetTip). */
  setTip(tip: BlockIndex | undefined): void {
    if (tip === undefined) {
      this.entries = [];
      return;
    }
    this.entries.length = tip.height + 1;
    let idx: BlockIndex | undefined = tip;
    while (idx !== undefined && this.entries[idx.height] !== idx) {
      this.entries[idx.height] = idx;
      idx = idx.prev;
    }
  }

  /**
   * Core's GetLocator: the hashes of `from` (default: the tip) and of blocks going back, one
   * by one for ten steps and then doubling the step, always ending at genesis.
   */
  getLocator(from?: BlockIndex): Uint8Array[] {
    let idx: BlockIndex | undefined = from ?? this.tipOrUndefined();
    const out: Uint8Array[] = [];
    let step = 1;
    while (idx !== undefined) {
      out.push(idx.hash);
      if (idx.height === 0) break;
      const height = Math.max(idx.height - step, 0);
      // Within the active chain a direct lookup is as good as walking the skip list.
      idx = this.contains(idx) ? this.entries[height] : idx.getAncestor(height);
      if (out.length > 10) step *= 2;
    }
    return out;
  }

  /** The last block of `idx`'s branch that is in this chain (Core's FindFork). */
  findFork(idx: BlockIndex): BlockIndex | undefined {
    let p: BlockIndex | undefined = idx;
    if (p.height > this.height()) p = p.getAncestor(this.height());
    while (p !== undefined && !this.contains(p)) p = p.prev;
    return p;
  }

  /** The first block at or after `timeS` (Core's FindEarliestAtLeast, by linear scan of nTimeMax). */
  findEarliestAtLeast(timeS: number, height = 0): BlockIndex | undefined {
    for (let h = Math.max(height, 0); h < this.entries.length; h++) {
      if (this.entries[h]!.timeMax >= timeS) return this.entries[h];
    }
    return undefined;
  }
}
