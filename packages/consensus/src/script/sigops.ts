/**
 * Signature-operation counting for the block sigop limit (Core's GetSigOpCount,
 * GetLegacySigOpCount, GetP2SHSigOpCount, CountWitnessSigOps, GetTransactionSigOpCost).
 * Counting is static: it never runs the script and stops silently at a malformed push.
 */
import type { Transaction, TxOut } from '../transaction.js';
import { MAX_PUBKEYS_PER_MULTISIG } from './interpreter.js';
import { OP } from './opcodes.js';
import {
  getWitnessProgram,
  isPayToScriptHash,
  isPushOnly,
  readScriptOp,
  type ScriptOp,
} from './script-reader.js';
import { VERIFY } from './verify-flags.js';

export const WITNESS_SCALE_FACTOR = 4;

/**
 * Sigops in one script. Not `accurate` (legacy counting): every CHECKMULTISIG counts 20.
 * `accurate` (P2SH and witness scripts): a CHECKMULTISIG right after OP_1..OP_16 counts that n.
 */
export function getSigOpCount(script: Uint8Array, accurate: boolean): number {
  const op: ScriptOp = { opcode: 0, data: undefined };
  let n = 0;
  let last = OP.INVALIDOPCODE as number;
  let pc = 0;
  while (pc < script.length) {
    pc = readScriptOp(script, pc, op);
    if (pc < 0) break;
    const o = op.opcode;
    if (o === OP.CHECKSIG || o === OP.CHECKSIGVERIFY) n++;
    else if (o === OP.CHECKMULTISIG || o === OP.CHECKMULTISIGVERIFY) {
      n +=
        accurate && last >= OP['1'] && last <= OP['16']
          ? last - OP['1'] + 1
          : MAX_PUBKEYS_PER_MULTISIG;
    }
    last = o;
  }
  return n;
}

/** The last item a push-only scriptSig pushes (empty for OP_n), or undefined if not push-only. */
function lastPush(scriptSig: Uint8Array): Uint8Array | undefined {
  const op: ScriptOp = { opcode: 0, data: undefined };
  let data: Uint8Array = new Uint8Array(0);
  let pc = 0;
  while (pc < scriptSig.length) {
    pc = readScriptOp(scriptSig, pc, op);
    if (pc < 0) return undefined;
    if (op.opcode > OP['16']) return undefined;
    data = op.data ?? new Uint8Array(0);
  }
  return data;
}

/** Sigops of a P2SH spend: counted (accurately) in the redeem script the scriptSig pushes last. */
export function getP2shSigOpCount(scriptPubKey: Uint8Array, scriptSig: Uint8Array): number {
  if (!isPayToScriptHash(scriptPubKey)) return getSigOpCount(scriptPubKey, true);
  const redeem = lastPush(scriptSig);
  return redeem === undefined ? 0 : getSigOpCount(redeem, true);
}

function witnessSigOps(
  version: number,
  program: Uint8Array,
  witness: readonly Uint8Array[],
): number {
  if (version !== 0) return 0; // taproot uses the validation-weight budget instead (BIP342)
  if (program.length === 20) return 1;
  if (program.length === 32 && witness.length > 0) {
    return getSigOpCount(witness[witness.length - 1]!, true);
  }
  return 0;
}

/** Witness sigops of one input (BIP141), each costing 1 (legacy ones cost 4). */
export function countWitnessSigOps(
  scriptSig: Uint8Array,
  scriptPubKey: Uint8Array,
  witness: readonly Uint8Array[],
  flags: number,
): number {
  if ((flags & VERIFY.WITNESS) === 0) return 0;
  const wp = getWitnessProgram(scriptPubKey);
  if (wp !== undefined) return witnessSigOps(wp.version, wp.program, witness);
  if (isPayToScriptHash(scriptPubKey) && isPushOnly(scriptSig)) {
    const redeem = lastPush(scriptSig) ?? new Uint8Array(0);
    const inner = getWitnessProgram(redeem);
    if (inner !== undefined) return witnessSigOps(inner.version, inner.program, witness);
  }
  return 0;
}

/** Legacy (inaccurate) count over every scriptSig and scriptPubKey of a transaction. */
export function getLegacySigOpCount(tx: Transaction): number {
  let n = 0;
  for (const i of tx.vin) n += getSigOpCount(i.scriptSig, false);
  for (const o of tx.vout) n += getSigOpCount(o.scriptPubKey, false);
  return n;
}

/** P2SH sigops of a transaction; `spentOutputs[i]` is the output input i spends. */
export function getP2shSigOpCountForTx(tx: Transaction, spentOutputs: readonly TxOut[]): number {
  if (tx.isCoinbase()) return 0;
  let n = 0;
  tx.vin.forEach((txin, i) => {
    const spk = spentOutputs[i]!.scriptPubKey;
    if (isPayToScriptHash(spk)) n += getP2shSigOpCount(spk, txin.scriptSig);
  });
  return n;
}

/** Core's GetTransactionSigOpCost: legacy and P2SH sigops times 4, plus witness sigops. */
export function getTransactionSigOpCost(
  tx: Transaction,
  spentOutputs: readonly TxOut[],
  flags: number,
): number {
  let cost = getLegacySigOpCount(tx) * WITNESS_SCALE_FACTOR;
  if (tx.isCoinbase()) return cost;
  if ((flags & VERIFY.P2SH) !== 0) {
    cost += getP2shSigOpCountForTx(tx, spentOutputs) * WITNESS_SCALE_FACTOR;
  }
  tx.vin.forEach((txin, i) => {
    cost += countWitnessSigOps(txin.scriptSig, spentOutputs[i]!.scriptPubKey, txin.witness, flags);
  });
  return cost;
}
