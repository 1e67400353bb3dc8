/**
 * Core's VerifyScript: scriptSig then scriptPubKey on one stack, then P2SH (BIP16), segwit v0
 * (BIP141/143) and taproot (BIP341/342) on top.
 */
import { bytesEqual } from '../bytes.js';
import { sha256, taggedHash } from '../hash.js';
import { BufferWriter, compactSizeLength } from '../serialize.js';
import { evalScript, MAX_SCRIPT_ELEMENT_SIZE, MAX_STACK_SIZE } from './interpreter.js';
import { OP } from './opcodes.js';
import { fail, ScriptFailure, type ScriptErrorName } from './script-error.js';
import { castToBool } from './script-number.js';
import {
  getWitnessProgram,
  isOpSuccess,
  isPayToScriptHash,
  isPushOnly,
  readScriptOp,
  serializePush,
  type ScriptOp,
} from './script-reader.js';
import type { ScriptExecutionData, SignatureChecker } from './signature-checker.js';
import type { SignatureVerifier } from './signature-verifier.js';
import { SigVersion } from './sighash-types.js';
import { VERIFY } from './verify-flags.js';

export type ScriptResult = { ok: true } | { ok: false; error: ScriptErrorName };

export const ANNEX_TAG = 0x50;
export const TAPROOT_LEAF_MASK = 0xfe;
export const TAPROOT_LEAF_TAPSCRIPT = 0xc0;
export const TAPROOT_CONTROL_BASE_SIZE = 33;
export const TAPROOT_CONTROL_NODE_SIZE = 32;
export const TAPROOT_CONTROL_MAX_NODE_COUNT = 128;
export const TAPROOT_CONTROL_MAX_SIZE =
  TAPROOT_CONTROL_BASE_SIZE + TAPROOT_CONTROL_NODE_SIZE * TAPROOT_CONTROL_MAX_NODE_COUNT;
/** BIP342: the signature budget starts at the witness size plus 50. */
export const VALIDATION_WEIGHT_OFFSET = 50;

const OK: ScriptResult = { ok: true };

export function verifyScript(
  scriptSig: Uint8Array,
  scriptPubKey: Uint8Array,
  witness: readonly Uint8Array[],
  flags: number,
  checker: SignatureChecker,
  verifier: SignatureVerifier,
): ScriptResult {
  try {
    runVerifyScript(scriptSig, scriptPubKey, witness, flags, checker, verifier);
    return OK;
  } catch (e) {
    if (e instanceof ScriptFailure) return { ok: false, error: e.code };
    throw e;
  }
}

function newExecData(): ScriptExecutionData {
  return { annexHash: undefined, validationWeightLeft: 0 };
}

function runVerifyScript(
  scriptSig: Uint8Array,
  scriptPubKey: Uint8Array,
  witness: readonly Uint8Array[],
  flags: number,
  checker: SignatureChecker,
  verifier: SignatureVerifier,
): void {
  let hadWitness = false;
  if ((flags & VERIFY.SIGPUSHONLY) !== 0 && !isPushOnly(scriptSig)) fail('SIG_PUSHONLY');

  // Evaluated one after the other on the same stack, never concatenated (CVE-2010-5141).
  let stack: Uint8Array[] = [];
  evalScript(stack, scriptSig, flags, checker, SigVersion.BASE, newExecData());
  const stackCopy = (flags & VERIFY.P2SH) !== 0 ? stack.slice() : [];
  evalScript(stack, scriptPubKey, flags, checker, SigVersion.BASE, newExecData());
  if (stack.length === 0 || !castToBool(stack[stack.length - 1]!)) fail('EVAL_FALSE');

  if ((flags & VERIFY.WITNESS) !== 0) {
    const wp = getWitnessProgram(scriptPubKey);
    if (wp !== undefined) {
      hadWitness = true;
      // Any scriptSig would make the txid malleable.
      if (scriptSig.length !== 0) fail('WITNESS_MALLEATED');
      verifyWitnessProgram(witness, wp.version, wp.program, flags, checker, verifier, false);
      stack.length = 1;
    }
  }

  if ((flags & VERIFY.P2SH) !== 0 && isPayToScriptHash(scriptPubKey)) {
    if (!isPushOnly(scriptSig)) fail('SIG_PUSHONLY');
    stack = stackCopy;
    const redeemScript = stack.pop()!;
    evalScript(stack, redeemScript, flags, checker, SigVersion.BASE, newExecData());
    if (stack.length === 0 || !castToBool(stack[stack.length - 1]!)) fail('EVAL_FALSE');

    if ((flags & VERIFY.WITNESS) !== 0) {
      const wp = getWitnessProgram(redeemScript);
      if (wp !== undefined) {
        hadWitness = true;
        // The scriptSig must be exactly one push of the redeem script.
        if (!bytesEqual(scriptSig, serializePush(redeemScript))) fail('WITNESS_MALLEATED_P2SH');
        verifyWitnessProgram(witness, wp.version, wp.program, flags, checker, verifier, true);
        stack.length = 1;
      }
    }
  }

  // Only after P2SH and witness evaluation, whose inputs legitimately remain on the stack.
  if ((flags & VERIFY.CLEANSTACK) !== 0) {
    if ((flags & VERIFY.P2SH) === 0 || (flags & VERIFY.WITNESS) === 0) {
      throw new RangeError('script flags: CLEANSTACK requires P2SH and WITNESS');
    }
    if (stack.length !== 1) fail('CLEANSTACK');
  }

  if ((flags & VERIFY.WITNESS) !== 0) {
    if ((flags & VERIFY.P2SH) === 0) throw new RangeError('script flags: WITNESS requires P2SH');
    if (!hadWitness && witness.length > 0) fail('WITNESS_UNEXPECTED');
  }
}

