/**
 * The blocks that could become the tip (Core's setBlockIndexCandidates and m_blocks_unlinked):
 * entries with all data down to genesis and at least the tip's work, ranked as Core's
 * CBlockIndexWorkComparator; and blocks whose data arrived before their parent's.
 */
import { compareBytes } from './deps.js';
import type { BlockIndex } from './block-index.js';
import type { BlockManager } from './block-manager.js';
import { BLOCK_FAILED_CHILD, BLOCK_HAVE_DATA, BLOCK_VALID_TRANSACTIONS } from './block-status.js';
import type { Chain } from './chain.js';

export class BlockCandidates {
  private readonly set = new Set<BlockIndex>();
  /** Blocks with data whose parent lacks data, by parent. */
  private readonly unlinked = new Map<BlockIndex, BlockIndex[]>();

  constructor(
    private readonly blockman: BlockManager,
    private readonly activeChain: Chain,
  ) {}

  add(idx: BlockIndex): void {
    this.set.add(idx);
  }

  delete(idx: BlockIndex): void {
    this.set.delete(idx);
  }

  /** Adds `idx` when it is connectable (transactions known down to genesis). */
  addIfConnectable(idx: BlockIndex): void {
    if (idx.isValid(BLOCK_VALID_TRANSACTIONS) && idx.chainTx > 0) this.set.add(idx);
  }

  addUnlinked(idx: BlockIndex): void {
    const list = this.unlinked.get(idx.prev!) ?? [];
    list.push(idx);
    this.unlinked.set(idx.prev!, list);
  }

  /** Children that were waiting for `idx`'s data; they are no longer waiting. */
  takeUnlinked(idx: BlockIndex): BlockIndex[] {
    const kids = this.unlinked.get(idx) ?? [];
    this.unlinked.delete(idx);
    return kids;
  }

  /** Core's CBlockIndexWorkComparator, as "a ranks below b". */
  worse(a: BlockIndex, b: BlockIndex): boolean {
    if (a.chainWork !== b.chainWork) return a.chainWork < b.chainWork;
    if (a.sequenceId !== b.sequenceId) return a.sequenceId > b.sequenceId;
    if (a === b) return false;
    // Equal work and order: keep what is already active, so a restart never flips the tip.
    const ac = this.activeChain.contains(a);
    if (ac !== this.activeChain.contains(b)) return !ac;
    return compareBytes(a.hash, b.hash) > 0;
  }

  /** Drops candidates that rank below the tip (Core's PruneBlockIndexCandidates). */
  prune(): void {
    const tip = this.activeChain.tipOrUndefined();
    if (tip === undefined) return;
    for (const c of this.set) if (this.worse(c, tip)) this.set.delete(c);
    this.set.add(tip);
  }

  /** Every connectable block not below the tip becomes a candidate again (after invalidation). */
  refill(): void {
    const tip = this.activeChain.tipOrUndefined();
    for (const c of this.blockman.all()) {
      if (
        c.isValid(BLOCK_VALID_TRANSACTIONS) &&
        c.chainTx > 0 &&
        (tip === undefined || !this.worse(c, tip))
      ) {
        this.set.add(c);
      }
    }
  }

  /** Core's FindMostWorkChain: the best candidate whose whole branch is usable. */
  findMostWorkChain(): BlockIndex | undefined {
    for (;;) {
      let best: BlockIndex | undefined;
      for (const c of this.set) if (best === undefined || this.worse(best, c)) best = c;
      if (best === undefined) return undefined;
      let usable = true;
      for (
        let p: BlockIndex | undefined = best;
        p !== undefined && !this.activeChain.contains(p);
        p = p.prev
      ) {
        if (p.isFailed()) {
          for (let q: BlockIndex | undefined = best; q !== p; q = q!.prev) {
            q!.status |= BLOCK_FAILED_CHILD;
            this.blockman.markDirty(q!);
            this.set.delete(q!);
          }
          usable = false;
          break;
        }
        if ((p.status & BLOCK_HAVE_DATA) === 0) {
          this.set.delete(best);
          usable = false;
          break;
        }
      }
      if (usable) return best;
    }
  }
}
