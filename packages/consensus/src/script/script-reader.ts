/**
 * Walking a script one opcode at a time, as Core's GetScriptOp, and the script shape tests the
 * interpreter relies on (push-only, P2SH, witness program, OP_SUCCESSx).
 */
import { concatBytes } from '../bytes.js';
import { OP } from './opcodes.js';

/** One decoded operation; `data` is set for push opcodes (a view into the script). */
export interface ScriptOp {
  opcode: number;
  data: Uint8Array | undefined;
}

/**
 * Reads the operation at `pc` into `out` and returns the position after it, or -1 when the
 * script ends or a push runs past the end (Core's GetOp returning false).
 */
export function readScriptOp(script: Uint8Array, pc: number, out: ScriptOp): number {
  out.opcode = OP.INVALIDOPCODE;
  out.data = undefined;
  const end = script.length;
  if (pc >= end) return -1;
  const opcode = script[pc++]!;
  if (opcode <= OP.PUSHDATA4) {
    let size: number;
    if (opcode < OP.PUSHDATA1) size = opcode;
    else if (opcode === OP.PUSHDATA1) {
      if (end - pc < 1) return -1;
      size = script[pc++]!;
    } else if (opcode === OP.PUSHDATA2) {
      if (end - pc < 2) return -1;
      size = script[pc]! | (script[pc + 1]! << 8);
      pc += 2;
    } else {
      if (end - pc < 4) return -1;
      size =
        (script[pc]! |
          (script[pc + 1]! << 8) |
          (script[pc + 2]! << 16) |
          (script[pc + 3]! << 24)) >>>
        0;
      pc += 4;
    }
    if (end - pc < size) return -1;
    out.data = script.subarray(pc, pc + size);
    pc += size;
  }
  out.opcode = opcode;
  return pc;
}

/** The push that `CScript() << data` writes: the smallest push opcode for the length. */
export function serializePush(data: Uint8Array): Uint8Array {
  const n = data.length;
  let head: number[];
  if (n < OP.PUSHDATA1) head = [n];
  else if (n <= 0xff) head = [OP.PUSHDATA1, n];
  else if (n <= 0xffff) head = [OP.PUSHDATA2, n & 0xff, n >> 8];
  else head = [OP.PUSHDATA4, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
  const out = new Uint8Array(head.length + n);
  out.set(head, 0);
  out.set(data, head.length);
  return out;
}

/** Core's CheckMinimalPush (MINIMALDATA): the push uses the shortest possible encoding. */
export function isMinimalPush(data: Uint8Array, opcode: number): boolean {
  const n = data.length;
  if (n === 0) return opcode === OP['0'];
  if (n === 1 && data[0]! >= 1 && data[0]! <= 16) return opcode === OP['1'] + data[0]! - 1;
  if (n === 1 && data[0] === 0x81) return opcode === OP['1NEGATE'];
  if (n <= 75) return opcode === n;
  if (n <= 255) return opcode === OP.PUSHDATA1;
  if (n <= 65535) return opcode === OP.PUSHDATA2;
  return true;
}

/** Core's IsPushOnly: every operation parses and is a push (OP_RESERVED counts, as in Core). */
export function isPushOnly(script: Uint8Array): boolean {
  const op: ScriptOp = { opcode: 0, data: undefined };
  let pc = 0;
  while (pc < script.length) {
    pc = readScriptOp(script, pc, op);
    if (pc < 0) return false;
    if (op.opcode > OP['16']) return false;
  }
  return true;
}

/** BIP16: exactly OP_HASH160 <20 bytes> OP_EQUAL. */
export function isPayToScriptHash(script: Uint8Array): boolean {
  return (
    script.length === 23 &&
    script[0] === OP.HASH160 &&
    script[1] === 0x14 &&
    script[22] === OP.EQUAL
  );
}

export interface WitnessProgram {
  version: number;
  program: Uint8Array;
}

/** BIP141: a version opcode (OP_0, OP_1..OP_16) then one 2..40-byte direct push, nothing else. */
export function getWitnessProgram(script: Uint8Array): WitnessProgram | undefined {
  if (script.length < 4 || script.length > 42) return undefined;
  const v = script[0]!;
  if (v !== OP['0'] && (v < OP['1'] || v > OP['16'])) return undefined;
  if (script[1]! + 2 !== script.length) return undefined;
  return { version: v === 0 ? 0 : v - OP['1'] + 1, program: script.subarray(2) };
}

/** BIP342: opcodes that make a tapscript succeed unconditionally (reserved for upgrades). */
export function isOpSuccess(opcode: number): boolean {
  return (
    opcode === 80 ||
    opcode === 98 ||
    (opcode >= 126 && opcode <= 129) ||
    (opcode >= 131 && opcode <= 134) ||
    (opcode >= 137 && opcode <= 138) ||
    (opcode >= 141 && opcode <= 142) ||
    (opcode >= 149 && opcode <= 153) ||
    (opcode >= 187 && opcode <= 254)
  );
}

/**
 * Core's FindAndDelete: removes every occurrence of `needle` (a serialized push) that starts at
 * an opcode boundary, matching the exact bytes; a push that merely contains the bytes stays.
 * Returns the new script and how many were removed.
 */
export function findAndDelete(
  script: Uint8Array,
  needle: Uint8Array,
): { script: Uint8Array; found: number } {
  if (needle.length === 0) return { script, found: 0 };
  const parts: Uint8Array[] = [];
  let found = 0;
  let pc = 0;
  let kept = 0;
  const op: ScriptOp = { opcode: 0, data: undefined };
  for (;;) {
    parts.push(script.subarray(kept, pc));
    while (script.length - pc >= needle.length && startsWith(script, pc, needle)) {
      pc += needle.length;
      found++;
    }
    kept = pc;
    const next = readScriptOp(script, pc, op);
    if (next < 0) break;
    pc = next;
  }
  if (found === 0) return { script, found };
  parts.push(script.subarray(kept));
  return { script: concatBytes(...parts), found };
}

function startsWith(script: Uint8Array, pc: number, needle: Uint8Array): boolean {
  for (let i = 0; i < needle.length; i++) if (script[pc + i] !== needle[i]) return false;
  return true;
}
