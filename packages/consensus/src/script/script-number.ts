/**
 * Script numbers as the interpreter reads and writes them (Core's CScriptNum): little-endian
 * sign-magnitude, at most 4 bytes as an operand (5 for CHECKLOCKTIMEVERIFY/CHECKSEQUENCEVERIFY).
 * Results of arithmetic may exceed 4 bytes and are still pushed; they just cannot be read back.
 * Every value fits a JS number exactly (|n| < 2^40).
 */
import { fail } from './script-error.js';

export const DEFAULT_MAX_NUM_SIZE = 4;

/** Reads a stack element as a number; SCRIPTNUM when too long or (if required) not minimal. */
export function decodeScriptNumber(
  vch: Uint8Array,
  requireMinimal: boolean,
  maxSize = DEFAULT_MAX_NUM_SIZE,
): number {
  const n = vch.length;
  if (n > maxSize) fail('SCRIPTNUM');
  if (n === 0) return 0;
  if (requireMinimal && (vch[n - 1]! & 0x7f) === 0) {
    // A zero top byte is allowed only when it carries the sign for a byte whose high bit is set.
    if (n <= 1 || (vch[n - 2]! & 0x80) === 0) fail('SCRIPTNUM');
  }
  let result = 0;
  for (let i = 0; i < n; i++) result += vch[i]! * 2 ** (8 * i);
  if ((vch[n - 1]! & 0x80) !== 0) {
    result -= 0x80 * 2 ** (8 * (n - 1));
    return -result;
  }
  return result;
}

/** Minimal encoding of a number (empty for zero). */
export function encodeScriptNumber(value: number): Uint8Array {
  if (value === 0) return new Uint8Array(0);
  const neg = value < 0;
  let abs = Math.abs(value);
  const out: number[] = [];
  while (abs > 0) {
    out.push(abs % 256);
    abs = Math.floor(abs / 256);
  }
  if ((out[out.length - 1]! & 0x80) !== 0) out.push(neg ? 0x80 : 0);
  else if (neg) out[out.length - 1]! |= 0x80;
  return Uint8Array.from(out);
}

/** Core's CastToBool: false for all-zero bytes and for negative zero. */
export function castToBool(vch: Uint8Array): boolean {
  for (let i = 0; i < vch.length; i++) {
    if (vch[i] !== 0) return !(i === vch.length - 1 && vch[i] === 0x80);
  }
  return false;
}
