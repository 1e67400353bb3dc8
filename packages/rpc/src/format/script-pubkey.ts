/**
 * The `scriptPubKey` object Core prints for an output (`ScriptToUniv`): asm, desc (the inferred
 * descriptor with checksum), hex, address (when the script has one) and type.
 */
import {
  addDescriptorChecksum,
  encodeAddress,
  solveScript,
  toHex,
  type ChainParams,
} from '@bitcoind-lite/consensus';
import { scriptToAsm } from './script-asm.js';

/**
 * Core's InferDescriptor for a script the node holds no keys for: `pk()`, `multi()` and
 * `rawtr()` where the script shows the keys, `addr()` where it has an address, else `raw()`.
 */
export function inferDescriptor(script: Uint8Array, params: ChainParams): string {
  const { type, solutions } = solveScript(script);
  let desc: string;
  if (type === 'pubkey') desc = `pk(${toHex(solutions[0]!)})`;
  else if (type === 'multisig') {
    const m = solutions[0]![0]!;
    desc = `multi(${m},${solutions.slice(1, -1).map(toHex).join(',')})`;
  } else if (type === 'witness_v1_taproot') desc = `rawtr(${toHex(solutions[0]!)})`;
  else {
    const address = encodeAddress(script, params);
    desc = address !== undefined ? `addr(${address})` : `raw(${toHex(script)})`;
  }
  return addDescriptorChecksum(desc);
}

export interface ScriptPubKeyJson {
  asm: string;
  desc: string;
  hex: string;
  address?: string;
  type: string;
}

export function scriptPubKeyToJson(script: Uint8Array, params: ChainParams): ScriptPubKeyJson {
  const { type } = solveScript(script);
  const out: ScriptPubKeyJson = {
    asm: scriptToAsm(script),
    desc: inferDescriptor(script, params),
    hex: toHex(script),
    type,
  };
  const address = encodeAddress(script, params);
  if (address !== undefined) {
    // Core places "address" between "hex" and "type".
    return { asm: out.asm, desc: out.desc, hex: out.hex, address, type };
  }
  return out;
}
