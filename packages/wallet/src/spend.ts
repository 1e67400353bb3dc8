/**
 * Core's CreateTransaction, small: pick a fee rate, select coins (largest-first, see
 * coin-selection.ts), add change at a random position, shuffle the inputs, set the
 * anti-fee-sniping locktime, and sign. Every failure is a CreateTxError with Core's message;
 * the RPCs report it as RPC_WALLET_INSUFFICIENT_FUNDS (-6), as Core's SendMoney does.
 */
import {
  getWitnessProgram,
  OutPoint,
  Transaction,
  type TxIn,
  type TxOut,
} from '@bitcoind-lite/consensus';
import { randomInt, type Random } from '@bitcoind-lite/entropy';
import { feeAt, outputWeight, selectCoinsLargestFirst } from './coin-selection.js';
import { signTransaction } from './sign.js';
import type { Wallet } from './wallet.js';

export class CreateTxError extends Error {
  override readonly name = 'CreateTxError';
}

export interface Recipient {
  scriptPubKey: Uint8Array;
  amountSats: bigint;
  subtractFee: boolean;
}

export interface FeeOptions {
  /** An explicit rate (the RPCs' fee_rate, converted to sat/kvB). */
  feeRateSatPerKvB?: bigint;
  confTarget: number;
  /** -fallbackfee in sat/kvB; 0 disables it (Core's default). */
  fallbackFeeSatPerKvB: bigint;
  /** -mintxfee in sat/kvB (Core's default 1000). */
  minTxFeeSatPerKvB: bigint;
  /** -maxtxfee in sats (Core's default 0.1 BTC). */
  maxTxFeeSats: bigint;
}

export interface CreateTxOptions extends FeeOptions {
  replaceable: boolean;
  random: Random;
}

export interface CreatedTx {
  tx: Transaction;
  feeSats: bigint;
  /** -1 without change. */
  changePos: number;
}

function formatSatPerVb(satPerKvB: bigint): string {
  return `${(Number(satPerKvB) / 1000).toFixed(3)} sat/vB`;
}

/** Core's GetMinimumFeeRate: explicit rate, else the estimate, else -fallbackfee; never below the floors. */
export function chooseFeeRate(
  wallet: Wallet,
  o: FeeOptions,
  minRelaySatPerKvB: bigint,
  estimate: bigint | undefined,
): bigint {
  const floor = o.minTxFeeSatPerKvB > minRelaySatPerKvB ? o.minTxFeeSatPerKvB : minRelaySatPerKvB;
  if (o.feeRateSatPerKvB !== undefined) {
    if (o.feeRateSatPerKvB < floor) {
      throw new CreateTxError(
        `Fee rate (${formatSatPerVb(o.feeRateSatPerKvB)}) is lower than the minimum fee rate setting (${formatSatPerVb(floor)})`,
      );
    }
    return o.feeRateSatPerKvB;
  }
  let rate = estimate;
  if (rate === undefined || rate === 0n) {
    if (o.fallbackFeeSatPerKvB === 0n) {
      throw new CreateTxError(
        'Fee estimation failed. Fallbackfee is disabled. Wait a few blocks or enable -fallbackfee.',
      );
    }
    rate = o.fallbackFeeSatPerKvB;
  }
  void wallet;
  return rate > floor ? rate : floor;
}

/** Core's GetDustThreshold at the default -dustrelayfee (3000 sat/kvB). */
export function dustThresholdSats(scriptPubKey: Uint8Array): bigint {
  const outSize = 8 + 1 + scriptPubKey.length;
  const spendSize = getWitnessProgram(scriptPubKey)
    ? 32 + 4 + 1 + Math.floor(107 / 4) + 4
    : 32 + 4 + 1 + 107 + 4;
  return feeAt(3000n, outSize + spendSize);
}

export async function createTransaction(
  wallet: Wallet,
  recipients: Recipient[],
  o: CreateTxOptions,
): Promise<CreatedTx> {
  if (recipients.length === 0)
    throw new CreateTxError('Transaction must have at least one recipient');
  const target = recipients.reduce((s, r) => s + r.amountSats, 0n);
  const nSubtract = recipients.filter((r) => r.subtractFee).length;
  const fees = walletFees(wallet);
  const feeRate = chooseFeeRate(wallet, o, fees.minRelay(), fees.estimate(o.confTarget));

  // Change goes to bech32m when a recipient is segwit v1+, else bech32 (Core's TransactionChangeType).
  const taprootRecipient = recipients.some(
    (r) => (getWitnessProgram(r.scriptPubKey)?.version ?? 0) >= 1,
  );
  const changeType = taprootRecipient ? 'tr' : 'wpkh';
  const changeLen = changeType === 'tr' ? 34 : 22;

  const coins = wallet.availableCoins();
  const sel = selectCoinsLargestFirst({
    coins,
    targetSats: target,
    recipientsWeight: recipients.reduce((w, r) => w + outputWeight(r.scriptPubKey.length), 0),
    nRecipients: recipients.length,
    changeScriptLength: changeLen,
    changeDustSats: changeType === 'tr' ? 330n : 294n,
    feeRateSatPerKvB: feeRate,
    subtractFee: nSubtract > 0,
  });
  if (sel === undefined) throw new CreateTxError('Insufficient funds');
  if (sel.feeSats > o.maxTxFeeSats) {
    throw new CreateTxError('Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)');
  }

  // Subtracted fees are split evenly; the first such recipient also pays the remainder.
  const outputs: TxOut[] = [];
  let firstSubtract = true;
  for (const r of recipients) {
    let value = r.amountSats;
    if (r.subtractFee) {
      value -= sel.recipientsPaySats / BigInt(nSubtract);
      if (firstSubtract) value -= sel.recipientsPaySats % BigInt(nSubtract);
      firstSubtract = false;
    }
    if (value < dustThresholdSats(r.scriptPubKey)) {
      throw new CreateTxError(
        r.subtractFee
          ? 'The transaction amount is too small to pay the fee'
          : 'Transaction amount too small',
      );
    }
    outputs.push({ value, scriptPubKey: r.scriptPubKey });
  }
  let changePos = -1;
  if (sel.changeSats > 0n) {
    const changeAddrScript = await wallet.reserveChangeScript(changeType);
    changePos = randomInt(o.random, outputs.length + 1);
    outputs.splice(changePos, 0, { value: sel.changeSats, scriptPubKey: changeAddrScript });
  }

  // Core shuffles the selected coins; locktime is the tip height (anti-fee-sniping).
  const chosen = [...sel.coins];
  for (let i = chosen.length - 1; i > 0; i--) {
    const j = randomInt(o.random, i + 1);
    [chosen[i], chosen[j]] = [chosen[j]!, chosen[i]!];
  }
  const sequence = o.replaceable ? 0xfffffffd : 0xfffffffe;
  const vin: TxIn[] = chosen.map((c) => ({
    prevout: new OutPoint(c.wtx.tx.txid(), c.vout),
    scriptSig: new Uint8Array(0),
    sequence,
    witness: [],
  }));
  const unsigned = new Transaction(2, vin, outputs, wallet.tipHeight());
  const signed = signTransaction(
    wallet,
    unsigned,
    chosen.map((c) => c.out),
  );
  if (!signed.complete) throw new CreateTxError('Signing transaction failed');
  return { tx: signed.tx, feeSats: sel.feeSats, changePos };
}

function walletFees(wallet: Wallet): {
  minRelay(): bigint;
  estimate(t: number): bigint | undefined;
} {
  return wallet.feePolicy();
}
