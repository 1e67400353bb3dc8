/**
 * The script interpreter: Core's EvalScript, opcode by opcode. Failures throw `ScriptFailure`
 * with Core's error name; `verify-script.ts` turns that into a result.
 *
 * Limits (consensus): scripts up to 10,000 bytes and 201 non-push opcodes outside tapscript,
 * pushes up to 520 bytes, 1,000 items on stack + altstack. Disabled opcodes (CVE-2010-5137) fail
 * even in an unexecuted branch, as do OP_VERIF/OP_VERNOTIF.
 */
import { bytesEqual } from '../bytes.js';
import { hash160, ripemd160, sha1, sha256, sha256d } from '../hash.js';
import { OP } from './opcodes.js';
import { fail } from './script-error.js';
import { castToBool, decodeScriptNumber, encodeScriptNumber } from './script-number.js';
import {
  findAndDelete,
  isMinimalPush,
  readScriptOp,
  serializePush,
  type ScriptOp,
} from './script-reader.js';
import type { ScriptExecutionData, SignatureChecker } from './signature-checker.js';
import { checkPubKeyEncoding, checkSignatureEncoding } from './signature-encoding.js';
import { evalChecksig } from './eval-checksig.js';
import { SigVersion } from './sighash-types.js';
import { VERIFY } from './verify-flags.js';

export const MAX_SCRIPT_SIZE = 10_000;
export const MAX_SCRIPT_ELEMENT_SIZE = 520;
export const MAX_OPS_PER_SCRIPT = 201;
export const MAX_STACK_SIZE = 1000;
export const MAX_PUBKEYS_PER_MULTISIG = 20;
export { VALIDATION_WEIGHT_PER_SIGOP_PASSED } from './eval-checksig.js';

const FALSE = new Uint8Array(0);
const TRUE = Uint8Array.of(1);

const DISABLED = new Set<number>([
  OP.CAT,
  OP.SUBSTR,
  OP.LEFT,
  OP.RIGHT,
  OP.INVERT,
  OP.AND,
  OP.OR,
  OP.XOR,
  OP['2MUL'],
  OP['2DIV'],
  OP.MUL,
  OP.DIV,
  OP.MOD,
  OP.LSHIFT,
  OP.RSHIFT,
]);

