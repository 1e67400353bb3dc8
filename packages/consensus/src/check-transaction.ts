/**
 * Context-free transaction checks (Core's CheckTransaction), with Core's reject reasons. They
 * need nothing but the transaction: no UTXO set, no height, no scripts.
 */
import type { Transaction } from './transaction.js';

/** 21 million BTC in satoshis (Core's MAX_MONEY). */
const MAX_MONEY_SATS = 2_100_000_000_000_000n;
const MAX_BLOCK_WEIGHT_WU = 4_000_000;
const WITNESS_SCALE_FACTOR = 4;

export type CheckTransactionResult = { ok: true } | { ok: false; reason: string };

export function checkTransaction(tx: Transaction): CheckTransactionResult {
  if (tx.vin.length === 0) return bad('bad-txns-vin-empty');
  if (tx.vout.length === 0) return bad('bad-txns-vout-empty');

  // Size without witness: the witness is not yet known to be unmalleated here.
  if (tx.baseSize() * WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT_WU) return bad('bad-txns-oversize');

  // Negative or overflowing output values (CVE-2010-5139).
  let totalOut = 0n;
  for (const o of tx.vout) {
    if (o.value < 0n) return bad('bad-txns-vout-negative');
    if (o.value > MAX_MONEY_SATS) return bad('bad-txns-vout-toolarge');
    totalOut += o.value;
    if (totalOut < 0n || totalOut > MAX_MONEY_SATS) return bad('bad-txns-txouttotal-toolarge');
  }

  // Duplicate inputs (CVE-2018-17144).
  const seen = new Set<string>();
  for (const i of tx.vin) {
    const k = i.prevout.key();
    if (seen.has(k)) return bad('bad-txns-inputs-duplicate');
    seen.add(k);
  }

  if (tx.isCoinbase()) {
    const n = tx.vin[0]!.scriptSig.length;
    if (n < 2 || n > 100) return bad('bad-cb-length');
  } else {
    for (const i of tx.vin) if (i.prevout.isNull()) return bad('bad-txns-prevout-null');
  }
  return { ok: true };
}

function bad(reason: string): CheckTransactionResult {
  return { ok: false, reason };
}
