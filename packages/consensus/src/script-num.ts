/**
 * CScriptNum-style number encoding and a small script builder, as Core's `CScript::operator<<`.
 * Numbers are minimal little-endian sign-magnitude (the sign lives in the top bit of the last
 * byte). BIP34 puts the block height in the coinbase scriptSig with exactly this encoding.
 */
import { concatBytes } from './bytes.js';
import { OP } from './script/opcodes.js';

/** Minimal sign-magnitude encoding of `n` (empty for zero), as Core's `CScriptNum::serialize`. */
export function encodeScriptNum(n: number | bigint): Uint8Array {
  let v = BigInt(n);
  if (v === 0n) return new Uint8Array(0);
  const negative = v < 0n;
  if (negative) v = -v;
  const out: number[] = [];
  while (v > 0n) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  // The top bit of the last byte is the sign; if the magnitude already uses it, add a byte.
  if (out[out.length - 1]! & 0x80) out.push(negative ? 0x80 : 0x00);
  else if (negative) out[out.length - 1]! |= 0x80;
  return Uint8Array.from(out);
}

/** Decodes a sign-magnitude number (no minimality or size checks: the interpreter owns those). */
export function decodeScriptNum(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  const last = bytes[bytes.length - 1]!;
  if (last & 0x80) {
    const mask = 0x80n << BigInt(8 * (bytes.length - 1));
    return -(v & ~mask);
  }
  return v;
}

/** The push of `data` with the smallest push opcode (Core's `CScript << std::vector`). */
export function pushData(data: Uint8Array): Uint8Array {
  const n = data.length;
  let prefix: number[];
  if (n < OP.PUSHDATA1) prefix = [n];
  else if (n <= 0xff) prefix = [OP.PUSHDATA1, n];
  else if (n <= 0xffff) prefix = [OP.PUSHDATA2, n & 0xff, n >> 8];
  else prefix = [OP.PUSHDATA4, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
  return concatBytes(Uint8Array.from(prefix), data);
}

/**
 * A number push as Core's `CScript << int64` (`push_int64`): -1 and 0..16 become OP_1NEGATE,
 * OP_0, OP_1..OP_16; anything else is a data push of its CScriptNum encoding. The BIP34
 * coinbase height is written this way.
 */
export function pushScriptNumber(n: number | bigint): Uint8Array {
  const v = BigInt(n);
  if (v === -1n) return Uint8Array.of(OP['1NEGATE']);
  if (v === 0n) return Uint8Array.of(OP['0']);
  if (v >= 1n && v <= 16n) return Uint8Array.of(OP['1'] + Number(v) - 1);
  return pushData(encodeScriptNum(v));
}

/** One element of a script being built: an opcode, raw data to push, or a number to push. */
export type ScriptElement = number | Uint8Array | { num: number | bigint };

/**
 * Serializes a script from opcodes (plain numbers), data pushes (byte arrays, minimal push
 * opcode) and numbers (`{num}`, as `pushScriptNumber`).
 */
export function buildScript(elements: readonly ScriptElement[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of elements) {
    if (typeof e === 'number') {
      if (!Number.isInteger(e) || e < 0 || e > 0xff) throw new RangeError(`opcode: ${e}`);
      parts.push(Uint8Array.of(e));
    } else if (e instanceof Uint8Array) parts.push(pushData(e));
    else parts.push(pushScriptNumber(e.num));
  }
  return concatBytes(...parts);
}