export function evalScript(
  stack: Uint8Array[],
  script: Uint8Array,
  flags: number,
  checker: SignatureChecker,
  sigversion: SigVersion,
  exec: ScriptExecutionData,
): void {
  const legacyLimits = sigversion === SigVersion.BASE || sigversion === SigVersion.WITNESS_V0;
  if (legacyLimits && script.length > MAX_SCRIPT_SIZE) fail('SCRIPT_SIZE');
  const requireMinimal = (flags & VERIFY.MINIMALDATA) !== 0;
  const altstack: Uint8Array[] = [];
  // The condition stack as Core's ConditionStack: only the depth and the first false matter.
  let condDepth = 0;
  let firstFalse = -1;
  let opCount = 0;
  let codeHashBegin = 0;
  exec.codeSeparatorPos = 0xffffffff;
  const op: ScriptOp = { opcode: 0, data: undefined };
  let pc = 0;

  const need = (n: number): void => {
    if (stack.length < n) fail('INVALID_STACK_OPERATION');
  };
  const top = (i: number): Uint8Array => stack[stack.length + i]!;
  const num = (v: Uint8Array, maxSize = 4): number =>
    decodeScriptNumber(v, requireMinimal, maxSize);

  for (let opcodePos = 0; pc < script.length; opcodePos++) {
    const executing = firstFalse < 0;
    const next = readScriptOp(script, pc, op);
    if (next < 0) fail('BAD_OPCODE');
    pc = next;
    const opcode = op.opcode;
    if (op.data !== undefined && op.data.length > MAX_SCRIPT_ELEMENT_SIZE) fail('PUSH_SIZE');
    // OP_RESERVED (0x50) and the small-number pushes do not count toward the 201 limit.
    if (legacyLimits && opcode > OP['16'] && ++opCount > MAX_OPS_PER_SCRIPT) fail('OP_COUNT');
    if (DISABLED.has(opcode)) fail('DISABLED_OPCODE');
    if (
      opcode === OP.CODESEPARATOR &&
      sigversion === SigVersion.BASE &&
      (flags & VERIFY.CONST_SCRIPTCODE) !== 0
    ) {
      fail('OP_CODESEPARATOR');
    }

    if (executing && opcode <= OP.PUSHDATA4) {
      if (requireMinimal && !isMinimalPush(op.data!, opcode)) fail('MINIMALDATA');
      stack.push(op.data!);
    } else if (executing || (opcode >= OP.IF && opcode <= OP.ENDIF)) {
      switch (opcode) {
        case OP['1NEGATE']:
        case OP['1']:
        case OP['2']:
        case OP['3']:
        case OP['4']:
        case OP['5']:
        case OP['6']:
        case OP['7']:
        case OP['8']:
        case OP['9']:
        case OP['10']:
        case OP['11']:
        case OP['12']:
        case OP['13']:
        case OP['14']:
        case OP['15']:
        case OP['16']:
          stack.push(encodeScriptNumber(opcode - (OP['1'] - 1)));
          break;

        case OP.NOP:
          break;

        case OP.CHECKLOCKTIMEVERIFY: {
          if ((flags & VERIFY.CHECKLOCKTIMEVERIFY) === 0) break; // still NOP2 before BIP65
          need(1);
          // Five bytes: lock times reach 2^32 - 1, beyond a 4-byte script number.
          const lockTime = num(top(-1), 5);
          if (lockTime < 0) fail('NEGATIVE_LOCKTIME');
          if (!checker.checkLockTime(lockTime)) fail('UNSATISFIED_LOCKTIME');
          break;
        }

        case OP.CHECKSEQUENCEVERIFY: {
          if ((flags & VERIFY.CHECKSEQUENCEVERIFY) === 0) break; // still NOP3 before BIP112
          need(1);
          const sequence = num(top(-1), 5);
          if (sequence < 0) fail('NEGATIVE_LOCKTIME');
          // With the disable flag set the opcode stays a NOP, leaving room for soft forks.
          if ((sequence & 0x80000000) !== 0) break;
          if (!checker.checkSequence(sequence)) fail('UNSATISFIED_LOCKTIME');
          break;
        }

        case OP.NOP1:
        case OP.NOP4:
        case OP.NOP5:
        case OP.NOP6:
        case OP.NOP7:
        case OP.NOP8:
        case OP.NOP9:
        case OP.NOP10:
          if ((flags & VERIFY.DISCOURAGE_UPGRADABLE_NOPS) !== 0) fail('DISCOURAGE_UPGRADABLE_NOPS');
          break;

        case OP.IF:
        case OP.NOTIF: {
          let value = false;
          if (executing) {
            // Current Core reports a missing condition as a stack error, as its vectors expect.
            if (stack.length < 1) fail('INVALID_STACK_OPERATION');
            const vch = top(-1);
            if (sigversion === SigVersion.TAPSCRIPT) {
              // BIP342 makes minimal IF a consensus rule: exactly empty or exactly 0x01.
              if (vch.length > 1 || (vch.length === 1 && vch[0] !== 1)) fail('TAPSCRIPT_MINIMALIF');
            }
            if (sigversion === SigVersion.WITNESS_V0 && (flags & VERIFY.MINIMALIF) !== 0) {
              if (vch.length > 1 || (vch.length === 1 && vch[0] !== 1)) fail('MINIMALIF');
            }
            value = castToBool(vch);
            if (opcode === OP.NOTIF) value = !value;
            stack.pop();
          }
          if (!value && firstFalse < 0) firstFalse = condDepth;
          condDepth++;
          break;
        }

        case OP.ELSE:
          if (condDepth === 0) fail('UNBALANCED_CONDITIONAL');
          // Toggle the top: it becomes the first false if nothing below is false, and stops
          // being it if it was.
          if (firstFalse < 0) firstFalse = condDepth - 1;
          else if (firstFalse === condDepth - 1) firstFalse = -1;
          break;

        case OP.ENDIF:
          if (condDepth === 0) fail('UNBALANCED_CONDITIONAL');
          condDepth--;
          if (firstFalse === condDepth) firstFalse = -1;
          break;

        case OP.VERIFY:
          need(1);
          if (!castToBool(top(-1))) fail('VERIFY');
          stack.pop();
          break;

        case OP.RETURN:
          fail('OP_RETURN');

        case OP.TOALTSTACK:
          need(1);
          altstack.push(stack.pop()!);
          break;

        case OP.FROMALTSTACK:
          if (altstack.length < 1) fail('INVALID_ALTSTACK_OPERATION');
          stack.push(altstack.pop()!);
          break;

        case OP['2DROP']:
          need(2);
          stack.length -= 2;
          break;

        case OP['2DUP']: {
          need(2);
          const a = top(-2);
          const b = top(-1);
          stack.push(a, b);
          break;
        }

        case OP['3DUP']: {
          need(3);
          const a = top(-3);
          const b = top(-2);
          const c = top(-1);
          stack.push(a, b, c);
          break;
        }

        case OP['2OVER']: {
          need(4);
          const a = top(-4);
          const b = top(-3);
          stack.push(a, b);
          break;
        }

        case OP['2ROT']: {
          need(6);
          const moved = stack.splice(stack.length - 6, 2);
          stack.push(moved[0]!, moved[1]!);
          break;
        }

        case OP['2SWAP']: {
          need(4);
          const moved = stack.splice(stack.length - 4, 2);
          stack.push(moved[0]!, moved[1]!);
          break;
        }

        case OP.IFDUP:
          need(1);
          if (castToBool(top(-1))) stack.push(top(-1));
          break;

        case OP.DEPTH:
          stack.push(encodeScriptNumber(stack.length));
          break;

        case OP.DROP:
          need(1);
          stack.pop();
          break;

        case OP.DUP:
          need(1);
          stack.push(top(-1));
          break;

        case OP.NIP:
          need(2);
          stack.splice(stack.length - 2, 1);
          break;

        case OP.OVER:
          need(2);
          stack.push(top(-2));
          break;

        case OP.PICK:
        case OP.ROLL: {
          need(2);
          const n = num(top(-1));
          stack.pop();
          if (n < 0 || n >= stack.length) fail('INVALID_STACK_OPERATION');
          const v = top(-n - 1);
          if (opcode === OP.ROLL) stack.splice(stack.length - n - 1, 1);
          stack.push(v);
          break;
        }

        case OP.ROT: {
          need(3);
          const moved = stack.splice(stack.length - 3, 1);
          stack.push(moved[0]!);
          break;
        }

        case OP.SWAP: {
          need(2);
          const a = top(-2);
          stack[stack.length - 2] = top(-1);
          stack[stack.length - 1] = a;
          break;
        }

        case OP.TUCK:
          need(2);
          stack.splice(stack.length - 2, 0, top(-1));
          break;

        case OP.SIZE:
          need(1);
          stack.push(encodeScriptNumber(top(-1).length));
          break;

        case OP.EQUAL:
        case OP.EQUALVERIFY: {
          need(2);
          const equal = bytesEqual(top(-2), top(-1));
          stack.length -= 2;
          stack.push(equal ? TRUE : FALSE);
          if (opcode === OP.EQUALVERIFY) {
            if (!equal) fail('EQUALVERIFY');
            stack.pop();
          }
          break;
        }

        case OP['1ADD']:
        case OP['1SUB']:
        case OP.NEGATE:
        case OP.ABS:
        case OP.NOT:
        case OP['0NOTEQUAL']: {
          need(1);
          let bn = num(top(-1));
          if (opcode === OP['1ADD']) bn += 1;
          else if (opcode === OP['1SUB']) bn -= 1;
          else if (opcode === OP.NEGATE) bn = -bn;
          else if (opcode === OP.ABS) bn = Math.abs(bn);
          else if (opcode === OP.NOT) bn = bn === 0 ? 1 : 0;
          else bn = bn !== 0 ? 1 : 0;
          stack.pop();
          stack.push(encodeScriptNumber(bn));
          break;
        }

        case OP.ADD:
        case OP.SUB:
        case OP.BOOLAND:
        case OP.BOOLOR:
        case OP.NUMEQUAL:
        case OP.NUMEQUALVERIFY:
        case OP.NUMNOTEQUAL:
        case OP.LESSTHAN:
        case OP.GREATERTHAN:
        case OP.LESSTHANOREQUAL:
        case OP.GREATERTHANOREQUAL:
        case OP.MIN:
        case OP.MAX: {
          need(2);
          const a = num(top(-2));
          const b = num(top(-1));
          let r: number;
          switch (opcode) {
            case OP.ADD:
              r = a + b;
              break;
            case OP.SUB:
              r = a - b;
              break;
            case OP.BOOLAND:
              r = a !== 0 && b !== 0 ? 1 : 0;
              break;
            case OP.BOOLOR:
              r = a !== 0 || b !== 0 ? 1 : 0;
              break;
            case OP.NUMEQUAL:
            case OP.NUMEQUALVERIFY:
              r = a === b ? 1 : 0;
              break;
            case OP.NUMNOTEQUAL:
              r = a !== b ? 1 : 0;
              break;
            case OP.LESSTHAN:
              r = a < b ? 1 : 0;
              break;
            case OP.GREATERTHAN:
              r = a > b ? 1 : 0;
              break;
            case OP.LESSTHANOREQUAL:
              r = a <= b ? 1 : 0;
              break;
            case OP.GREATERTHANOREQUAL:
              r = a >= b ? 1 : 0;
              break;
            case OP.MIN:
              r = Math.min(a, b);
              break;
            default:
              r = Math.max(a, b);
              break;
          }
          stack.length -= 2;
          stack.push(encodeScriptNumber(r));
          if (opcode === OP.NUMEQUALVERIFY) {
            if (!castToBool(top(-1))) fail('NUMEQUALVERIFY');
            stack.pop();
          }
          break;
        }

        case OP.WITHIN: {
          need(3);
          const x = num(top(-3));
          const lo = num(top(-2));
          const hi = num(top(-1));
          stack.length -= 3;
          stack.push(lo <= x && x < hi ? TRUE : FALSE);
          break;
        }

        case OP.RIPEMD160:
        case OP.SHA1:
        case OP.SHA256:
        case OP.HASH160:
        case OP.HASH256: {
          need(1);
          const v = top(-1);
          const h =
            opcode === OP.RIPEMD160
              ? ripemd160(v)
              : opcode === OP.SHA1
                ? sha1(v)
                : opcode === OP.SHA256
                  ? sha256(v)
                  : opcode === OP.HASH160
                    ? hash160(v)
                    : sha256d(v);
          stack.pop();
          stack.push(h);
          break;
        }

        case OP.CODESEPARATOR:
          // The signed script starts after the last executed separator; tapscript signs its
          // position instead (BIP342).
          codeHashBegin = pc;
          exec.codeSeparatorPos = opcodePos;
          break;

        case OP.CHECKSIG:
        case OP.CHECKSIGVERIFY: {
          need(2);
          const ok = evalChecksig(
            top(-2),
            top(-1),
            script,
            codeHashBegin,
            exec,
            flags,
            checker,
            sigversion,
          );
          stack.length -= 2;
          stack.push(ok ? TRUE : FALSE);
          if (opcode === OP.CHECKSIGVERIFY) {
            if (!ok) fail('CHECKSIGVERIFY');
            stack.pop();
          }
          break;
        }

        case OP.CHECKSIGADD: {
          if (legacyLimits) fail('BAD_OPCODE');
          need(3);
          const n = num(top(-2));
          const ok = evalChecksig(
            top(-3),
            top(-1),
            script,
            codeHashBegin,
            exec,
            flags,
            checker,
            sigversion,
          );
          stack.length -= 3;
          stack.push(encodeScriptNumber(n + (ok ? 1 : 0)));
          break;
        }

        case OP.CHECKMULTISIG:
        case OP.CHECKMULTISIGVERIFY: {
          if (sigversion === SigVersion.TAPSCRIPT) fail('TAPSCRIPT_CHECKMULTISIG');
          let i = 1;
          need(i);
          let keys = num(top(-i));
          if (keys < 0 || keys > MAX_PUBKEYS_PER_MULTISIG) fail('PUBKEY_COUNT');
          opCount += keys;
          if (opCount > MAX_OPS_PER_SCRIPT) fail('OP_COUNT');
          let ikey = ++i;
          // Position of the last non-signature item, for the NULLFAIL cleanup below.
          let ikey2 = keys + 2;
          i += keys;
          need(i);
          let sigs = num(top(-i));
          if (sigs < 0 || sigs > keys) fail('SIG_COUNT');
          let isig = ++i;
          i += sigs;
          need(i);

          let scriptCode = script.subarray(codeHashBegin);
          if (sigversion === SigVersion.BASE) {
            for (let k = 0; k < sigs; k++) {
              const r = findAndDelete(scriptCode, serializePush(top(-isig - k)));
              if (r.found > 0 && (flags & VERIFY.CONST_SCRIPTCODE) !== 0) fail('SIG_FINDANDDELETE');
              scriptCode = r.script;
            }
          }

          let success = true;
          while (success && sigs > 0) {
            const sig = top(-isig);
            const key = top(-ikey);
            // The order of these checks is observable through CHECKMULTISIG NOT with STRICTENC.
            checkSignatureEncoding(sig, flags);
            checkPubKeyEncoding(key, flags, sigversion);
            if (checker.checkEcdsaSignature(sig, key, scriptCode, sigversion)) {
              isig++;
              sigs--;
            }
            ikey++;
            keys--;
            // More signatures left than keys: it cannot succeed any more.
            if (sigs > keys) success = false;
          }

          while (i-- > 1) {
            if (!success && (flags & VERIFY.NULLFAIL) !== 0 && ikey2 === 0 && top(-1).length > 0) {
              fail('NULLFAIL');
            }
            if (ikey2 > 0) ikey2--;
            stack.pop();
          }
          // The historical off-by-one: one more item is consumed; BIP147 requires it empty.
          need(1);
          if ((flags & VERIFY.NULLDUMMY) !== 0 && top(-1).length > 0) fail('SIG_NULLDUMMY');
          stack.pop();
          stack.push(success ? TRUE : FALSE);
          if (opcode === OP.CHECKMULTISIGVERIFY) {
            if (!success) fail('CHECKMULTISIGVERIFY');
            stack.pop();
          }
          break;
        }

        default:
          fail('BAD_OPCODE');
      }
    }

    if (stack.length + altstack.length > MAX_STACK_SIZE) fail('STACK_SIZE');
  }

  if (condDepth !== 0) fail('UNBALANCED_CONDITIONAL');
}
