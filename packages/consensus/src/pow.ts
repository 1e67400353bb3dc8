/**
 * Proof of work arithmetic: compact "bits" <-> 256-bit target (Core's `arith_uint256::SetCompact`
 * / `GetCompact`), the work a target represents, and the hash-meets-target check.
 */
import { reverseBytes, toHex } from './bytes.js';

export interface DecodedCompact {
  target: bigint;
  negative: boolean;
  overflow: boolean;
}

/** SetCompact: mantissa in the low 23 bits, sign bit 0x00800000, base-256 exponent on top. */
export function decodeCompact(bits: number): DecodedCompact {
  const size = bits >>> 24;
  let word = BigInt(bits & 0x007fffff);
  let target: bigint;
  if (size <= 3) target = word >> BigInt(8 * (3 - size));
  else target = word << BigInt(8 * (size - 3));
  word = BigInt(bits & 0x007fffff);
  const negative = word !== 0n && (bits & 0x00800000) !== 0;
  const overflow =
    word !== 0n && (size > 34 || (word > 0xffn && size > 33) || (word > 0xffffn && size > 32));
  return { target: BigInt.asUintN(256, target), negative, overflow };
}

/** GetCompact: the canonical compact form of a non-negative target. */
export function encodeCompact(target: bigint): number {
  let size = Math.ceil(target.toString(16).replace(/^0+/, '').length / 2);
  if (target === 0n) size = 0;
  let compact: number;
  if (size <= 3) compact = Number(target << BigInt(8 * (3 - size)));
  else compact = Number(target >> BigInt(8 * (size - 3)));
  if (compact & 0x00800000) {
    compact >>>= 8;
    size++;
  }
  return ((compact | (size << 24)) >>> 0) as number;
}

/** Work represented by a target: 2^256 / (target + 1), Core's `GetBlockProof`. */
export function workFromBits(bits: number): bigint {
  const { target, negative, overflow } = decodeCompact(bits);
  if (negative || overflow || target === 0n) return 0n;
  return (1n << 256n) / (target + 1n);
}

/** A 32-byte hash in internal (little-endian) order as an integer. */
export function hashToBigInt(hash: Uint8Array): bigint {
  const hex = toHex(reverseBytes(hash));
  return hex.length === 0 ? 0n : BigInt('0x' + hex);
}

/**
 * Core's `CheckProofOfWorkImpl`: bits must decode to a positive, non-overflowing target no
 * easier than the network's powLimit, and the hash must not exceed it.
 */
export function checkProofOfWork(hash: Uint8Array, bits: number, powLimit: bigint): boolean {
  const { target, negative, overflow } = decodeCompact(bits);
  if (negative || overflow || target === 0n || target > powLimit) return false;
  return hashToBigInt(hash) <= target;
}

/** Chain work as Core prints it: 64 hex digits. */
export function workToHex(work: bigint): string {
  return work.toString(16).padStart(64, '0');
}
