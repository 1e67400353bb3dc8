/** getchaintips data, as Core's RPC computes it (rpc/blockchain.cpp). */
import type { BlockIndex } from './block-index.js';
import { BLOCK_VALID_SCRIPTS, BLOCK_VALID_TREE } from './block-status.js';
import type { Chain } from './chain.js';

export type ChainTipStatus =
  'active' | 'invalid' | 'headers-only' | 'valid-fork' | 'valid-headers' | 'unknown';

export interface ChainTip {
  height: number;
  hash: string;
  branchlen: number;
  status: ChainTipStatus;
}

/**
 * Tips are the blocks off the active chain that no other block builds on, plus the active tip;
 * sorted by height, highest first.
 */
export function getChainTips(all: Iterable<BlockIndex>, chain: Chain): ChainTip[] {
  const orphans: BlockIndex[] = [];
  const prevs = new Set<BlockIndex>();
  for (const idx of all) {
    if (!chain.contains(idx)) {
      orphans.push(idx);
      if (idx.prev !== undefined) prevs.add(idx.prev);
    }
  }
  const tips = orphans.filter((o) => !prevs.has(o));
  tips.push(chain.tip());
  tips.sort((a, b) => b.height - a.height || (a.hashHex < b.hashHex ? -1 : 1));
  return tips.map((t) => {
    const fork = chain.findFork(t);
    let status: ChainTipStatus;
    if (chain.contains(t)) status = 'active';
    else if (t.isFailed()) status = 'invalid';
    else if (t.chainTx === 0) status = 'headers-only';
    else if (t.isValid(BLOCK_VALID_SCRIPTS)) status = 'valid-fork';
    else if (t.isValid(BLOCK_VALID_TREE)) status = 'valid-headers';
    else status = 'unknown';
    return { height: t.height, hash: t.hashHex, branchlen: t.height - (fork?.height ?? 0), status };
  });
}
