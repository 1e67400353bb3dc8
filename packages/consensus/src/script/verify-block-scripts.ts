/**
 * Checking every input script of a block against the outputs it spends, without a UTXO set:
 * the spent outputs come from the caller (for example from undo data), in block order with the
 * coinbase skipped.
 */
import type { Block } from '../block.js';
import { BufferReader, DecodeError } from '../serialize.js';
import type { TxOut } from '../transaction.js';
import { PrecomputedTransactionData } from './precomputed-transaction-data.js';
import { decodeScriptNumber } from './script-number.js';
import { readScriptOp, type ScriptOp } from './script-reader.js';
import type { SignatureVerifier } from './signature-verifier.js';
import { verifyInput, type VerifyInputResult } from './verify-input.js';
import { OP } from './opcodes.js';

export interface InputVerification {
  txIndex: number;
  inputIndex: number;
  result: VerifyInputResult;
}

/** The spent-outputs file format: repeated (value i64 LE sats, CompactSize length, script). */
export function parseSpentOutputs(bytes: Uint8Array): TxOut[] {
  const r = new BufferReader(bytes);
  const out: TxOut[] = [];
  while (!r.end()) out.push({ value: r.i64(), scriptPubKey: r.varBytes().slice() });
  return out;
}

/** BIP34 height from the coinbase scriptSig's first push, or undefined when absent. */
export function coinbaseHeight(block: Block): number | undefined {
  const cb = block.txs[0];
  if (cb === undefined || cb.vin.length === 0) return undefined;
  const op: ScriptOp = { opcode: 0, data: undefined };
  if (readScriptOp(cb.vin[0]!.scriptSig, 0, op) < 0) return undefined;
  if (op.opcode >= OP['1'] && op.opcode <= OP['16']) return op.opcode - OP['1'] + 1;
  if (op.data === undefined || op.data.length === 0 || op.data.length > 5) return undefined;
  return decodeScriptNumber(op.data, false, 5);
}

/** Verifies every non-coinbase input; one entry per input, in block order. */
export function verifyBlockScripts(
  block: Block,
  spentOutputs: readonly TxOut[],
  flags: number,
  verifier?: SignatureVerifier,
): InputVerification[] {
  let expected = 0;
  for (const tx of block.txs.slice(1)) expected += tx.vin.length;
  if (spentOutputs.length !== expected) {
    throw new DecodeError(
      `spent outputs: block has ${expected} non-coinbase inputs, got ${spentOutputs.length} outputs`,
    );
  }
  const results: InputVerification[] = [];
  let k = 0;
  block.txs.forEach((tx, txIndex) => {
    if (txIndex === 0) return;
    const spent = spentOutputs.slice(k, k + tx.vin.length);
    k += tx.vin.length;
    const txdata = new PrecomputedTransactionData(tx, spent);
    for (let i = 0; i < tx.vin.length; i++) {
      const options = verifier === undefined ? { txdata } : { txdata, verifier };
      results.push({ txIndex, inputIndex: i, result: verifyInput(tx, i, spent, flags, options) });
    }
  });
  return results;
}
