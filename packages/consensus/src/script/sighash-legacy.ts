/**
 * The original signature hash (Core's SignatureHash for SigVersion::BASE): a modified copy of
 * the transaction, with the scriptCode (OP_CODESEPARATORs removed) in the signing input, hashed
 * with the 32-bit hash type appended.
 */
import { sha256d } from '../hash.js';
import { BufferWriter } from '../serialize.js';
import type { Transaction } from '../transaction.js';
import { OP } from './opcodes.js';
import { readScriptOp, type ScriptOp } from './script-reader.js';
import { SIGHASH_ANYONECANPAY, SIGHASH_NONE, SIGHASH_SINGLE } from './sighash-types.js';

/**
 * Core returns the number 1 (as a uint256) instead of failing when the input index is out of
 * range or SIGHASH_SINGLE has no matching output: the "SIGHASH_SINGLE bug" that signatures on
 * mainnet rely on.
 */
const ONE = (() => {
  const b = new Uint8Array(32);
  b[0] = 1;
  return b;
})();

/**
 * @param scriptCode the script from the last executed OP_CODESEPARATOR, after FindAndDelete
 * @param hashType the full 32-bit value (signed or not); only the low 5 bits and 0x80 select
 */
export function legacySignatureHash(
  scriptCode: Uint8Array,
  tx: Transaction,
  inputIndex: number,
  hashType: number,
): Uint8Array {
  if (inputIndex >= tx.vin.length) return ONE.slice();
  const base = hashType & 0x1f;
  const anyoneCanPay = (hashType & SIGHASH_ANYONECANPAY) !== 0;
  const hashNone = base === SIGHASH_NONE;
  const hashSingle = base === SIGHASH_SINGLE;
  if (hashSingle && inputIndex >= tx.vout.length) return ONE.slice();

  const w = new BufferWriter(256 + scriptCode.length);
  w.u32(tx.version);
  const inputs = anyoneCanPay ? [inputIndex] : tx.vin.map((_, i) => i);
  w.compactSize(inputs.length);
  for (const i of inputs) {
    const txin = tx.vin[i]!;
    txin.prevout.serialize(w);
    if (i === inputIndex) writeScriptCode(w, scriptCode);
    else w.compactSize(0);
    w.u32(i !== inputIndex && (hashNone || hashSingle) ? 0 : txin.sequence);
  }
  const nOutputs = hashNone ? 0 : hashSingle ? inputIndex + 1 : tx.vout.length;
  w.compactSize(nOutputs);
  for (let i = 0; i < nOutputs; i++) {
    if (hashSingle && i !== inputIndex) {
      // Outputs before the signed one are blanked: value -1, empty script.
      w.i64(-1n).compactSize(0);
    } else {
      const o = tx.vout[i]!;
      w.i64(o.value).varBytes(o.scriptPubKey);
    }
  }
  w.u32(tx.locktime);
  w.u32(hashType >>> 0);
  return sha256d(w.toBytes());
}

/**
 * Core's SerializeScriptCode: the length counts every byte except OP_CODESEPARATORs, while the
 * bytes written stop where the opcode parser stopped; for a script ending in a truncated push
 * the two differ, and Core hashes exactly that.
 */
function writeScriptCode(w: BufferWriter, script: Uint8Array): void {
  const op: ScriptOp = { opcode: 0, data: undefined };
  let separators = 0;
  let pc = 0;
  for (;;) {
    const next = readScriptOp(script, pc, op);
    if (next < 0) break;
    if (op.opcode === OP.CODESEPARATOR) separators++;
    pc = next;
  }
  w.compactSize(script.length - separators);
  let begin = 0;
  pc = 0;
  for (;;) {
    const next = readScriptOp(script, pc, op);
    if (next < 0) {
      pc = stopPosition(script, pc);
      break;
    }
    pc = next;
    if (op.opcode === OP.CODESEPARATOR) {
      w.bytes(script.subarray(begin, pc - 1));
      begin = pc;
    }
  }
  if (begin !== script.length) w.bytes(script.subarray(begin, pc));
}

/** Where Core's GetScriptOp leaves its iterator when it fails at `pc`. */
function stopPosition(script: Uint8Array, pc: number): number {
  const end = script.length;
  if (pc >= end) return pc;
  const opcode = script[pc++]!;
  if (opcode < OP.PUSHDATA1 || opcode > OP.PUSHDATA4) return pc;
  const lenBytes = opcode === OP.PUSHDATA1 ? 1 : opcode === OP.PUSHDATA2 ? 2 : 4;
  return end - pc < lenBytes ? pc : pc + lenBytes;
}
