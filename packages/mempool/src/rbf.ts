/**
 * Replacement checks (Core's policy/rbf.cpp, BIP125 rules 2-6) under full RBF as Core 28+
 * applies it: any conflicting transaction may be replaced, signalled or not.
 */
import type { Transaction } from '@bitcoind-lite/consensus';
import type { MempoolEntry } from './mempool-entry.js';
import { FeeRate, formatMoney } from './policy/fee-rate.js';
import { MAX_BIP125_RBF_SEQUENCE, MAX_REPLACEMENT_CANDIDATES } from './policy/policy-constants.js';
import type { TxMempool } from './tx-mempool.js';
import { reject, type TxRejection } from './validation-result.js';

/** BIP125 signalling: some input's nSequence is at most 0xfffffffd. */
export function signalsOptInRbf(tx: Transaction): boolean {
  return tx.vin.some((i) => i.sequence <= MAX_BIP125_RBF_SEQUENCE);
}

/** Core's IsRBFOptIn for getmempoolentry's bip125-replaceable: the tx or an ancestor signals. */
export function isRbfOptIn(pool: TxMempool, entry: MempoolEntry): boolean {
  if (signalsOptInRbf(entry.tx)) return true;
  for (const a of pool.ancestorsOf(entry.parents)) if (signalsOptInRbf(a.tx)) return true;
  return false;
}

export interface ReplacementInput {
  tx: Transaction;
  txidHex: string;
  modifiedFeeSats: bigint;
  vsize: number;
  directConflicts: Set<MempoolEntry>;
  incrementalRelayFee: FeeRate;
}

/**
 * Runs the replacement rules in Core's order and returns every transaction that would be
 * evicted (conflicts and their descendants), or the rejection.
 */
export function replacementChecks(
  pool: TxMempool,
  r: ReplacementInput,
): { allConflicts: Set<MempoolEntry> } | TxRejection {
  // Rule 6: the replacement's fee rate beats each directly conflicting transaction's.
  const newRate = FeeRate.fromFee(r.modifiedFeeSats, r.vsize);
  for (const c of r.directConflicts) {
    const oldRate = FeeRate.fromFee(c.modifiedFeeSats, c.vsize);
    if (newRate.satPerKvB <= oldRate.satPerKvB) {
      return reject(
        'mempool-policy',
        'insufficient fee',
        `rejecting replacement ${r.txidHex}; new feerate ${newRate.toString()} <= old feerate ${oldRate.toString()}`,
      );
    }
  }

  // Rule 5: bound the work a replacement causes.
  let candidates = 0;
  for (const c of r.directConflicts) candidates += c.countWithDescendants;
  if (candidates > MAX_REPLACEMENT_CANDIDATES) {
    return reject(
      'mempool-policy',
      'too many potential replacements',
      `rejecting replacement ${r.txidHex}; too many potential replacements (${candidates} > ${MAX_REPLACEMENT_CANDIDATES})\n`,
    );
  }
  const allConflicts = new Set<MempoolEntry>();
  for (const c of r.directConflicts) pool.descendantsOf(c, allConflicts);

  // Rule 2: no new unconfirmed inputs, other than those the replaced transactions spent.
  const conflictParents = new Set<string>();
  for (const c of r.directConflicts) {
    for (const i of c.tx.vin) conflictParents.add(i.prevout.key().split(':')[0]!);
  }
  for (let j = 0; j < r.tx.vin.length; j++) {
    const prevout = r.tx.vin[j]!.prevout;
    const key = prevout.key().split(':')[0]!;
    if (!conflictParents.has(key) && pool.getByTxid(prevout.txid) !== undefined) {
      return reject(
        'mempool-policy',
        'replacement-adds-unconfirmed',
        `replacement ${r.txidHex} adds unconfirmed input, idx ${j}`,
      );
    }
  }

  // Rules 3 and 4: pay at least the replaced fees, plus relay of the new bytes.
  let conflictingFees = 0n;
  for (const c of allConflicts) conflictingFees += c.modifiedFeeSats;
  if (r.modifiedFeeSats < conflictingFees) {
    return reject(
      'mempool-policy',
      'insufficient fee',
      `rejecting replacement ${r.txidHex}, less fees than conflicting txs; ${formatMoney(r.modifiedFeeSats)} < ${formatMoney(conflictingFees)}`,
    );
  }
  const additional = r.modifiedFeeSats - conflictingFees;
  const relayFee = r.incrementalRelayFee.getFee(r.vsize);
  if (additional < relayFee) {
    return reject(
      'mempool-policy',
      'insufficient fee',
      `rejecting replacement ${r.txidHex}, not enough additional fees to relay; ${formatMoney(additional)} < ${formatMoney(relayFee)}`,
    );
  }
  return { allConflicts };
}
