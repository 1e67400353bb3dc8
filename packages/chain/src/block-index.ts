/**
 * One entry of the block tree (Core's CBlockIndex): a header, its place in the tree, the work up
 * to it, and what is known about its block. Ancestors are found in O(log n) through the skip
 * pointer, built as Core's GetSkipHeight does.
 */
import { type BlockHeader, reverseBytes, toHex, workFromBits } from '@bitcoind-lite/consensus';
import {
  BLOCK_FAILED_MASK,
  BLOCK_VALID_MASK,
  BLOCK_VALID_TREE,
  isValidUpTo,
} from './block-status.js';

/** Core's nMedianTimeSpan. */
const MEDIAN_TIME_SPAN = 11;

function invertLowestOne(n: number): number {
  return n & (n - 1);
}

/** Core's GetSkipHeight: where the skip pointer of a block at `height` points. */
function getSkipHeight(height: number): number {
  if (height < 2) return 0;
  return height & 1 ? invertLowestOne(invertLowestOne(height - 1)) + 1 : invertLowestOne(height);
}

export class BlockIndex {
  readonly hash: Uint8Array;
  readonly hashHex: string;
  readonly height: number;
  readonly chainWork: bigint;
  readonly skip: BlockIndex | undefined;
  status = 0;
  nTx = 0;
  /** Transactions in this block and all its ancestors; 0 while some ancestor lacks data. */
  chainTx = 0;
  /** Order in which block data arrived; ties in work go to the earlier one. */
  sequenceId = 0;
  /** Where the block and its undo data are stored (valid when the status says so). */
  file = 0;
  dataPos = 0;
  undoPos = 0;
  /** Highest time of this block and its ancestors (Core's nTimeMax). */
  readonly timeMax: number;

  constructor(
    readonly header: BlockHeader,
    readonly prev: BlockIndex | undefined,
  ) {
    this.hash = header.hash();
    this.hashHex = toHex(reverseBytes(this.hash));
    this.height = prev === undefined ? 0 : prev.height + 1;
    this.chainWork = (prev?.chainWork ?? 0n) + workFromBits(header.bits);
    this.skip = prev?.getAncestor(getSkipHeight(this.height));
    this.timeMax = Math.max(prev?.timeMax ?? 0, header.time);
  }

  get time(): number {
    return this.header.time;
  }

  get bits(): number {
    return this.header.bits;
  }

  getAncestor(height: number): BlockIndex | undefined {
    if (height > this.height || height < 0) return undefined;
    let walk: BlockIndex = this;
    let heightWalk = this.height;
    while (heightWalk > height) {
      const heightSkip = getSkipHeight(heightWalk);
      const heightSkipPrev = getSkipHeight(heightWalk - 1);
      if (
        walk.skip !== undefined &&
        (heightSkip === height ||
          (heightSkip > height && !(heightSkipPrev < heightSkip - 2 && heightSkipPrev >= height)))
      ) {
        walk = walk.skip;
        heightWalk = heightSkip;
      } else {
        walk = walk.prev!;
        heightWalk--;
      }
    }
    return walk;
  }

  /** Median of the times of the last 11 blocks ending here (Core's GetMedianTimePast). */
  medianTimePast(): number {
    const times: number[] = [];
    let idx: BlockIndex | undefined = this;
    for (let i = 0; i < MEDIAN_TIME_SPAN && idx !== undefined; i++, idx = idx.prev) {
      times.push(idx.header.time);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  }

  isValid(level = BLOCK_VALID_TREE): boolean {
    return isValidUpTo(this.status, level);
  }

  isFailed(): boolean {
    return (this.status & BLOCK_FAILED_MASK) !== 0;
  }

  /** Core's RaiseValidity: raises the level unless the block failed; true when it changed. */
  raiseValidity(level: number): boolean {
    if (this.status & BLOCK_FAILED_MASK) return false;
    if ((this.status & BLOCK_VALID_MASK) < level) {
      this.status = (this.status & ~BLOCK_VALID_MASK) | level;
      return true;
    }
    return false;
  }
}

/** The last common ancestor of two entries (Core's LastCommonAncestor). */
export function lastCommonAncestor(a: BlockIndex, b: BlockIndex): BlockIndex | undefined {
  let pa: BlockIndex | undefined = a;
  let pb: BlockIndex | undefined = b;
  if (pa.height > pb.height) pa = pa.getAncestor(pb.height);
  else if (pb.height > pa.height) pb = pb.getAncestor(pa.height);
  while (pa !== pb && pa !== undefined && pb !== undefined) {
    pa = pa.prev;
    pb = pb.prev;
  }
  return pa;
}
