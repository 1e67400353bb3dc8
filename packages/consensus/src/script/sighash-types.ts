/** Signature hash types (Core's script/interpreter.h). */
export const SIGHASH_ALL = 1;
export const SIGHASH_NONE = 2;
export const SIGHASH_SINGLE = 3;
export const SIGHASH_ANYONECANPAY = 0x80;
/** BIP341: a 64-byte Schnorr signature without a hash type byte means ALL over all of it. */
export const SIGHASH_DEFAULT = 0;
export const SIGHASH_OUTPUT_MASK = 3;
export const SIGHASH_INPUT_MASK = 0x80;

/** Which rules a script runs under (Core's SigVersion). */
export const SigVersion = {
  BASE: 0,
  WITNESS_V0: 1,
  TAPROOT: 2,
  TAPSCRIPT: 3,
} as const;
export type SigVersion = (typeof SigVersion)[keyof typeof SigVersion];
