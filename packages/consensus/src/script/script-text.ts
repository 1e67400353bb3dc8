/**
 * Core's script text notation (ParseScript in core_read.cpp), used by its test vectors and by
 * tools: decimal numbers become minimal number pushes, `0x..` is raw bytes inserted as-is,
 * `'text'` pushes the characters, and opcode names (with or without `OP_`) from OP_NOP up,
 * plus OP_RESERVED.
 */
import { fromHex, isHex } from '../bytes.js';
import { OP } from './opcodes.js';
import { encodeScriptNumber } from './script-number.js';
import { serializePush } from './script-reader.js';

const NAMES: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  for (const [k, v] of Object.entries(OP)) {
    if (k === 'NOP2' || k === 'NOP3' || k === 'FALSE' || k === 'TRUE') continue;
    if ((v < OP.NOP && v !== OP.RESERVED) || v > OP.CHECKSIGADD) continue;
    m.set(`OP_${k}`, v);
    m.set(k, v);
  }
  return m;
})();

/** The bytes `CScript() << n` appends for an integer. */
export function pushInt(n: number): Uint8Array {
  if (n === -1 || (n >= 1 && n <= 16)) return Uint8Array.of(n + (OP['1'] - 1));
  if (n === 0) return Uint8Array.of(OP['0']);
  return serializePush(encodeScriptNumber(n));
}

export function parseScriptText(text: string): Uint8Array {
  const out: number[] = [];
  for (const w of text.split(/[ \t\n]/)) {
    if (w === '') continue;
    if (/^-?[0-9]+$/.test(w) && w !== '-') {
      const n = Number(w);
      if (!Number.isSafeInteger(n) || n > 0xffffffff || n < -0xffffffff) {
        throw new RangeError(`script text: number out of range ${w}`);
      }
      out.push(...pushInt(n));
    } else if (w.startsWith('0x') && w.length > 2 && isHex(w.slice(2))) {
      out.push(...fromHex(w.slice(2)));
    } else if (w.length >= 2 && w.startsWith("'") && w.endsWith("'")) {
      out.push(...serializePush(new TextEncoder().encode(w.slice(1, -1))));
    } else if (NAMES.has(w)) {
      out.push(NAMES.get(w)!);
    } else {
      throw new RangeError(`script text: unknown word ${JSON.stringify(w)}`);
    }
  }
  return Uint8Array.from(out);
}
