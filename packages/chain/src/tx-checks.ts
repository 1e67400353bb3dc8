/**
 * Transaction rules the chainstate applies, as Core's consensus/tx_check.cpp (CheckTransaction),
 * consensus/tx_verify.cpp (IsFinalTx, SequenceLocks, CheckTxInputs). CheckTransaction and sigop
 * counting come from the consensus package. Each failure
 * carries Core's reject reason. Pure functions over the transaction and the coins it spends.
 */
import {
  type Transaction,
  checkTransaction as consensusCheckTransaction,
} from '@bitcoind-lite/consensus';
import type { Coin } from '@bitcoind-lite/storage';
import type { BlockIndex } from './block-index.js';

export const MAX_MONEY_SATS = 21_000_000n * 100_000_000n;
export const MAX_BLOCK_WEIGHT_WU = 4_000_000;
export const MAX_BLOCK_SIGOPS_COST = 80_000;
export const WITNESS_SCALE_FACTOR = 4;
export const LOCKTIME_THRESHOLD = 500_000_000;
/** BIP68 flags and mask (CTxIn::SEQUENCE_LOCKTIME_*). */
export const SEQUENCE_LOCKTIME_DISABLE_FLAG = 0x80000000;
export const SEQUENCE_LOCKTIME_TYPE_FLAG = 1 << 22;
export const SEQUENCE_LOCKTIME_MASK = 0x0000ffff;
export const SEQUENCE_LOCKTIME_GRANULARITY = 9;
/** Core's LOCKTIME_VERIFY_SEQUENCE: apply BIP68 (set once CSV is active). */
export const LOCKTIME_VERIFY_SEQUENCE = 1;

export interface TxCheckFailure {
  reason: string;
  debug?: string;
}

/**
 * Core's CheckTransaction, as the consensus package implements it (same rules, same reject
 * reasons); wrapped to the chain's failure shape.
 */
export function checkTransaction(tx: Transaction): TxCheckFailure | undefined {
  const r = consensusCheckTransaction(tx);
  return r.ok ? undefined : { reason: r.reason };
}

/** Core's IsFinalTx: the lock time has passed, or every input opted out with a final sequence. */
export function isFinalTx(tx: Transaction, height: number, blockTimeS: number): boolean {
  if (tx.locktime === 0) return true;
  const limit = tx.locktime < LOCKTIME_THRESHOLD ? height : blockTimeS;
  if (tx.locktime < limit) return true;
  return tx.vin.every((i) => i.sequence === 0xffffffff);
}

/**
 * BIP68 (Core's CalculateSequenceLocks): the last height and time at which the transaction is
 * still locked, -1 meaning no constraint. `prevHeights` gives each input's coin height.
 */
export function calculateSequenceLocks(
  tx: Transaction,
  lockFlags: number,
  prevHeights: number[],
  block: BlockIndex,
): { minHeight: number; minTime: number } {
  let minHeight = -1;
  let minTime = -1;
  const enforce = tx.version >= 2 && (lockFlags & LOCKTIME_VERIFY_SEQUENCE) !== 0;
  if (!enforce) return { minHeight, minTime };
  tx.vin.forEach((input, i) => {
    const seq = input.sequence;
    if ((seq & SEQUENCE_LOCKTIME_DISABLE_FLAG) !== 0) return;
    const coinHeight = prevHeights[i]!;
    if ((seq & SEQUENCE_LOCKTIME_TYPE_FLAG) !== 0) {
      const coinTime = block.getAncestor(Math.max(coinHeight - 1, 0))!.medianTimePast();
      minTime = Math.max(
        minTime,
        coinTime + ((seq & SEQUENCE_LOCKTIME_MASK) << SEQUENCE_LOCKTIME_GRANULARITY) - 1,
      );
    } else {
      minHeight = Math.max(minHeight, coinHeight + (seq & SEQUENCE_LOCKTIME_MASK) - 1);
    }
  });
  return { minHeight, minTime };
}

/** Core's EvaluateSequenceLocks against the block being connected. */
export function evaluateSequenceLocks(
  block: BlockIndex,
  lock: { minHeight: number; minTime: number },
): boolean {
  const prevMtp = block.prev!.medianTimePast();
  return !(lock.minHeight >= block.height || lock.minTime >= prevMtp);
}

/**
 * Core's Consensus::CheckTxInputs with the coins already looked up (undefined = missing or
 * spent): maturity, value ranges, and inputs covering outputs. Returns the fee or a failure.
 */
export function checkTxInputs(
  tx: Transaction,
  coins: (Coin | undefined)[],
  spendHeight: number,
  coinbaseMaturity: number,
): { feeSats: bigint } | TxCheckFailure {
  if (coins.some((c) => c === undefined)) {
    return {
      reason: 'bad-txns-inputs-missingorspent',
      debug: 'CheckTxInputs: inputs missing/spent',
    };
  }
  let valueIn = 0n;
  for (const c of coins as Coin[]) {
    if (c.isCoinbase && spendHeight - c.height < coinbaseMaturity) {
      return {
        reason: 'bad-txns-premature-spend-of-coinbase',
        debug: `tried to spend coinbase at depth ${spendHeight - c.height}`,
      };
    }
    valueIn += c.out.value;
    if (c.out.value < 0n || c.out.value > MAX_MONEY_SATS || valueIn > MAX_MONEY_SATS) {
      return { reason: 'bad-txns-inputvalues-outofrange' };
    }
  }
  let valueOut = 0n;
  for (const o of tx.vout) valueOut += o.value;
  if (valueIn < valueOut) {
    return {
      reason: 'bad-txns-in-belowout',
      debug: `value in (${formatMoney(valueIn)}) < value out (${formatMoney(valueOut)})`,
    };
  }
  const fee = valueIn - valueOut;
  if (fee < 0n || fee > MAX_MONEY_SATS) return { reason: 'bad-txns-fee-outofrange' };
  return { feeSats: fee };
}

/** Core's FormatMoney: at least two decimals, trailing zeros trimmed beyond that. */
export function formatMoney(sats: bigint): string {
  const neg = sats < 0n;
  const a = neg ? -sats : sats;
  let frac = (a % 100_000_000n).toString().padStart(8, '0');
  while (frac.length > 2 && frac.endsWith('0')) frac = frac.slice(0, -1);
  return `${neg ? '-' : ''}${a / 100_000_000n}.${frac}`;
}

/** Core's CScript::IsUnspendable: OP_RETURN first, or larger than MAX_SCRIPT_SIZE. */
export function isUnspendable(script: Uint8Array): boolean {
  return (script.length > 0 && script[0] === 0x6a) || script.length > 10_000;
}
