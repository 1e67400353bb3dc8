/** BIP341/342: the taproot signature hash (Core's SignatureHashSchnorr). */
import { sha256, taggedHash } from '../hash.js';
import { BufferWriter } from '../serialize.js';
import type { Transaction } from '../transaction.js';
import type { PrecomputedTransactionData } from './precomputed-transaction-data.js';
import {
  SIGHASH_ALL,
  SIGHASH_ANYONECANPAY,
  SIGHASH_DEFAULT,
  SIGHASH_INPUT_MASK,
  SIGHASH_OUTPUT_MASK,
  SIGHASH_SINGLE,
  SigVersion,
} from './sighash-types.js';

/** What the script path adds (BIP342) and whether an annex was present (BIP341). */
export interface TaprootExecData {
  /** SHA256(compactSize(annex) || annex), when the witness carries an annex. */
  annexHash: Uint8Array | undefined;
  /** Tapleaf hash of the executed script (script path only). */
  tapleafHash?: Uint8Array;
  /** Opcode position of the last executed OP_CODESEPARATOR, 0xffffffff if none. */
  codeSeparatorPos?: number;
}

/**
 * The BIP341 "SigMsg" (without the epoch byte and tag); undefined where Core's
 * SignatureHashSchnorr fails: an undefined hash type, or SINGLE without a matching output.
 */
export function taprootSigMsg(
  tx: Transaction,
  inputIndex: number,
  hashType: number,
  sigversion: typeof SigVersion.TAPROOT | typeof SigVersion.TAPSCRIPT,
  txdata: PrecomputedTransactionData,
  exec: TaprootExecData,
): Uint8Array | undefined {
  if (!(hashType <= 0x03 || (hashType >= 0x81 && hashType <= 0x83))) return undefined;
  const outputType = hashType === SIGHASH_DEFAULT ? SIGHASH_ALL : hashType & SIGHASH_OUTPUT_MASK;
  const inputType = hashType & SIGHASH_INPUT_MASK;
  const extFlag = sigversion === SigVersion.TAPSCRIPT ? 1 : 0;

  const w = new BufferWriter(256);
  w.u8(hashType).u32(tx.version).u32(tx.locktime);
  if (inputType !== SIGHASH_ANYONECANPAY) {
    w.bytes(txdata.prevoutsSingleHash());
    w.bytes(txdata.spentAmountsSingleHash());
    w.bytes(txdata.spentScriptsSingleHash());
    w.bytes(txdata.sequencesSingleHash());
  }
  if (outputType === SIGHASH_ALL) w.bytes(txdata.outputsSingleHash());
  const haveAnnex = exec.annexHash !== undefined;
  w.u8((extFlag << 1) + (haveAnnex ? 1 : 0));
  if (inputType === SIGHASH_ANYONECANPAY) {
    const txin = tx.vin[inputIndex]!;
    const spent = txdata.requireSpentOutputs()[inputIndex]!;
    txin.prevout.serialize(w);
    w.i64(spent.value).varBytes(spent.scriptPubKey).u32(txin.sequence);
  } else {
    w.u32(inputIndex);
  }
  if (exec.annexHash !== undefined) w.bytes(exec.annexHash);
  if (outputType === SIGHASH_SINGLE) {
    if (inputIndex >= tx.vout.length) return undefined;
    const o = tx.vout[inputIndex]!;
    const single = new BufferWriter().i64(o.value).varBytes(o.scriptPubKey).toBytes();
    w.bytes(sha256(single));
  }
  if (sigversion === SigVersion.TAPSCRIPT) {
    w.bytes(exec.tapleafHash!);
    w.u8(0); // key_version 0 (BIP342)
    w.u32(exec.codeSeparatorPos ?? 0xffffffff);
  }
  return w.toBytes();
}

/** TaggedHash("TapSighash", epoch 0 || SigMsg). */
export function taprootSignatureHash(
  tx: Transaction,
  inputIndex: number,
  hashType: number,
  sigversion: typeof SigVersion.TAPROOT | typeof SigVersion.TAPSCRIPT,
  txdata: PrecomputedTransactionData,
  exec: TaprootExecData,
): Uint8Array | undefined {
  const msg = taprootSigMsg(tx, inputIndex, hashType, sigversion, txdata, exec);
  if (msg === undefined) return undefined;
  return taggedHash('TapSighash', EPOCH, msg);
}

const EPOCH = new Uint8Array([0]);
