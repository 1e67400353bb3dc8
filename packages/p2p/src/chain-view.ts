/**
 * What the P2P layer needs of the chain: a narrow subset of packages/chain's ChainstateManager
 * (see /work/briefs/chain-api.md), so the node passes the real one and tests may pass a small
 * in-memory chain. Hashes are internal byte order.
 */
import type { Block, BlockHeader } from '@bitcoind-lite/consensus';

/** Core's BlockStatus bits used here (chain.h). */
export const BLOCK_VALID_MASK = 7;
export const BLOCK_VALID_TREE = 2;
export const BLOCK_HAVE_DATA = 8;
export const BLOCK_FAILED_VALID = 32;
export const BLOCK_FAILED_CHILD = 64;
export const BLOCK_FAILED_MASK = BLOCK_FAILED_VALID | BLOCK_FAILED_CHILD;

export interface P2PBlockIndex {
  readonly hash: Uint8Array;
  readonly hashHex: string;
  readonly height: number;
  readonly header: BlockHeader;
  readonly prev: P2PBlockIndex | undefined;
  readonly chainWork: bigint;
  readonly status: number;
  getAncestor(height: number): P2PBlockIndex | undefined;
}

export interface P2PActiveChain {
  tip(): P2PBlockIndex;
  height(): number;
  at(height: number): P2PBlockIndex | undefined;
  contains(idx: P2PBlockIndex): boolean;
  next(idx: P2PBlockIndex): P2PBlockIndex | undefined;
  getLocator(from?: P2PBlockIndex): Uint8Array[];
  findFork(idx: P2PBlockIndex): P2PBlockIndex | undefined;
}

/** Core's BlockValidationResult, as the chain reports it. */
export type BlockValidationResult =
  | 'consensus'
  | 'cached-invalid'
  | 'invalid-header'
  | 'mutated'
  | 'missing-prev'
  | 'invalid-prev'
  | 'time-future'
  | 'headers-low-work';

export interface P2PValidationState {
  valid: boolean;
  result?: BlockValidationResult;
  rejectReason?: string;
  debugMessage?: string;
}

export type UpdatedBlockTipListener = (
  newTip: P2PBlockIndex,
  forkPoint: P2PBlockIndex | undefined,
  initialDownload: boolean,
) => void;

export interface P2PChain {
  readonly activeChain: P2PActiveChain;
  readonly bestHeader: P2PBlockIndex;
  /** Core's nMinimumChainWork: getheaders is not served below it. Absent: 0. */
  readonly params?: { readonly minimumChainWork: bigint };
  lookup(hash: Uint8Array | string): P2PBlockIndex | undefined;
  processNewBlockHeaders(
    headers: BlockHeader[],
  ): Promise<{ state: P2PValidationState; last?: P2PBlockIndex }>;
  processNewBlock(
    block: Block,
    /** minPowChecked: false keeps a new header out of the index (Core's anti-DoS check). */
    opts?: { forceProcessing?: boolean; minPowChecked?: boolean },
  ): Promise<{ state: P2PValidationState; isNew: boolean; index?: P2PBlockIndex }>;
  readBlock(idx: P2PBlockIndex): Promise<Block>;
  readRawBlock(idx: P2PBlockIndex): Promise<Uint8Array>;
  isInitialBlockDownload(): boolean;
  on(event: 'updatedBlockTip', listener: UpdatedBlockTipListener): () => void;
}

/** Core's ValidationState::ToString: "reason, debug message" or "reason". */
export function stateToString(s: P2PValidationState): string {
  const reason = s.rejectReason ?? 'invalid';
  return s.debugMessage ? `${reason}, ${s.debugMessage}` : reason;
}
