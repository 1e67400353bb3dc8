/**
 * How the block tree's entries change when a block's transactions arrive or a block is found
 * invalid: chainTx down the tree and the tip candidates (Core's ReceivedBlockTransactions), the
 * FAILED_VALID / FAILED_CHILD marks (Core's InvalidBlockFound / InvalidChainFound), and the best
 * header that remains. The ChainstateManager calls these under its validation queue.
 */
import type { Block } from './deps.js';
import type { BlockCandidates } from './block-candidates.js';
import type { BlockIndex } from './block-index.js';
import type { BlockManager } from './block-manager.js';
import {
  BLOCK_FAILED_CHILD,
  BLOCK_FAILED_VALID,
  BLOCK_VALID_TRANSACTIONS,
} from './block-status.js';
import type { Chain } from './chain.js';

export interface BlockTree {
  readonly blockman: BlockManager;
  readonly candidates: BlockCandidates;
  readonly activeChain: Chain;
}

/**
 * Core's ReceivedBlockTransactions: records nTx, raises the entry to VALID_TRANSACTIONS with
 * `sequenceId`, and, once its parent's transactions are known, sets chainTx for it and every
 * block waiting on it, offering each as a tip candidate; otherwise it waits as unlinked.
 */
export function receivedBlockTransactions(
  tree: BlockTree,
  block: Block,
  idx: BlockIndex,
  sequenceId: number,
): void {
  idx.nTx = block.txs.length;
  idx.raiseValidity(BLOCK_VALID_TRANSACTIONS);
  idx.sequenceId = sequenceId;
  tree.blockman.markDirty(idx);
  if (idx.prev !== undefined && idx.prev.chainTx === 0) {
    tree.candidates.addUnlinked(idx);
    return;
  }
  const queue = [idx];
  while (queue.length > 0) {
    const p = queue.shift()!;
    p.chainTx = (p.prev?.chainTx ?? 0) + p.nTx;
    const tip = tree.activeChain.tipOrUndefined();
    if (tip === undefined || !tree.candidates.worse(p, tip)) tree.candidates.add(p);
    queue.push(...tree.candidates.takeUnlinked(p));
  }
}

/** Marks `idx` FAILED_VALID and its known descendants FAILED_CHILD; none stays a candidate. */
export function markFailedWithDescendants(tree: BlockTree, idx: BlockIndex): void {
  idx.status |= BLOCK_FAILED_VALID;
  tree.blockman.markDirty(idx);
  tree.candidates.delete(idx);
  for (const other of tree.blockman.all()) {
    if (other.height > idx.height && other.getAncestor(idx.height) === idx) {
      other.status |= BLOCK_FAILED_CHILD;
      tree.blockman.markDirty(other);
      tree.candidates.delete(other);
    }
  }
}

/** The entry with the most work that is not failed, starting from the tip (or `fallback`). */
export function findBestHeader(tree: BlockTree, fallback: BlockIndex): BlockIndex {
  let best = tree.activeChain.tipOrUndefined() ?? fallback;
  for (const idx of tree.blockman.all()) {
    if (!idx.isFailed() && idx.chainWork > best.chainWork) best = idx;
  }
  return best;
}
