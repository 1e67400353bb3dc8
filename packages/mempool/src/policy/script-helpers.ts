/** Small script predicates policy needs, following Core's CScript methods. */
import { parseScriptOps, witnessProgramOf } from '@bitcoind-lite/consensus';

export { witnessProgramOf };

const OP_RETURN = 0x6a;
const OP_16 = 0x60;
const MAX_SCRIPT_SIZE = 10_000;

/** Core's CScript::IsUnspendable: starts with OP_RETURN or is larger than MAX_SCRIPT_SIZE. */
export function isUnspendableScript(script: Uint8Array): boolean {
  return (script.length > 0 && script[0] === OP_RETURN) || script.length > MAX_SCRIPT_SIZE;
}

/** Core's CScript::IsPushOnly: only pushes and OP_1NEGATE/OP_1..OP_16 (OP_RESERVED counts). */
export function isPushOnly(script: Uint8Array): boolean {
  const ops = parseScriptOps(script);
  return ops !== undefined && ops.every((o) => o.opcode <= OP_16);
}

/**
 * The stack a push-only scriptSig leaves (Core evaluates it with SCRIPT_VERIFY_NONE); undefined
 * when it is not push-only or a push runs past the end.
 */
export function pushOnlyStack(scriptSig: Uint8Array): Uint8Array[] | undefined {
  const ops = parseScriptOps(scriptSig);
  if (ops === undefined) return undefined;
  const stack: Uint8Array[] = [];
  for (const o of ops) {
    if (o.opcode > OP_16) return undefined;
    if (o.data !== undefined) stack.push(o.data);
    else if (o.opcode === 0x4f) stack.push(Uint8Array.of(0x81));
    else if (o.opcode === 0x50)
      return undefined; // OP_RESERVED fails when executed
    else stack.push(Uint8Array.of(o.opcode - 0x50));
  }
  return stack;
}

const OP_1 = 0x51;
const OP_CHECKSIG = 0xac;
const OP_CHECKSIGVERIFY = 0xad;
const OP_CHECKMULTISIG = 0xae;
const OP_CHECKMULTISIGVERIFY = 0xaf;

/**
 * Core's CScript::GetSigOpCount: CHECKSIG counts 1; CHECKMULTISIG counts 20, or n after OP_n
 * when `accurate`. Stops quietly at a push that runs past the end, as Core's GetOp loop does.
 */
export function getSigOpCount(script: Uint8Array, accurate: boolean): number {
  let n = 0;
  let last = 0xff;
  let pc = 0;
  while (pc < script.length) {
    const op = script[pc++]!;
    if (op <= 0x4e) {
      let len = op;
      const width = op === 0x4c ? 1 : op === 0x4d ? 2 : op === 0x4e ? 4 : 0;
      if (width > 0) {
        if (pc + width > script.length) break;
        len = 0;
        for (let k = width - 1; k >= 0; k--) len = len * 256 + script[pc + k]!;
        pc += width;
      }
      if (pc + len > script.length) break;
      pc += len;
    } else if (op === OP_CHECKSIG || op === OP_CHECKSIGVERIFY) n++;
    else if (op === OP_CHECKMULTISIG || op === OP_CHECKMULTISIGVERIFY) {
      n += accurate && last >= OP_1 && last <= OP_16 ? last - OP_1 + 1 : 20;
    }
    last = op;
  }
  return n;
}

function isP2sh(s: Uint8Array): boolean {
  return s.length === 23 && s[0] === 0xa9 && s[1] === 0x14 && s[22] === 0x87;
}

function witnessSigOps(
  wp: { version: number; program: Uint8Array },
  witness: Uint8Array[],
): number {
  if (wp.version !== 0) return 0;
  if (wp.program.length === 20) return 1;
  if (wp.program.length === 32 && witness.length > 0) {
    return getSigOpCount(witness[witness.length - 1]!, true);
  }
  return 0;
}

/**
 * Core's GetTransactionSigOpCost with P2SH and WITNESS on (always, for mempool transactions):
 * legacy and P2SH sigops count 4 each, witness sigops 1.
 */
export function transactionSigOpCost(
  tx: {
    vin: { scriptSig: Uint8Array; witness: Uint8Array[] }[];
    vout: { scriptPubKey: Uint8Array }[];
  },
  spentScripts: readonly Uint8Array[],
): number {
  let legacy = 0;
  for (const i of tx.vin) legacy += getSigOpCount(i.scriptSig, false);
  for (const o of tx.vout) legacy += getSigOpCount(o.scriptPubKey, false);
  let cost = legacy * 4;
  tx.vin.forEach((input, i) => {
    const spk = spentScripts[i]!;
    let wp = witnessProgramOf(spk);
    if (isP2sh(spk)) {
      const stack = pushOnlyStack(input.scriptSig);
      const redeem = stack?.[stack.length - 1];
      if (redeem !== undefined) {
        cost += getSigOpCount(redeem, true) * 4;
        wp = witnessProgramOf(redeem);
      }
    }
    if (wp !== undefined) cost += witnessSigOps(wp, input.witness);
  });
  return cost;
}

export { isP2sh };
