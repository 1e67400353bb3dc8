/**
 * Core's IsStandardTx (policy/policy.cpp): the shape rules a transaction must meet to be relayed
 * and mined by default. Each failure is Core's reject reason string; the order of checks is
 * Core's, so the same transaction fails with the same reason.
 */
import { solveScript, type Transaction } from '@bitcoind-lite/consensus';
import type { FeeRate } from './fee-rate.js';
import { getDust } from './dust.js';
import {
  MAX_DUST_OUTPUTS_PER_TX,
  MAX_STANDARD_SCRIPTSIG_SIZE_BYTES,
  MAX_STANDARD_TX_WEIGHT_WU,
  TX_MAX_STANDARD_VERSION,
  TX_MIN_STANDARD_VERSION,
} from './policy-constants.js';
import { isPushOnly } from './script-helpers.js';

export interface StandardnessOptions {
  /** Total OP_RETURN bytes allowed across outputs; undefined = `-datacarrier=0`. */
  maxDatacarrierBytes: number | undefined;
  permitBareMultisig: boolean;
  dustRelayFee: FeeRate;
  /**
   * Core 29 and earlier allowed one OP_RETURN output ('multi-op-return'); Core 30 allows any
   * number within the datacarrier budget. True is Core 30's behaviour.
   */
  permitMultipleOpReturn: boolean;
}

export type StandardResult = { ok: true } | { ok: false; reason: string };

/** Core's IsStandard for one scriptPubKey: a known template, and bare multisig at most 1..3-of-3. */
export function isStandardScriptPubKey(script: Uint8Array): { ok: boolean; type: string } {
  const { type, solutions } = solveScript(script);
  if (type === 'nonstandard') return { ok: false, type };
  if (type === 'multisig') {
    const m = solutions[0]![0]!;
    const n = solutions[solutions.length - 1]![0]!;
    if (n < 1 || n > 3 || m < 1 || m > n) return { ok: false, type };
  }
  return { ok: true, type };
}

export function isStandardTx(tx: Transaction, opts: StandardnessOptions): StandardResult {
  if (tx.version > TX_MAX_STANDARD_VERSION || tx.version < TX_MIN_STANDARD_VERSION) {
    return { ok: false, reason: 'version' };
  }
  // Bounding weight mitigates quadratic-hashing costs of very large transactions.
  if (tx.weight() > MAX_STANDARD_TX_WEIGHT_WU) return { ok: false, reason: 'tx-size' };

  for (const input of tx.vin) {
    if (input.scriptSig.length > MAX_STANDARD_SCRIPTSIG_SIZE_BYTES) {
      return { ok: false, reason: 'scriptsig-size' };
    }
    if (!isPushOnly(input.scriptSig)) return { ok: false, reason: 'scriptsig-not-pushonly' };
  }

  let dataOutputs = 0;
  let datacarrierLeft = opts.maxDatacarrierBytes ?? 0;
  for (const out of tx.vout) {
    const std = isStandardScriptPubKey(out.scriptPubKey);
    if (!std.ok) return { ok: false, reason: 'scriptpubkey' };
    if (std.type === 'nulldata') {
      if (opts.maxDatacarrierBytes === undefined) return { ok: false, reason: 'scriptpubkey' };
      dataOutputs++;
      if (out.scriptPubKey.length > datacarrierLeft) return { ok: false, reason: 'datacarrier' };
      datacarrierLeft -= out.scriptPubKey.length;
    } else if (std.type === 'multisig' && !opts.permitBareMultisig) {
      return { ok: false, reason: 'bare-multisig' };
    }
  }

  // Core 29+ lets one dust output through; PreCheckEphemeralTx then requires a zero fee.
  if (getDust(tx, opts.dustRelayFee).length > MAX_DUST_OUTPUTS_PER_TX) {
    return { ok: false, reason: 'dust' };
  }
  if (!opts.permitMultipleOpReturn && dataOutputs > 1) {
    return { ok: false, reason: 'multi-op-return' };
  }
  return { ok: true };
}
