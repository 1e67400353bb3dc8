/**
 * Mempool admission, as Core's MemPoolAccept (validation.cpp): PreChecks (consensus and
 * standardness, finality, duplicates, conflicts, inputs, BIP68, fees, ancestor limits, TRUC,
 * replacement), script checks with standard then mandatory flags, and Finalize (evict the
 * replaced, add, trim to size). Each rejection carries Core's reason and debug text.
 */
import { checkTransaction, OutPoint, type Transaction, type TxOut } from '@bitcoind-lite/consensus';
import type { MempoolChainView, MempoolCoin, MempoolScriptVerifier } from './chain-view.js';
import { MempoolEntry, policyVsize, type LockPoints } from './mempool-entry.js';
import type { ResolvedMempoolSettings } from './mempool-options.js';
import { getDust } from './policy/dust.js';
import { FeeRate } from './policy/fee-rate.js';
import { areInputsStandard, isWitnessStandard } from './policy/inputs-standard.js';
import { isStandardTx } from './policy/is-standard-tx.js';
import {
  MAX_STANDARD_TX_SIGOPS_COST,
  MIN_STANDARD_TX_NONWITNESS_SIZE_BYTES,
} from './policy/policy-constants.js';
import { STANDARD_SCRIPT_VERIFY_FLAGS } from './policy/script-flags.js';
import { transactionSigOpCost } from './policy/script-helpers.js';
import { singleTrucChecks } from './policy/truc.js';
import { replacementChecks, signalsOptInRbf } from './rbf.js';
import {
  calculateSequenceLocks,
  checkTxInputs,
  isFinalTx,
  sequenceLocksSatisfied,
} from './tx-checks.js';
import { txidHexOf, type TxMempool } from './tx-mempool.js';
import { reject, TxRejection, type MempoolAcceptResult } from './validation-result.js';

export interface AcceptOptions {
  /** Skip fee floors and size limits (re-adding a disconnected block's transactions). */
  bypassLimits?: boolean;
  /** Check only; leave the pool unchanged (testmempoolaccept). */
  testAccept?: boolean;
  /** Entry time in seconds (mempool.dat keeps the original); default: now. */
  acceptTimeS?: number;
}

export interface AcceptContext {
  pool: TxMempool;
  chain: MempoolChainView;
  verifier: MempoolScriptVerifier;
  settings: ResolvedMempoolSettings;
  nowS(): number;
}

/** A transaction that passed every check, ready to be added (or reported by testAccept). */
export interface Workspace {
  entry: MempoolEntry;
  ancestors: Set<MempoolEntry>;
  conflicts: Set<MempoolEntry>;
  spent: TxOut[];
}

/** Height Core gives coins created by mempool transactions (MEMPOOL_HEIGHT). */
const MEMPOOL_HEIGHT = 0x7fffffff;

