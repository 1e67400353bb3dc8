/**
 * What the interpreter asks of the transaction it runs in (Core's BaseSignatureChecker /
 * TransactionSignatureChecker): signature checks over the right signature hash, and the
 * lock-time comparisons of CHECKLOCKTIMEVERIFY (BIP65) and CHECKSEQUENCEVERIFY (BIP112).
 */
import type { Transaction } from '../transaction.js';
import type { PrecomputedTransactionData } from './precomputed-transaction-data.js';
import { fail } from './script-error.js';
import { normalizePubKey, parseDerLax } from './signature-encoding.js';
import type { SignatureVerifier } from './signature-verifier.js';
import { legacySignatureHash } from './sighash-legacy.js';
import { SIGHASH_DEFAULT, SigVersion } from './sighash-types.js';
import { taprootSignatureHash, type TaprootExecData } from './sighash-taproot.js';
import { witnessV0SignatureHash } from './sighash-witness-v0.js';

/** Per-execution state of a witness spend (Core's ScriptExecutionData). */
export interface ScriptExecutionData extends TaprootExecData {
  /** BIP342 signature-operation budget left; only meaningful in tapscript. */
  validationWeightLeft: number;
}

export interface SignatureChecker {
  /** ECDSA with the hash type byte still on `sig`; false for any failure. */
  checkEcdsaSignature(
    sig: Uint8Array,
    pubkey: Uint8Array,
    scriptCode: Uint8Array,
    sigversion: SigVersion,
  ): boolean;
  /** BIP340/341/342: throws the script error (SCHNORR_SIG_SIZE, ..._HASHTYPE, SCHNORR_SIG). */
  checkSchnorrSignature(
    sig: Uint8Array,
    pubkey: Uint8Array,
    sigversion: SigVersion,
    exec: ScriptExecutionData,
  ): void;
  checkLockTime(lockTime: number): boolean;
  checkSequence(sequence: number): boolean;
}

/** Core's LOCKTIME_THRESHOLD: below it nLockTime is a height, at or above a Unix time. */
export const LOCKTIME_THRESHOLD = 500_000_000;
export const SEQUENCE_LOCKTIME_DISABLE_FLAG = 0x80000000;
export const SEQUENCE_LOCKTIME_TYPE_FLAG = 1 << 22;
export const SEQUENCE_LOCKTIME_MASK = 0x0000ffff;

/** A checker that fails every signature (for sigop-only or signature-free evaluation). */
export const NO_SIGNATURES: SignatureChecker = {
  checkEcdsaSignature: () => false,
  checkSchnorrSignature: () => fail('SCHNORR_SIG'),
  checkLockTime: () => false,
  checkSequence: () => false,
};

export class TransactionSignatureChecker implements SignatureChecker {
  constructor(
    private readonly tx: Transaction,
    private readonly inputIndex: number,
    private readonly amountSats: bigint,
    private readonly txdata: PrecomputedTransactionData,
    private readonly verifier: SignatureVerifier,
  ) {}

  checkEcdsaSignature(
    sigIn: Uint8Array,
    pubkeyIn: Uint8Array,
    scriptCode: Uint8Array,
    sigversion: SigVersion,
  ): boolean {
    const pubkey = normalizePubKey(pubkeyIn);
    if (pubkey === undefined) return false;
    if (sigIn.length === 0) return false;
    const hashType = sigIn[sigIn.length - 1]!;
    const compact = parseDerLax(sigIn.subarray(0, sigIn.length - 1));
    if (compact === undefined || isZeroScalar(compact, 0) || isZeroScalar(compact, 32)) {
      return false;
    }
    const sighash =
      sigversion === SigVersion.WITNESS_V0
        ? witnessV0SignatureHash(
            scriptCode,
            this.tx,
            this.inputIndex,
            hashType,
            this.amountSats,
            this.txdata,
          )
        : legacySignatureHash(scriptCode, this.tx, this.inputIndex, hashType);
    return this.verifier.verifyEcdsa(compact, sighash, pubkey);
  }

  checkSchnorrSignature(
    sigIn: Uint8Array,
    pubkey: Uint8Array,
    sigversion: SigVersion,
    exec: ScriptExecutionData,
  ): void {
    let sig = sigIn;
    let hashType = SIGHASH_DEFAULT;
    if (sig.length !== 64 && sig.length !== 65) fail('SCHNORR_SIG_SIZE');
    if (sig.length === 65) {
      hashType = sig[64]!;
      sig = sig.subarray(0, 64);
      // An explicit 0x00 would make a second valid encoding of the default; BIP341 forbids it.
      if (hashType === SIGHASH_DEFAULT) fail('SCHNORR_SIG_HASHTYPE');
    }
    const sighash = taprootSignatureHash(
      this.tx,
      this.inputIndex,
      hashType,
      sigversion as typeof SigVersion.TAPROOT | typeof SigVersion.TAPSCRIPT,
      this.txdata,
      exec,
    );
    if (sighash === undefined) fail('SCHNORR_SIG_HASHTYPE');
    if (!this.verifier.verifySchnorr(sig, sighash, pubkey)) fail('SCHNORR_SIG');
  }

  checkLockTime(lockTime: number): boolean {
    const txLockTime = this.tx.locktime;
    // Both must be heights or both times (BIP65).
    const sameKind =
      (txLockTime < LOCKTIME_THRESHOLD && lockTime < LOCKTIME_THRESHOLD) ||
      (txLockTime >= LOCKTIME_THRESHOLD && lockTime >= LOCKTIME_THRESHOLD);
    if (!sameKind) return false;
    if (lockTime > txLockTime) return false;
    // A final input would let nLockTime be bypassed, so the opcode requires a non-final one.
    if (this.tx.vin[this.inputIndex]!.sequence === 0xffffffff) return false;
    return true;
  }

  checkSequence(sequence: number): boolean {
    const txSequence = this.tx.vin[this.inputIndex]!.sequence;
    // BIP68 applies from version 2; the version is compared unsigned, as Core does, so a
    // "negative" version (high bit set) counts as >= 2.
    if (this.tx.version >>> 0 < 2) return false;
    if ((txSequence & SEQUENCE_LOCKTIME_DISABLE_FLAG) !== 0) return false;
    const mask = SEQUENCE_LOCKTIME_TYPE_FLAG | SEQUENCE_LOCKTIME_MASK;
    const txMasked = txSequence & mask;
    const masked = sequence & mask;
    const sameKind =
      (txMasked < SEQUENCE_LOCKTIME_TYPE_FLAG && masked < SEQUENCE_LOCKTIME_TYPE_FLAG) ||
      (txMasked >= SEQUENCE_LOCKTIME_TYPE_FLAG && masked >= SEQUENCE_LOCKTIME_TYPE_FLAG);
    if (!sameKind) return false;
    return masked <= txMasked;
  }
}

function isZeroScalar(b: Uint8Array, at: number): boolean {
  for (let i = at; i < at + 32; i++) if (b[i] !== 0) return false;
  return true;
}
