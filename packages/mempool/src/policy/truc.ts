/**
 * TRUC (BIP431, Core 28's policy/truc_policy.cpp) for one transaction against the mempool: a
 * version-3 transaction is at most 10,000 vbytes, has at most one unconfirmed ancestor and one
 * unconfirmed descendant, a version-3 child is at most 1,000 vbytes, and version-3 and other
 * transactions never spend each other's unconfirmed outputs. Sibling eviction is not done: a
 * second child is rejected (see README).
 */
import { TRUC_CHILD_MAX_VSIZE, TRUC_MAX_VSIZE, TRUC_VERSION } from './policy-constants.js';

export interface TrucTx {
  version: number;
  txidHex: string;
  wtxidHex: string;
  vsize: number;
}

export interface TrucAncestor extends TrucTx {
  /** In-mempool children of this ancestor not being replaced. */
  childrenTxidHex: string[];
  ancestorCount: number;
}

/** Returns Core's debug message for a 'TRUC-violation', or undefined when the rules hold. */
export function singleTrucChecks(
  tx: TrucTx,
  parents: readonly TrucAncestor[],
  ancestorCount: number,
  conflictsTxidHex: ReadonlySet<string>,
): string | undefined {
  const id = `${tx.txidHex} (wtxid=${tx.wtxidHex})`;
  if (tx.version !== TRUC_VERSION) {
    for (const p of parents) {
      if (p.version === TRUC_VERSION) {
        return `non-version=3 tx ${id} cannot spend from version=3 tx ${p.txidHex} (wtxid=${p.wtxidHex})`;
      }
    }
    return undefined;
  }
  if (tx.vsize > TRUC_MAX_VSIZE) {
    return `version=3 tx ${id} is too big: ${tx.vsize} > ${TRUC_MAX_VSIZE} virtual bytes`;
  }
  for (const p of parents) {
    if (p.version !== TRUC_VERSION) {
      return `version=3 tx ${id} cannot spend from non-version=3 tx ${p.txidHex} (wtxid=${p.wtxidHex})`;
    }
  }
  if (ancestorCount > 1 || parents.some((p) => p.ancestorCount > 1)) {
    return `tx ${id} would have too many ancestors`;
  }
  if (parents.length === 1) {
    const p = parents[0]!;
    if (tx.vsize > TRUC_CHILD_MAX_VSIZE) {
      return `version=3 child tx ${id} is too big: ${tx.vsize} > ${TRUC_CHILD_MAX_VSIZE} virtual bytes`;
    }
    const others = p.childrenTxidHex.filter((c) => !conflictsTxidHex.has(c));
    if (others.length > 0) {
      return `tx ${p.txidHex} (wtxid=${p.wtxidHex}) would exceed descendant count limit`;
    }
  }
  return undefined;
}
