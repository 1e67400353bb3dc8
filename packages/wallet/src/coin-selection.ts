/**
 * Coin selection, deliberately simple: largest-first. Coins are taken from the largest down
 * until they cover the amount plus the fee for the inputs taken so far; the leftover becomes
 * change unless it is below the change output's dust threshold, in which case it goes to the
 * fee (Core drops change under its cost_of_change the same way). Core instead runs Branch and
 * Bound, CoinGrinder, Knapsack and Single Random Draw and keeps the least wasteful result; this
 * spends more inputs than Core's would on large wallets, and never looks for an exact match.
 */
import type { WalletOutput } from './wallet.js';

/** Weight units of each input kind, signed (Core's CalculateMaximumSignedInputSize). */
export function inputWeight(type: 'wpkh' | 'tr'): number {
  // outpoint 36 + empty scriptSig length 1 + sequence 4 = 41 bytes, times 4; then the witness:
  // wpkh: count 1 + (1 + 72-byte max DER signature with hash type) + (1 + 33) = 108;
  // tr key path: count 1 + (1 + 64) = 66.
  return 41 * 4 + (type === 'wpkh' ? 108 : 66);
}

export function outputWeight(scriptPubKeyLength: number): number {
  return (8 + compactSizeLen(scriptPubKeyLength) + scriptPubKeyLength) * 4;
}

function compactSizeLen(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : 5;
}

/** Version, locktime, input and output counts, plus the segwit marker and flag (2 WU). */
export function txOverheadWeight(nIn: number, nOut: number): number {
  return (8 + compactSizeLen(nIn) + compactSizeLen(nOut)) * 4 + 2;
}

export function vsizeOf(weight: number): number {
  return Math.ceil(weight / 4);
}

/** Core's CFeeRate::GetFee: rounded up. */
export function feeAt(satPerKvB: bigint, vsize: number): bigint {
  return (satPerKvB * BigInt(vsize) + 999n) / 1000n;
}

export interface SelectionInput {
  coins: WalletOutput[];
  /** Sum of the recipients' amounts. */
  targetSats: bigint;
  /** Weight of the recipients' outputs. */
  recipientsWeight: number;
  nRecipients: number;
  changeScriptLength: number;
  changeDustSats: bigint;
  feeRateSatPerKvB: bigint;
  /** The fee comes out of the recipients' amounts (subtractfeefromamount). */
  subtractFee: boolean;
}

export interface Selection {
  coins: WalletOutput[];
  /** The whole fee the transaction pays. */
  feeSats: bigint;
  /** With subtractFee: how much of the fee comes out of the recipients' amounts. */
  recipientsPaySats: bigint;
  /** 0n when there is no change output. */
  changeSats: bigint;
  vsize: number;
}

export function selectCoinsLargestFirst(s: SelectionInput): Selection | undefined {
  const sorted = [...s.coins].sort((a, b) =>
    a.out.value > b.out.value ? -1 : a.out.value < b.out.value ? 1 : 0,
  );
  const chosen: WalletOutput[] = [];
  let sum = 0n;
  let inWeight = 0;
  for (const c of sorted) {
    chosen.push(c);
    sum += c.out.value;
    inWeight += inputWeight(c.script.slot.record.type);
    const noChangeVsize = vsizeOf(
      txOverheadWeight(chosen.length, s.nRecipients) + inWeight + s.recipientsWeight,
    );
    const withChangeVsize = vsizeOf(
      txOverheadWeight(chosen.length, s.nRecipients + 1) +
        inWeight +
        s.recipientsWeight +
        outputWeight(s.changeScriptLength),
    );
    const feeNoChange = feeAt(s.feeRateSatPerKvB, noChangeVsize);
    const feeWithChange = feeAt(s.feeRateSatPerKvB, withChangeVsize);
    const need = s.subtractFee ? s.targetSats : s.targetSats + feeNoChange;
    if (sum < need) continue;
    const leftover = sum - s.targetSats;
    if (s.subtractFee) {
      // The recipients pay the fee; a leftover under the dust threshold goes to the fee too.
      if (leftover >= s.changeDustSats) {
        return {
          coins: chosen,
          feeSats: feeWithChange,
          recipientsPaySats: feeWithChange,
          changeSats: leftover,
          vsize: withChangeVsize,
        };
      }
      return {
        coins: chosen,
        feeSats: feeNoChange + leftover,
        recipientsPaySats: feeNoChange,
        changeSats: 0n,
        vsize: noChangeVsize,
      };
    }
    const change = leftover - feeWithChange;
    if (change >= s.changeDustSats) {
      return {
        coins: chosen,
        feeSats: feeWithChange,
        recipientsPaySats: 0n,
        changeSats: change,
        vsize: withChangeVsize,
      };
    }
    return {
      coins: chosen,
      feeSats: leftover,
      recipientsPaySats: 0n,
      changeSats: 0n,
      vsize: noChangeVsize,
    };
  }
  return undefined;
}