function verifyWitnessProgram(
  witness: readonly Uint8Array[],
  version: number,
  program: Uint8Array,
  flags: number,
  checker: SignatureChecker,
  verifier: SignatureVerifier,
  isP2sh: boolean,
): void {
  const exec = newExecData();
  if (version === 0) {
    if (program.length === 32) {
      // P2WSH: the last witness item is the script, committed to by SHA256.
      if (witness.length === 0) fail('WITNESS_PROGRAM_WITNESS_EMPTY');
      const script = witness[witness.length - 1]!;
      if (!bytesEqual(sha256(script), program)) fail('WITNESS_PROGRAM_MISMATCH');
      executeWitnessScript(
        witness.slice(0, -1),
        script,
        flags,
        SigVersion.WITNESS_V0,
        checker,
        exec,
      );
      return;
    }
    if (program.length === 20) {
      // P2WPKH: exactly signature and key, run through the implied P2PKH script.
      if (witness.length !== 2) fail('WITNESS_PROGRAM_MISMATCH');
      const script = new Uint8Array(25);
      script.set([OP.DUP, OP.HASH160, 0x14], 0);
      script.set(program, 3);
      script.set([OP.EQUALVERIFY, OP.CHECKSIG], 23);
      executeWitnessScript(witness.slice(), script, flags, SigVersion.WITNESS_V0, checker, exec);
      return;
    }
    fail('WITNESS_PROGRAM_WRONG_LENGTH');
  }

  if (version === 1 && program.length === 32 && !isP2sh) {
    if ((flags & VERIFY.TAPROOT) === 0) return;
    let stack = witness.slice();
    if (stack.length === 0) fail('WITNESS_PROGRAM_WITNESS_EMPTY');
    const last = stack[stack.length - 1]!;
    if (stack.length >= 2 && last.length > 0 && last[0] === ANNEX_TAG) {
      // BIP341 annex: dropped from execution but committed to by every signature.
      const w = new BufferWriter(last.length + 9).varBytes(last);
      exec.annexHash = sha256(w.toBytes());
      stack = stack.slice(0, -1);
    }
    if (stack.length === 1) {
      checker.checkSchnorrSignature(stack[0]!, program, SigVersion.TAPROOT, exec);
      return;
    }
    const control = stack[stack.length - 1]!;
    const script = stack[stack.length - 2]!;
    stack = stack.slice(0, -2);
    if (
      control.length < TAPROOT_CONTROL_BASE_SIZE ||
      control.length > TAPROOT_CONTROL_MAX_SIZE ||
      (control.length - TAPROOT_CONTROL_BASE_SIZE) % TAPROOT_CONTROL_NODE_SIZE !== 0
    ) {
      fail('TAPROOT_WRONG_CONTROL_SIZE');
    }
    const leafVersion = control[0]! & TAPROOT_LEAF_MASK;
    exec.tapleafHash = computeTapleafHash(leafVersion, script);
    if (!verifyTaprootCommitment(control, program, exec.tapleafHash, verifier)) {
      fail('WITNESS_PROGRAM_MISMATCH');
    }
    if (leafVersion === TAPROOT_LEAF_TAPSCRIPT) {
      exec.validationWeightLeft = witnessSerializedSize(witness) + VALIDATION_WEIGHT_OFFSET;
      executeWitnessScript(stack, script, flags, SigVersion.TAPSCRIPT, checker, exec);
      return;
    }
    if ((flags & VERIFY.DISCOURAGE_UPGRADABLE_TAPROOT_VERSION) !== 0) {
      fail('DISCOURAGE_UPGRADABLE_TAPROOT_VERSION');
    }
    return;
  }

  // Pay-to-anchor (witness v1, program 0x4e73) is standard to spend, so not discouraged.
  if (
    version === 1 &&
    !isP2sh &&
    program.length === 2 &&
    program[0] === 0x4e &&
    program[1] === 0x73
  ) {
    return;
  }
  // Other versions and lengths stay anyone-can-spend for future soft forks.
  if ((flags & VERIFY.DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM) !== 0) {
    fail('DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM');
  }
}

