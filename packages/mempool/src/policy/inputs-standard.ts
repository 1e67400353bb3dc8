/**
 * Core's AreInputsStandard and IsWitnessStandard (policy/policy.cpp): rules on the outputs being
 * spent and on witness stacks, which need the spent coins and so run after the inputs are found.
 */
import { solveScript, type Transaction, type TxOut } from '@bitcoind-lite/consensus';
import {
  MAX_P2SH_SIGOPS,
  MAX_STANDARD_P2WSH_SCRIPT_SIZE_BYTES,
  MAX_STANDARD_P2WSH_STACK_ITEMS,
  MAX_STANDARD_P2WSH_STACK_ITEM_SIZE_BYTES,
  MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE_BYTES,
} from './policy-constants.js';
import { getSigOpCount, isP2sh, pushOnlyStack, witnessProgramOf } from './script-helpers.js';

const ANNEX_TAG = 0x50;
const TAPROOT_LEAF_MASK = 0xfe;
const TAPROOT_LEAF_TAPSCRIPT = 0xc0;
const P2A = Uint8Array.of(0x51, 0x02, 0x4e, 0x73);

function isP2a(s: Uint8Array): boolean {
  return s.length === 4 && s.every((b, i) => b === P2A[i]);
}

/**
 * Spent outputs must be of a known type; witness_unknown outputs are anyone-can-spend today and
 * spending them is left to future soft forks. A P2SH redeem script may have at most 15 sigops.
 */
export function areInputsStandard(tx: Transaction, spent: readonly TxOut[]): boolean {
  if (tx.isCoinbase()) return true;
  for (let i = 0; i < tx.vin.length; i++) {
    const { type } = solveScript(spent[i]!.scriptPubKey);
    if (type === 'nonstandard' || type === 'witness_unknown') return false;
    if (type === 'scripthash') {
      const stack = pushOnlyStack(tx.vin[i]!.scriptSig);
      if (stack === undefined || stack.length === 0) return false;
      if (getSigOpCount(stack[stack.length - 1]!, true) > MAX_P2SH_SIGOPS) return false;
    }
  }
  return true;
}

/** Witness stacks within BIP141/BIP342 policy limits; no witness on non-witness spends. */
export function isWitnessStandard(tx: Transaction, spent: readonly TxOut[]): boolean {
  if (tx.isCoinbase()) return true;
  for (let i = 0; i < tx.vin.length; i++) {
    const witness = tx.vin[i]!.witness;
    if (witness.length === 0) continue;
    let prevScript = spent[i]!.scriptPubKey;
    // BIP433: a pay-to-anchor spend carries no witness.
    if (isP2a(prevScript)) return false;
    let p2sh = false;
    if (isP2sh(prevScript)) {
      const stack = pushOnlyStack(tx.vin[i]!.scriptSig);
      if (stack === undefined || stack.length === 0) return false;
      prevScript = stack[stack.length - 1]!;
      p2sh = true;
    }
    const wp = witnessProgramOf(prevScript);
    if (wp === undefined) return false;

    if (wp.version === 0 && wp.program.length === 32) {
      if (witness.length - 1 > MAX_STANDARD_P2WSH_STACK_ITEMS) return false;
      if (witness[witness.length - 1]!.length > MAX_STANDARD_P2WSH_SCRIPT_SIZE_BYTES) return false;
      for (let j = 0; j < witness.length - 1; j++) {
        if (witness[j]!.length > MAX_STANDARD_P2WSH_STACK_ITEM_SIZE_BYTES) return false;
      }
    }

    if (wp.version === 1 && wp.program.length === 32 && !p2sh) {
      let stack = witness;
      const last = stack[stack.length - 1]!;
      // BIP341 annexes are reserved for future use.
      if (stack.length >= 2 && last.length > 0 && last[0] === ANNEX_TAG) return false;
      if (stack.length >= 2) {
        const control = stack[stack.length - 1]!;
        if ((control[0]! & TAPROOT_LEAF_MASK) === TAPROOT_LEAF_TAPSCRIPT) {
          stack = stack.slice(0, -2);
          for (const item of stack) {
            if (item.length > MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE_BYTES) return false;
          }
        }
      } else if (stack.length !== 1) return false;
    }
  }
  return true;
}
