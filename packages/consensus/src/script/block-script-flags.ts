/**
 * The script flags a block is checked with (Core's GetBlockScriptFlags). As in current Core,
 * P2SH, WITNESS and TAPROOT apply to every block except the few historical blocks that broke
 * them, listed by hash (no other block in those chains violates the rules, so enforcing them
 * from genesis is equivalent to their activation heights); DERSIG (BIP66), CHECKLOCKTIMEVERIFY
 * (BIP65), CHECKSEQUENCEVERIFY (BIP112) and NULLDUMMY (BIP147, with segwit) follow their
 * buried-deployment heights.
 */
import { VERIFY } from './verify-flags.js';

/** The part of ChainParams this needs; a plain object so callers can pass their own heights. */
export interface ScriptFlagDeployments {
  network?: string;
  bip65Height: number;
  bip66Height: number;
  csvHeight: number;
  segwitHeight: number;
}

/** Core's script_flag_exceptions: block hash (display hex) -> the flags it is checked with. */
export const SCRIPT_FLAG_EXCEPTIONS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  main: {
    // The one block that violates BIP16 (P2SH).
    '00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22': VERIFY.NONE,
    // The one block that violates the taproot rules.
    '0000000000000000000f14c35b2d841e986ab5441de8c585d5ffe55ea1e395ad':
      VERIFY.P2SH | VERIFY.WITNESS,
  },
  test: {
    '00000000dd30457c001f4095d208cc1296b0eed002427aa599874af7a432b105': VERIFY.NONE,
  },
};

export function getBlockScriptFlags(
  height: number,
  blockHashHex: string | undefined,
  deployments: ScriptFlagDeployments,
): number {
  let flags: number = VERIFY.P2SH | VERIFY.WITNESS | VERIFY.TAPROOT;
  const exceptions = SCRIPT_FLAG_EXCEPTIONS[deployments.network ?? ''];
  if (blockHashHex !== undefined && exceptions?.[blockHashHex] !== undefined) {
    flags = exceptions[blockHashHex]!;
  }
  if (height >= deployments.bip66Height) flags |= VERIFY.DERSIG;
  if (height >= deployments.bip65Height) flags |= VERIFY.CHECKLOCKTIMEVERIFY;
  if (height >= deployments.csvHeight) flags |= VERIFY.CHECKSEQUENCEVERIFY;
  if (height >= deployments.segwitHeight) flags |= VERIFY.NULLDUMMY;
  return flags;
}