function executeWitnessScript(
  stack: Uint8Array[],
  script: Uint8Array,
  flags: number,
  sigversion: SigVersion,
  checker: SignatureChecker,
  exec: ScriptExecutionData,
): void {
  if (sigversion === SigVersion.TAPSCRIPT) {
    // OP_SUCCESSx anywhere makes the script succeed before any other rule, even the limits on
    // the initial stack (BIP342).
    const op: ScriptOp = { opcode: 0, data: undefined };
    let pc = 0;
    while (pc < script.length) {
      pc = readScriptOp(script, pc, op);
      if (pc < 0) fail('BAD_OPCODE');
      if (isOpSuccess(op.opcode)) {
        if ((flags & VERIFY.DISCOURAGE_OP_SUCCESS) !== 0) fail('DISCOURAGE_OP_SUCCESS');
        return;
      }
    }
    if (stack.length > MAX_STACK_SIZE) fail('STACK_SIZE');
  }
  for (const item of stack) if (item.length > MAX_SCRIPT_ELEMENT_SIZE) fail('PUSH_SIZE');
  evalScript(stack, script, flags, checker, sigversion, exec);
  // Witness scripts must leave exactly one true element (an implicit CLEANSTACK).
  if (stack.length !== 1) fail('CLEANSTACK');
  if (!castToBool(stack[0]!)) fail('EVAL_FALSE');
}

export function computeTapleafHash(leafVersion: number, script: Uint8Array): Uint8Array {
  const w = new BufferWriter(script.length + 6).u8(leafVersion).varBytes(script);
  return taggedHash('TapLeaf', w.toBytes());
}

export function computeTaprootMerkleRoot(control: Uint8Array, tapleafHash: Uint8Array): Uint8Array {
  const pathLen = (control.length - TAPROOT_CONTROL_BASE_SIZE) / TAPROOT_CONTROL_NODE_SIZE;
  let k = tapleafHash;
  for (let i = 0; i < pathLen; i++) {
    const at = TAPROOT_CONTROL_BASE_SIZE + TAPROOT_CONTROL_NODE_SIZE * i;
    const node = control.subarray(at, at + TAPROOT_CONTROL_NODE_SIZE);
    k = lexLess(k, node) ? taggedHash('TapBranch', k, node) : taggedHash('TapBranch', node, k);
  }
  return k;
}

function lexLess(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

function verifyTaprootCommitment(
  control: Uint8Array,
  program: Uint8Array,
  tapleafHash: Uint8Array,
  verifier: SignatureVerifier,
): boolean {
  const internalKey = control.subarray(1, TAPROOT_CONTROL_BASE_SIZE);
  const merkleRoot = computeTaprootMerkleRoot(control, tapleafHash);
  const tweak = taggedHash('TapTweak', internalKey, merkleRoot);
  return verifier.checkTapTweak(internalKey, program, control[0]! & 1, tweak);
}

/** Serialized size of a witness stack (count, then each item with its length). */
export function witnessSerializedSize(witness: readonly Uint8Array[]): number {
  let n = compactSizeLength(witness.length);
  for (const item of witness) n += compactSizeLength(item.length) + item.length;
  return n;
}
