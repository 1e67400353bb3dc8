/**
 * Amounts at the RPC boundary, as Core's rpc/util (AmountFromValue) and core_write
 * (ValueFromAmount): satoshis inside, exact 8-decimal numbers on the wire.
 */
import { JsonNumber, type RawJson } from './json.js';
import { RPC_TYPE_ERROR, RpcError } from './protocol.js';

export const COIN_SATS = 100_000_000n;
/** Core's MAX_MONEY (consensus/amount.h). */
export const MAX_MONEY_SATS = 21_000_000n * COIN_SATS;

export function moneyRange(sats: bigint): boolean {
  return sats >= 0n && sats <= MAX_MONEY_SATS;
}

/** A result value printed as an exact decimal JSON number: `50.00000000`. */
export class Amount implements RawJson {
  constructor(readonly sats: bigint) {}

  toJsonText(): string {
    const neg = this.sats < 0n;
    const abs = neg ? -this.sats : this.sats;
    const frac = (abs % COIN_SATS).toString().padStart(8, '0');
    return `${neg ? '-' : ''}${abs / COIN_SATS}.${frac}`;
  }

  /** For code that reads results in-process (tests, JSON.stringify): the JS number. */
  toJSON(): number {
    return Number(this.toJsonText());
  }
}

/** Core's ValueFromAmount. */
export function ValueFromAmount(sats: bigint): Amount {
  return new Amount(sats);
}

/** Core's ParseFixedPoint's mantissa bound: the largest 18-digit decimal. */
const UPPER_BOUND = 10n ** 18n - 1n;

/**
 * Core's ParseFixedPoint: a JSON-number-shaped decimal (optional `-`, digits, optional fraction,
 * optional exponent) as an integer scaled by 10^decimals; undefined when it is malformed, has
 * more precision than `decimals`, or leaves the 18-digit range.
 */
export function parseFixedPoint(text: string, decimals: number): bigint | undefined {
  const m = /^(-)?(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([+-])?([0-9]+))?$/.exec(text);
  if (m === null) return undefined;
  const [, sign, intPart = '', fracPart = '', expSign, expDigits] = m;
  let exponent = 0n;
  if (expDigits !== undefined) {
    // Core refuses exponents that would overflow while being read.
    if (expDigits.replace(/^0+/, '').length > 18) return undefined;
    exponent = BigInt(expDigits);
    if (expSign === '-') exponent = -exponent;
  }
  // Core reads a lone leading 0 without counting it, counts trailing zeros of the digits into
  // the exponent (mantissa_tzeros), and keeps the rest as the mantissa.
  const all = (intPart === '0' ? '' : intPart) + fracPart;
  const stripped = all.replace(/0+$/, '');
  exponent += BigInt(all.length - stripped.length) - BigInt(fracPart.length) + BigInt(decimals);
  const digits = stripped.replace(/^0+/, '');
  if (digits.length > 18) return undefined;
  let mantissa = digits === '' ? 0n : BigInt(digits);
  if (exponent < 0n || exponent >= 18n) return undefined;
  mantissa *= 10n ** exponent;
  if (mantissa > UPPER_BOUND) return undefined;
  return sign === '-' ? -mantissa : mantissa;
}

/**
 * Core's AmountFromValue: a JSON number or string to satoshis, with Core's errors (all -3):
 * "Amount is not a number or string", "Invalid amount", "Amount out of range".
 */
export function AmountFromValue(value: unknown, decimals = 8): bigint {
  let text: string;
  if (value instanceof JsonNumber) text = value.text;
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else if (typeof value === 'bigint') text = value.toString();
  else throw new RpcError(RPC_TYPE_ERROR, 'Amount is not a number or string');
  const sats = parseFixedPoint(text, decimals);
  if (sats === undefined) throw new RpcError(RPC_TYPE_ERROR, 'Invalid amount');
  if (!moneyRange(sats)) throw new RpcError(RPC_TYPE_ERROR, 'Amount out of range');
  return sats;
}