export async function preChecks(
  ctx: AcceptContext,
  tx: Transaction,
  opts: AcceptOptions,
): Promise<Workspace> {
  const { pool, chain, settings } = ctx;
  const txidHex = tx.txidHex();
  const wtxidHex = tx.wtxidHex();

  // Core's CheckTransaction, shared with block validation (consensus package).
  const bad = checkTransaction(tx);
  if (!bad.ok) throw reject('consensus', bad.reason);
  // Coinbases are only valid in a block.
  if (tx.isCoinbase()) throw reject('consensus', 'coinbase');

  if (settings.requireStandard) {
    const std = isStandardTx(tx, settings);
    if (!std.ok) throw reject('not-standard', std.reason);
  }
  // A 64-byte non-witness serialization could pass as an inner Merkle node (CVE-2017-12842).
  if (tx.baseSize() < MIN_STANDARD_TX_NONWITNESS_SIZE_BYTES) {
    throw reject('not-standard', 'tx-size-small');
  }

  const tipHeight = chain.tipHeight();
  const tipMtp = chain.tipMedianTimePast();
  // Only transactions that could be mined in the next block are accepted (BIP113 uses MTP).
  if (!isFinalTx(tx, tipHeight + 1, tipMtp)) {
    throw reject('premature-spend', 'non-final');
  }

  if (pool.getByWtxid(wtxidHex) !== undefined) {
    throw reject('conflict', 'txn-already-in-mempool');
  }
  if (pool.get(txidHex) !== undefined) {
    throw reject('conflict', 'txn-same-nonwitness-data-in-mempool');
  }

  const conflicts = new Set<MempoolEntry>();
  for (const input of tx.vin) {
    const c = pool.spender(input.prevout);
    if (c === undefined) continue;
    // Core 28 with -mempoolfullrbf=0: only signalling transactions may be replaced.
    if (!settings.fullRbf && !signalsOptInRbf(c.tx)) {
      throw reject('mempool-policy', 'txn-mempool-conflict');
    }
    conflicts.add(c);
  }

  const coins = await lookupCoins(ctx, tx);
  if (coins.some((c) => c === undefined)) {
    // Are the inputs missing because this transaction is already confirmed?
    const own = tx.vout.map((_, i) => new OutPoint(tx.txid(), i));
    const mine = await chain.coins.getCoins(own);
    if (mine.some((c) => c !== undefined)) throw reject('conflict', 'txn-already-known');
    throw reject('missing-inputs', 'bad-txns-inputs-missingorspent');
  }
  const found = coins as MempoolCoin[];

  const coinHeights = found.map((c) => (c.height === MEMPOOL_HEIGHT ? tipHeight + 1 : c.height));
  const lockPoints = calculateSequenceLocks(tx, coinHeights, (h) =>
    h >= tipHeight ? tipMtp : chain.medianTimePastAt(h),
  );
  if (!sequenceLocksSatisfied(lockPoints, tipHeight + 1, tipMtp)) {
    throw reject('premature-spend', 'non-BIP68-final');
  }

  const fee = checkTxInputs(tx, found, tipHeight + 1);
  if (fee instanceof TxRejection) throw fee;

  const spent = found.map((c) => c.out);
  if (settings.requireStandard && !areInputsStandard(tx, spent)) {
    throw reject('inputs-not-standard', 'bad-txns-nonstandard-inputs');
  }
  if (tx.hasWitness() && settings.requireStandard && !isWitnessStandard(tx, spent)) {
    throw reject('not-standard', 'bad-witness-nonstandard');
  }

  const sigOpCost = transactionSigOpCost(
    tx,
    spent.map((o) => o.scriptPubKey),
  );
  const spendsCoinbase = found.some((c) => c.isCoinbase);
  const entry = new MempoolEntry(
    tx,
    fee,
    opts.acceptTimeS ?? ctx.nowS(),
    tipHeight,
    spendsCoinbase,
    sigOpCost,
    policyVsize(tx.weight(), sigOpCost, settings.bytesPerSigOp),
    lockPoints,
  );
  entry.feeDeltaSats = pool.deltas.get(txidHex) ?? 0n;

  if (sigOpCost > MAX_STANDARD_TX_SIGOPS_COST) {
    throw reject('not-standard', 'bad-txns-too-many-sigops', `${sigOpCost}`);
  }

  // Core 29 ephemeral dust: a dust output is allowed only in a zero-fee transaction.
  if (settings.requireStandard && getDust(tx, settings.dustRelayFee).length > 0) {
    if (entry.feeSats !== 0n || entry.modifiedFeeSats !== 0n) {
      throw reject('not-standard', 'dust', 'tx with dust output must be 0-fee');
    }
  }

  if (!opts.bypassLimits) checkFeeRate(ctx, entry.vsize, entry.modifiedFeeSats);

  const parents = pool.parentsOf(tx);
  const ancestors = checkAncestorLimits(ctx, parents, entry.vsize);

  // A transaction cannot spend an output of one it replaces (Core's EntriesAndTxidsDisjoint).
  for (const a of ancestors) {
    if (conflicts.has(a)) {
      throw reject(
        'consensus',
        'bad-txns-spends-conflicting-tx',
        `${txidHex} spends conflicting transaction ${a.txidHex}`,
      );
    }
  }

  const conflictIds = new Set([...conflicts].map((c) => c.txidHex));
  const truc = singleTrucChecks(
    { version: tx.version, txidHex, wtxidHex, vsize: entry.vsize },
    [...parents].map((p) => ({
      version: p.tx.version,
      txidHex: p.txidHex,
      wtxidHex: p.wtxidHex,
      vsize: p.vsize,
      ancestorCount: p.countWithAncestors,
      childrenTxidHex: [...p.children].map((c) => c.txidHex),
    })),
    ancestors.size,
    conflictIds,
  );
  if (truc !== undefined) throw reject('mempool-policy', 'TRUC-violation', truc);

  let allConflicts = new Set<MempoolEntry>();
  if (conflicts.size > 0) {
    const r = replacementChecks(pool, {
      tx,
      txidHex,
      modifiedFeeSats: entry.modifiedFeeSats,
      vsize: entry.vsize,
      directConflicts: conflicts,
      incrementalRelayFee: settings.incrementalRelayFee,
    });
    if (r instanceof TxRejection) throw r;
    allConflicts = r.allConflicts;
  }

  scriptChecks(ctx, tx, spent);
  return { entry, ancestors, conflicts: allConflicts, spent };
}

async function lookupCoins(
  ctx: AcceptContext,
  tx: Transaction,
): Promise<(MempoolCoin | undefined)[]> {
  const out: (MempoolCoin | undefined)[] = new Array(tx.vin.length);
  const fromChain: { i: number; prevout: OutPoint }[] = [];
  tx.vin.forEach((input, i) => {
    const m = ctx.pool.outputAt(input.prevout);
    if (m !== undefined) {
      out[i] = { out: m.entry.tx.vout[m.vout]!, height: MEMPOOL_HEIGHT, isCoinbase: false };
    } else fromChain.push({ i, prevout: input.prevout });
  });
  if (fromChain.length > 0) {
    const coins = await ctx.chain.coins.getCoins(fromChain.map((f) => f.prevout));
    fromChain.forEach((f, k) => (out[f.i] = coins[k]));
  }
  return out;
}

