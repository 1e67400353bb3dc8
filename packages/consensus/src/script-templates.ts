/**
 * Standard output scripts: builders, and classification as Core's `Solver` (script/solver.cpp)
 * with Core's type names (`GetTxnOutputType`), which `decodescript` and `getrawtransaction`
 * print as scriptPubKey "type".
 */
import { bytesEqual, concatBytes } from './bytes.js';
import { OP } from './script/opcodes.js';
import { buildScript, decodeScriptNum, pushData } from './script-num.js';

export type TxoutType =
  | 'nonstandard'
  | 'pubkey'
  | 'pubkeyhash'
  | 'scripthash'
  | 'multisig'
  | 'nulldata'
  | 'witness_v0_keyhash'
  | 'witness_v0_scripthash'
  | 'witness_v1_taproot'
  | 'anchor'
  | 'witness_unknown';

/** Core's MAX_PUBKEYS_PER_MULTISIG. */
export const MAX_PUBKEYS_PER_MULTISIG = 20;

/** BIP433 pay-to-anchor: OP_1 <0x4e73>. */
export const P2A_SCRIPT = Uint8Array.of(0x51, 0x02, 0x4e, 0x73);

function need(bytes: Uint8Array, n: number, what: string): Uint8Array {
  if (bytes.length !== n) throw new RangeError(`${what}: expected ${n} bytes, got ${bytes.length}`);
  return bytes;
}

export function p2pkScript(pubkey: Uint8Array): Uint8Array {
  return buildScript([pubkey, OP.CHECKSIG]);
}

export function p2pkhScript(keyHash: Uint8Array): Uint8Array {
  need(keyHash, 20, 'p2pkh key hash');
  return buildScript([OP.DUP, OP.HASH160, keyHash, OP.EQUALVERIFY, OP.CHECKSIG]);
}

export function p2shScript(scriptHash: Uint8Array): Uint8Array {
  need(scriptHash, 20, 'p2sh script hash');
  return buildScript([OP.HASH160, scriptHash, OP.EQUAL]);
}

/** A witness program output: OP_n then one direct push of 2..40 bytes (BIP141). */
export function witnessProgramScript(version: number, program: Uint8Array): Uint8Array {
  if (!Number.isInteger(version) || version < 0 || version > 16) {
    throw new RangeError(`witness version must be 0..16, got ${version}`);
  }
  if (program.length < 2 || program.length > 40) {
    throw new RangeError(`witness program must be 2..40 bytes, got ${program.length}`);
  }
  const versionOp = version === 0 ? OP['0'] : OP['1'] + version - 1;
  return concatBytes(Uint8Array.of(versionOp), pushData(program));
}

export function p2wpkhScript(keyHash: Uint8Array): Uint8Array {
  return witnessProgramScript(0, need(keyHash, 20, 'p2wpkh key hash'));
}

export function p2wshScript(scriptHash: Uint8Array): Uint8Array {
  return witnessProgramScript(0, need(scriptHash, 32, 'p2wsh script hash'));
}

export function p2trScript(outputKey: Uint8Array): Uint8Array {
  return witnessProgramScript(1, need(outputKey, 32, 'p2tr output key'));
}

/** Bare m-of-n multisig: OP_m <keys...> OP_n OP_CHECKMULTISIG. */
export function multisigScript(required: number, pubkeys: readonly Uint8Array[]): Uint8Array {
  if (pubkeys.length < 1 || pubkeys.length > 16 || required < 1 || required > pubkeys.length) {
    throw new RangeError(`multisig: need 1 <= m <= n <= 16, got ${required}-of-${pubkeys.length}`);
  }
  return buildScript([{ num: required }, ...pubkeys, { num: pubkeys.length }, OP.CHECKMULTISIG]);
}

/** OP_RETURN followed by data pushes. */
export function nullDataScript(...pushes: Uint8Array[]): Uint8Array {
  return buildScript([OP.RETURN, ...pushes]);
}

/** One parsed script operation (Core's GetOp): the opcode and, for pushes, the data. */
export interface ParsedScriptOp {
  opcode: number;
  data: Uint8Array | undefined;
}

/** Splits a script into operations; undefined when a push runs past the end. */
export function parseScriptOps(script: Uint8Array): ParsedScriptOp[] | undefined {
  const ops: ParsedScriptOp[] = [];
  let i = 0;
  while (i < script.length) {
    const opcode = script[i++]!;
    if (opcode > OP.PUSHDATA4) {
      ops.push({ opcode, data: undefined });
      continue;
    }
    let n: number;
    if (opcode < OP.PUSHDATA1) n = opcode;
    else {
      const width = opcode === OP.PUSHDATA1 ? 1 : opcode === OP.PUSHDATA2 ? 2 : 4;
      if (i + width > script.length) return undefined;
      n = 0;
      for (let k = width - 1; k >= 0; k--) n = n * 256 + script[i + k]!;
      i += width;
    }
    if (i + n > script.length) return undefined;
    ops.push({ opcode, data: script.subarray(i, i + n) });
    i += n;
  }
  return ops;
}

/** Core's CPubKey::ValidSize: the length implied by the first byte matches. */
export function pubkeyHasValidSize(pk: Uint8Array): boolean {
  if (pk.length === 0) return false;
  const h = pk[0]!;
  const len = h === 2 || h === 3 ? 33 : h === 4 || h === 6 || h === 7 ? 65 : 0;
  return len === pk.length;
}

