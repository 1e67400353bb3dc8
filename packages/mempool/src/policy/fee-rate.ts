/**
 * A fee rate in satoshis per 1000 vbytes, as Core's CFeeRate. `getFee` rounds up (Core's
 * EvaluateFeeUp) and never returns zero for a positive rate and size, so a fee floor can always
 * be compared with `fee < rate.getFee(vsize)`.
 */
export class FeeRate {
  constructor(readonly satPerKvB: bigint) {}

  /** The rate a fee pays over `vsize` vbytes (Core's CFeeRate(fee, size), truncating). */
  static fromFee(feeSats: bigint, vsize: number): FeeRate {
    if (vsize <= 0) return new FeeRate(0n);
    return new FeeRate((feeSats * 1000n) / BigInt(vsize));
  }

  getFee(vsize: number): bigint {
    const size = BigInt(vsize);
    let fee = (this.satPerKvB * size + 999n) / 1000n;
    if (this.satPerKvB < 0n) fee = (this.satPerKvB * size) / 1000n;
    if (fee === 0n && size !== 0n) {
      if (this.satPerKvB > 0n) fee = 1n;
      if (this.satPerKvB < 0n) fee = -1n;
    }
    return fee;
  }

  /** Core's CFeeRate::ToString: "0.00001000 BTC/kvB". */
  toString(): string {
    return `${formatBtc(this.satPerKvB)} BTC/kvB`;
  }
}

/** Eight decimals, as Core prints fee rates and RPC amounts. */
export function formatBtc(sats: bigint): string {
  const neg = sats < 0n;
  const a = neg ? -sats : sats;
  return `${neg ? '-' : ''}${a / 100_000_000n}.${(a % 100_000_000n).toString().padStart(8, '0')}`;
}

/** Core's FormatMoney: at least two decimals, trailing zeros dropped beyond them. */
export function formatMoney(sats: bigint): string {
  let s = formatBtc(sats);
  while (s.endsWith('0') && s.length - s.indexOf('.') > 3) s = s.slice(0, -1);
  return s;
}