/** Core's CheckFeeRate: the pool's eviction floor first, then the relay floor (modified fee). */
export function checkFeeRate(ctx: AcceptContext, vsize: number, modifiedFeeSats: bigint): void {
  const poolMin = ctx.pool.getMinFee().getFee(vsize);
  if (poolMin > 0n && modifiedFeeSats < poolMin) {
    throw reject('reconsiderable', 'mempool min fee not met', `${modifiedFeeSats} < ${poolMin}`);
  }
  const relayMin = ctx.settings.minRelayFee.getFee(vsize);
  if (modifiedFeeSats < relayMin) {
    throw reject('reconsiderable', 'min relay fee not met', `${modifiedFeeSats} < ${relayMin}`);
  }
}

/**
 * Core's CalculateAncestorsAndCheckLimits with -limitancestorcount/-limitancestorsize and
 * -limitdescendantcount/-limitdescendantsize; a failure is 'too-long-mempool-chain'.
 */
export function checkAncestorLimits(
  ctx: AcceptContext,
  parents: Set<MempoolEntry>,
  vsize: number,
): Set<MempoolEntry> {
  const s = ctx.settings;
  const fail = (msg: string): never => {
    throw reject('mempool-policy', 'too-long-mempool-chain', msg);
  };
  if (parents.size + 1 > s.limitAncestorCount) {
    fail(`too many unconfirmed parents [limit: ${s.limitAncestorCount}]`);
  }
  const ancestors = new Set<MempoolEntry>();
  const staged = new Set<MempoolEntry>(parents);
  let totalSize = vsize;
  while (staged.size > 0) {
    const a: MempoolEntry = staged.values().next().value!;
    staged.delete(a);
    ancestors.add(a);
    totalSize += a.vsize;
    if (a.sizeWithDescendants + vsize > s.limitDescendantSizeVbytes) {
      fail(
        `exceeds descendant size limit for tx ${a.txidHex} [limit: ${s.limitDescendantSizeVbytes}]`,
      );
    } else if (a.countWithDescendants + 1 > s.limitDescendantCount) {
      fail(`too many descendants for tx ${a.txidHex} [limit: ${s.limitDescendantCount}]`);
    } else if (totalSize > s.limitAncestorSizeVbytes) {
      fail(`exceeds ancestor size limit [limit: ${s.limitAncestorSizeVbytes}]`);
    }
    for (const p of a.parents) {
      if (!ancestors.has(p)) staged.add(p);
      if (staged.size + ancestors.size + 1 > s.limitAncestorCount) {
        fail(`too many unconfirmed ancestors [limit: ${s.limitAncestorCount}]`);
      }
    }
  }
  return ancestors;
}

/**
 * Scripts under the standard flags, as Core 30's PolicyScriptChecks: any failure is reported as
 * `mempool-script-verify-flag-failed (<script error>)` with a policy result (TX_NOT_STANDARD),
 * whether or not the mandatory flags alone would accept it. Core 30 (bitcoin/bitcoin#33183,
 * #33050) replaced the older mandatory/non-mandatory pair and stopped punishing peers for
 * transactions, so no second check with the mandatory flags is needed.
 */
function scriptChecks(ctx: AcceptContext, tx: Transaction, spent: TxOut[]): void {
  for (let i = 0; i < tx.vin.length; i++) {
    const r = ctx.verifier.verifyInput(tx, i, spent, STANDARD_SCRIPT_VERIFY_FLAGS);
    if (r.ok) continue;
    throw reject(
      'not-standard',
      `mempool-script-verify-flag-failed (${r.error ?? 'unknown error'})`,
    );
  }
}

export function acceptedResult(ws: Workspace): MempoolAcceptResult {
  const e = ws.entry;
  return {
    valid: true,
    txidHex: e.txidHex,
    wtxidHex: e.wtxidHex,
    vsize: e.vsize,
    feeSats: e.feeSats,
    effectiveFeeRateSatPerKvB: FeeRate.fromFee(e.modifiedFeeSats, e.vsize).satPerKvB,
    replacedTxids: [...ws.conflicts].map((c) => c.txidHex),
  };
}

export function rejectedResult(tx: Transaction, r: TxRejection): MempoolAcceptResult {
  return {
    valid: false,
    txidHex: tx.txidHex(),
    wtxidHex: tx.wtxidHex(),
    result: r.result,
    rejectReason: r.reason,
    ...(r.debug !== '' ? { debugMessage: r.debug } : {}),
  };
}

/** The lock points a mempool entry was admitted with still hold after a tip change. */
export function lockPointsStillValid(lp: LockPoints, tipHeight: number, tipMtp: number): boolean {
  return sequenceLocksSatisfied(lp, tipHeight + 1, tipMtp);
}

export { txidHexOf };
