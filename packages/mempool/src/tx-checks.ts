/**
 * The contextual transaction rules admission applies, as Core's IsFinalTx,
 * CalculateSequenceLocks/EvaluateSequenceLocks and Consensus::CheckTxInputs, with Core's reject
 * reasons (CheckTransaction itself is the consensus package's). Pure functions: the caller
 * supplies the spent coins and the tip.
 */
import type { Transaction } from '@bitcoind-lite/consensus';
import type { MempoolCoin } from './chain-view.js';
import type { LockPoints } from './mempool-entry.js';
import { formatMoney } from './policy/fee-rate.js';
import { reject, type TxRejection } from './validation-result.js';

export const MAX_MONEY_SATS = 21_000_000n * 100_000_000n;
export const COINBASE_MATURITY_BLOCKS = 100;
const LOCKTIME_THRESHOLD = 500_000_000;
const SEQUENCE_FINAL = 0xffffffff;
const SEQUENCE_LOCKTIME_DISABLE_FLAG = 0x80000000;
const SEQUENCE_LOCKTIME_TYPE_FLAG = 1 << 22;
const SEQUENCE_LOCKTIME_MASK = 0x0000ffff;
const SEQUENCE_LOCKTIME_GRANULARITY = 9;

/** Core's IsFinalTx. For the mempool: the next block's height and the tip's MTP (BIP113). */
export function isFinalTx(tx: Transaction, height: number, timeS: number): boolean {
  if (tx.locktime === 0) return true;
  if (tx.locktime < (tx.locktime < LOCKTIME_THRESHOLD ? height : timeS)) return true;
  return tx.vin.every((i) => i.sequence === SEQUENCE_FINAL);
}

/**
 * BIP68 (Core's CalculateSequenceLocks) for a transaction in the next block. `coinHeights[i]` is
 * input i's coin height (tip + 1 for a mempool parent); `mtpAt(h)` the MTP of block h.
 */
export function calculateSequenceLocks(
  tx: Transaction,
  coinHeights: readonly number[],
  mtpAt: (height: number) => number,
): LockPoints {
  let minHeight = -1;
  let minTime = -1;
  if (tx.version < 2) return { minHeight, minTime };
  tx.vin.forEach((input, i) => {
    const seq = input.sequence;
    if ((seq & SEQUENCE_LOCKTIME_DISABLE_FLAG) !== 0) return;
    const coinHeight = coinHeights[i]!;
    if ((seq & SEQUENCE_LOCKTIME_TYPE_FLAG) !== 0) {
      const coinTime = mtpAt(Math.max(coinHeight - 1, 0));
      const lock = (seq & SEQUENCE_LOCKTIME_MASK) * 2 ** SEQUENCE_LOCKTIME_GRANULARITY;
      minTime = Math.max(minTime, coinTime + lock - 1);
    } else {
      minHeight = Math.max(minHeight, coinHeight + (seq & SEQUENCE_LOCKTIME_MASK) - 1);
    }
  });
  return { minHeight, minTime };
}

/** Core's EvaluateSequenceLocks for a block at `height` whose parent has MTP `prevMtp`. */
export function sequenceLocksSatisfied(lp: LockPoints, height: number, prevMtp: number): boolean {
  return !(lp.minHeight >= height || lp.minTime >= prevMtp);
}

/**
 * Core's Consensus::CheckTxInputs with every coin found: coinbase maturity, value ranges, and
 * inputs covering outputs. Returns the fee.
 */
export function checkTxInputs(
  tx: Transaction,
  coins: readonly MempoolCoin[],
  spendHeight: number,
): bigint | TxRejection {
  let valueIn = 0n;
  for (const c of coins) {
    if (c.isCoinbase && spendHeight - c.height < COINBASE_MATURITY_BLOCKS) {
      return reject(
        'premature-spend',
        'bad-txns-premature-spend-of-coinbase',
        `tried to spend coinbase at depth ${spendHeight - c.height}`,
      );
    }
    valueIn += c.out.value;
    if (c.out.value < 0n || c.out.value > MAX_MONEY_SATS || valueIn > MAX_MONEY_SATS) {
      return reject('consensus', 'bad-txns-inputvalues-outofrange');
    }
  }
  let valueOut = 0n;
  for (const o of tx.vout) valueOut += o.value;
  if (valueIn < valueOut) {
    return reject(
      'consensus',
      'bad-txns-in-belowout',
      `value in (${formatMoney(valueIn)}) < value out (${formatMoney(valueOut)})`,
    );
  }
  const fee = valueIn - valueOut;
  if (fee > MAX_MONEY_SATS) return reject('consensus', 'bad-txns-fee-outofrange');
  return fee;
}
