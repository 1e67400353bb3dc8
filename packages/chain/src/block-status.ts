/**
 * Block status flags, with Core's values (BlockStatus in chain.h). The low three bits hold a
 * validity level; the others are independent flags.
 */
export const BLOCK_VALID_UNKNOWN = 0;
/** Parsed, version ok, hash satisfies claimed PoW, timestamp not in the future (legacy). */
export const BLOCK_VALID_RESERVED = 1;
/** All parent headers found, difficulty matches, timestamp >= MTP, checkpoint. */
export const BLOCK_VALID_TREE = 2;
/** CheckBlock and ContextualCheckBlock passed; nTx and chainTx set. */
export const BLOCK_VALID_TRANSACTIONS = 3;
/** Outputs do not overspend inputs, no double spends, coinbase output ok. */
export const BLOCK_VALID_CHAIN = 4;
/** Scripts and signatures ok. */
export const BLOCK_VALID_SCRIPTS = 5;
export const BLOCK_VALID_MASK = 7;

export const BLOCK_HAVE_DATA = 8;
export const BLOCK_HAVE_UNDO = 16;
export const BLOCK_HAVE_MASK = BLOCK_HAVE_DATA | BLOCK_HAVE_UNDO;

/** The block itself failed validation. */
export const BLOCK_FAILED_VALID = 32;
/** Descends from a block that failed. */
export const BLOCK_FAILED_CHILD = 64;
export const BLOCK_FAILED_MASK = BLOCK_FAILED_VALID | BLOCK_FAILED_CHILD;

/** Core's CBlockIndex::IsValid(nUpTo). */
export function isValidUpTo(status: number, level: number): boolean {
  if (status & BLOCK_FAILED_MASK) return false;
  return (status & BLOCK_VALID_MASK) >= level;
}
