/**
 * Core's operator controls over the block tree: InvalidateBlock, ReconsiderBlock
 * (ResetBlockFailureFlags) and PreciousBlock. They run inside the chainstate's exclusive
 * section; `host` is the narrow part of the ChainstateManager they change.
 */
import type { BlockCandidates } from './block-candidates.js';
import type { BlockIndex } from './block-index.js';
import type { BlockManager } from './block-manager.js';
import { BLOCK_FAILED_CHILD, BLOCK_FAILED_MASK } from './block-status.js';
import type { Chain } from './chain.js';
import { type ValidationState, validState } from './validation-state.js';

export interface OperatorControlsHost {
  readonly activeChain: Chain;
  readonly blockman: BlockManager;
  readonly candidates: BlockCandidates;
  disconnectTip(): Promise<void>;
  markFailed(idx: BlockIndex): void;
  recomputeBestHeader(): void;
  activateBestChain(): Promise<ValidationState>;
  flush(): Promise<void>;
  /** Tells listeners the tip moved back (wallets, P2P announcements). */
  notifyTip(tip: BlockIndex): void;
}

export class OperatorControls {
  private preciousSequenceId = -1;
  private lastPreciousChainWork = 0n;

  constructor(private readonly host: OperatorControlsHost) {}

  /** Core's InvalidateBlock: mark it failed, disconnect it if active, move to the best other chain. */
  async invalidate(idx: BlockIndex): Promise<ValidationState> {
    const h = this.host;
    while (h.activeChain.contains(idx) && h.activeChain.tipOrUndefined() !== undefined) {
      const tip = h.activeChain.tip();
      if (tip.prev === undefined) break;
      await h.disconnectTip();
      if (tip !== idx) {
        tip.status |= BLOCK_FAILED_CHILD;
        h.blockman.markDirty(tip);
      }
    }
    h.markFailed(idx);
    // Every valid block with data and at least the new tip's work may be the next best.
    h.candidates.refill();
    const tipNow = h.activeChain.tipOrUndefined();
    if (tipNow !== undefined) h.notifyTip(tipNow);
    const s = await h.activateBestChain();
    await h.flush();
    return s;
  }

  /** Core's ResetBlockFailureFlags + ActivateBestChain: forget failures on and around `idx`. */
  async reconsider(idx: BlockIndex): Promise<ValidationState> {
    const h = this.host;
    for (const c of h.blockman.all()) {
      const related =
        (c.height >= idx.height && c.getAncestor(idx.height) === idx) ||
        idx.getAncestor(c.height) === c;
      if (related && c.isFailed()) {
        c.status &= ~BLOCK_FAILED_MASK;
        h.blockman.markDirty(c);
        h.candidates.addIfConnectable(c);
      }
    }
    h.recomputeBestHeader();
    const s = await h.activateBestChain();
    await h.flush();
    return s;
  }

  /** Core's PreciousBlock: among equal-work tips, treat `idx` as if it arrived first. */
  async precious(idx: BlockIndex): Promise<ValidationState> {
    const h = this.host;
    const tip = h.activeChain.tip();
    if (idx.chainWork < tip.chainWork) return validState();
    if (tip.chainWork > this.lastPreciousChainWork) this.preciousSequenceId = -1;
    this.lastPreciousChainWork = tip.chainWork;
    h.candidates.delete(idx);
    idx.sequenceId = this.preciousSequenceId--;
    h.candidates.addIfConnectable(idx);
    return h.activateBestChain();
  }
}