/** BIP141 IsWitnessProgram: 4..42 bytes, a version opcode, then one push of the rest. */
export function witnessProgramOf(
  script: Uint8Array,
): { version: number; program: Uint8Array } | undefined {
  if (script.length < 4 || script.length > 42) return undefined;
  const v = script[0]!;
  if (v !== OP['0'] && (v < OP['1'] || v > OP['16'])) return undefined;
  if (script[1]! + 2 !== script.length) return undefined;
  return { version: v === 0 ? 0 : v - OP['1'] + 1, program: script.subarray(2) };
}

export function isP2shScript(script: Uint8Array): boolean {
  return (
    script.length === 23 && script[0] === OP.HASH160 && script[1] === 20 && script[22] === OP.EQUAL
  );
}

/** Core's CheckMinimalPush: the data could not have been pushed with a shorter opcode. */
function isMinimalPush(data: Uint8Array, opcode: number): boolean {
  if (data.length === 0) return opcode === OP['0'];
  if (data.length === 1 && data[0]! >= 1 && data[0]! <= 16) return false;
  if (data.length === 1 && data[0] === 0x81) return false;
  if (data.length <= 75) return opcode === data.length;
  if (data.length <= 255) return opcode === OP.PUSHDATA1;
  if (data.length <= 65535) return opcode === OP.PUSHDATA2;
  return true;
}

/** Core's GetScriptNumber for multisig counts: OP_1..OP_16 or a minimal numeric push. */
function scriptNumberIn(op: ParsedScriptOp, min: number, max: number): number | undefined {
  let n: number;
  if (op.opcode >= OP['1'] && op.opcode <= OP['16']) n = op.opcode - OP['1'] + 1;
  else if (op.data !== undefined) {
    if (!isMinimalPush(op.data, op.opcode) || op.data.length > 4) return undefined;
    // CScriptNum with fRequireMinimal: no superfluous trailing zero byte.
    const d = op.data;
    if (d.length > 0 && (d[d.length - 1]! & 0x7f) === 0) {
      if (d.length <= 1 || (d[d.length - 2]! & 0x80) === 0) return undefined;
    }
    n = Number(decodeScriptNum(d));
  } else return undefined;
  return n >= min && n <= max ? n : undefined;
}

export interface SolverResult {
  type: TxoutType;
  /** Core's vSolutionsRet: hashes, keys, program, or [m, keys..., n] for multisig. */
  solutions: Uint8Array[];
}

/** Classifies a scriptPubKey as Core's Solver. */
export function solveScript(script: Uint8Array): SolverResult {
  if (isP2shScript(script)) {
    return { type: 'scripthash', solutions: [script.slice(2, 22)] };
  }

  const wp = witnessProgramOf(script);
  if (wp !== undefined) {
    const program = wp.program.slice();
    if (wp.version === 0 && program.length === 20) {
      return { type: 'witness_v0_keyhash', solutions: [program] };
    }
    if (wp.version === 0 && program.length === 32) {
      return { type: 'witness_v0_scripthash', solutions: [program] };
    }
    if (wp.version === 1 && program.length === 32) {
      return { type: 'witness_v1_taproot', solutions: [program] };
    }
    if (bytesEqual(script, P2A_SCRIPT)) return { type: 'anchor', solutions: [] };
    if (wp.version !== 0) {
      return { type: 'witness_unknown', solutions: [Uint8Array.of(wp.version), program] };
    }
    return { type: 'nonstandard', solutions: [] };
  }

  // OP_RETURN followed only by pushes (Core's IsPushOnly counts OP_RESERVED as a push).
  if (script.length >= 1 && script[0] === OP.RETURN) {
    const ops = parseScriptOps(script.subarray(1));
    if (ops !== undefined && ops.every((o) => o.opcode <= OP['16'])) {
      return { type: 'nulldata', solutions: [] };
    }
  }

  if (
    (script.length === 35 || script.length === 67) &&
    script[0] === script.length - 2 &&
    script[script.length - 1] === OP.CHECKSIG
  ) {
    const pk = script.slice(1, script.length - 1);
    if (pubkeyHasValidSize(pk)) return { type: 'pubkey', solutions: [pk] };
  }

  if (
    script.length === 25 &&
    script[0] === OP.DUP &&
    script[1] === OP.HASH160 &&
    script[2] === 20 &&
    script[23] === OP.EQUALVERIFY &&
    script[24] === OP.CHECKSIG
  ) {
    return { type: 'pubkeyhash', solutions: [script.slice(3, 23)] };
  }

  const ms = matchMultisig(script);
  if (ms !== undefined) return { type: 'multisig', solutions: ms };

  return { type: 'nonstandard', solutions: [] };
}

function matchMultisig(script: Uint8Array): Uint8Array[] | undefined {
  if (script.length < 1 || script[script.length - 1] !== OP.CHECKMULTISIG) return undefined;
  const ops = parseScriptOps(script);
  if (ops === undefined || ops.length < 3) return undefined;
  const m = scriptNumberIn(ops[0]!, 1, MAX_PUBKEYS_PER_MULTISIG);
  if (m === undefined) return undefined;
  let i = 1;
  const keys: Uint8Array[] = [];
  while (i < ops.length && ops[i]!.data !== undefined && pubkeyHasValidSize(ops[i]!.data!)) {
    keys.push(ops[i]!.data!.slice());
    i++;
  }
  if (i >= ops.length) return undefined;
  const n = scriptNumberIn(ops[i]!, m, MAX_PUBKEYS_PER_MULTISIG);
  if (n === undefined || keys.length !== n) return undefined;
  // The count must be followed by exactly the final OP_CHECKMULTISIG.
  if (i + 2 !== ops.length) return undefined;
  return [Uint8Array.of(m), ...keys, Uint8Array.of(n)];
}
