/** Largest-first selection and the fee arithmetic it rests on (weights per BIP141). */
import { describe, expect, it } from 'vitest';
import {
  feeAt,
  inputWeight,
  outputWeight,
  selectCoinsLargestFirst,
  txOverheadWeight,
  vsizeOf,
} from '../src/coin-selection.js';
import type { WalletOutput } from '../src/wallet.js';

function coin(value: bigint): WalletOutput {
  return {
    out: { value, scriptPubKey: new Uint8Array(22) },
    script: { slot: { record: { type: 'wpkh' } } },
  } as unknown as WalletOutput;
}

const base = {
  recipientsWeight: outputWeight(22),
  nRecipients: 1,
  changeScriptLength: 22,
  changeDustSats: 294n,
  feeRateSatPerKvB: 10_000n,
  subtractFee: false,
};

describe('coin selection (largest-first)', () => {
  it('a 1-in 2-out P2WPKH transaction is 141 vbytes', () => {
    const w = txOverheadWeight(1, 2) + inputWeight('wpkh') + 2 * outputWeight(22);
    expect(vsizeOf(w)).toBe(141);
    expect(feeAt(1000n, 141)).toBe(141n);
    expect(feeAt(1500n, 141)).toBe(212n); // rounded up, as CFeeRate::GetFee
  });

  it('takes the largest coins first and returns change', () => {
    const s = selectCoinsLargestFirst({
      ...base,
      coins: [coin(10_000n), coin(90_000n), coin(50_000n)],
      targetSats: 100_000n,
    });
    expect(s!.coins.map((c) => c.out.value)).toEqual([90_000n, 50_000n]);
    expect(s!.changeSats + s!.feeSats + 100_000n).toBe(140_000n);
    expect(s!.feeSats).toBe(feeAt(10_000n, s!.vsize));
  });

  it('leaves change under the dust threshold to the fee', () => {
    const fee = feeAt(
      10_000n,
      vsizeOf(txOverheadWeight(1, 1) + inputWeight('wpkh') + outputWeight(22)),
    );
    const s = selectCoinsLargestFirst({
      ...base,
      coins: [coin(100_000n + fee + 100n)],
      targetSats: 100_000n,
    });
    expect(s!.changeSats).toBe(0n);
    expect(s!.feeSats).toBe(fee + 100n);
  });

  it('subtracting the fee: the recipients pay it, change is the rest', () => {
    const s = selectCoinsLargestFirst({
      ...base,
      subtractFee: true,
      coins: [coin(150_000n)],
      targetSats: 100_000n,
    });
    expect(s!.changeSats).toBe(50_000n);
    expect(s!.recipientsPaySats).toBe(s!.feeSats);
  });

  it('undefined when the coins cannot cover amount and fee', () => {
    expect(
      selectCoinsLargestFirst({ ...base, coins: [coin(100_000n)], targetSats: 100_000n }),
    ).toBeUndefined();
  });
});
