/**
 * Script disassembly as Core's `ScriptToAsmStr` (core_write.cpp): pushes of up to 4 bytes print
 * as numbers, longer ones as hex; with `attemptSighashDecode` (scriptSig and witness display) a
 * push that is a strictly encoded signature prints its hash type as `[ALL]`, `[NONE|ANYONECANPAY]`...
 */
import {
  OPCODE_NAMES,
  OP,
  readScriptOp,
  isValidSignatureEncoding,
  isDefinedHashtypeSignature,
  toHex,
  type ScriptOp,
} from '@bitcoind-lite/consensus';

const SIGHASH_NAMES: ReadonlyMap<number, string> = new Map([
  [0x01, 'ALL'],
  [0x81, 'ALL|ANYONECANPAY'],
  [0x02, 'NONE'],
  [0x82, 'NONE|ANYONECANPAY'],
  [0x03, 'SINGLE'],
  [0x83, 'SINGLE|ANYONECANPAY'],
]);

/** Core's GetOpName. */
export function opName(opcode: number): string {
  if (opcode === OP['0']) return '0';
  if (opcode === OP['1NEGATE']) return '-1';
  if (opcode >= OP['1'] && opcode <= OP['16']) return String(opcode - OP['1'] + 1);
  if (opcode === OP.NOP2) return 'OP_CHECKLOCKTIMEVERIFY';
  if (opcode === OP.NOP3) return 'OP_CHECKSEQUENCEVERIFY';
  return OPCODE_NAMES.get(opcode) ?? 'OP_UNKNOWN';
}

/** CScriptNum(vch, fRequireMinimal=false).getint() for a push of at most 4 bytes. */
function smallPushValue(data: Uint8Array): number {
  if (data.length === 0) return 0;
  let v = 0;
  for (let i = 0; i < data.length; i++) v += data[i]! * 2 ** (8 * i);
  const last = data[data.length - 1]!;
  if (last & 0x80) return -(v - 0x80 * 2 ** (8 * (data.length - 1)));
  return v;
}

export function scriptToAsm(script: Uint8Array, attemptSighashDecode = false): string {
  const parts: string[] = [];
  const op: ScriptOp = { opcode: 0, data: undefined };
  // Core's CScript::IsUnspendable.
  const unspendable = (script.length > 0 && script[0] === OP.RETURN) || script.length > 10_000;
  let pc = 0;
  while (pc < script.length) {
    const next = readScriptOp(script, pc, op);
    if (next < 0) {
      parts.push('[error]');
      break;
    }
    pc = next;
    if (op.opcode <= OP.PUSHDATA4) {
      const data = op.data ?? new Uint8Array(0);
      if (data.length <= 4) {
        parts.push(String(smallPushValue(data)));
      } else if (attemptSighashDecode && !unspendable) {
        let suffix = '';
        let shown = data;
        if (isValidSignatureEncoding(data) && isDefinedHashtypeSignature(data)) {
          const name = SIGHASH_NAMES.get(data[data.length - 1]!);
          if (name !== undefined) {
            suffix = `[${name}]`;
            shown = data.subarray(0, data.length - 1);
          }
        }
        parts.push(toHex(shown) + suffix);
      } else {
        parts.push(toHex(data));
      }
    } else {
      parts.push(opName(op.opcode));
    }
  }
  return parts.join(' ');
}
