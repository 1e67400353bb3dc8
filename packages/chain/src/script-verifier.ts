/**
 * The seam where the script interpreter plugs into block connection, and the script flags a
 * block is checked with (Core's GetBlockScriptFlags).
 */
import type { ChainParams, Transaction, TxOut } from '@bitcoind-lite/consensus';
import type { BlockIndex } from './block-index.js';

export interface ScriptResult {
  ok: boolean;
  /** Core's ScriptErrorString text when not ok, e.g. "Signature must be zero for failed ...". */
  error?: string;
}

/** Verifies input `index` of `tx`, given every spent output in input order (BIP341 needs all). */
export interface ScriptVerifier {
  verifyInput(tx: Transaction, index: number, spentOutputs: TxOut[], flags: number): ScriptResult;
}

// Core's SCRIPT_VERIFY_* bit positions (interpreter.h).
const P2SH = 1 << 0;
const DERSIG = 1 << 2;
const NULLDUMMY = 1 << 4;
const CHECKLOCKTIMEVERIFY = 1 << 9;
const CHECKSEQUENCEVERIFY = 1 << 10;
const WITNESS = 1 << 11;
const TAPROOT = 1 << 17;

/** Mainnet blocks Core checks with fewer flags (script_flag_exceptions in chainparams.cpp). */
const SCRIPT_FLAG_EXCEPTIONS: ReadonlyMap<string, number> = new Map([
  // BIP16 exception: a block that spent a P2SH output before the rule was enforced.
  ['00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22', 0],
  // Taproot exception: a block that spent a v1 witness output before taproot activated.
  ['0000000000000000000f14c35b2d841e986ab5441de8c585d85ffe28a2c9839a6', P2SH | WITNESS],
]);

/**
 * Core's GetBlockScriptFlags: P2SH, segwit and taproot are checked for every block (they are
 * buried; historical blocks satisfy them, bar the two exceptions), DERSIG/CLTV/CSV from their
 * heights, NULLDUMMY with segwit.
 */
export function getBlockScriptFlags(idx: BlockIndex, params: ChainParams): number {
  let flags = P2SH | WITNESS | TAPROOT;
  if (params.network === 'main') {
    const exception = SCRIPT_FLAG_EXCEPTIONS.get(idx.hashHex);
    if (exception !== undefined) flags = exception;
  }
  if (idx.height >= params.bip66Height) flags |= DERSIG;
  if (idx.height >= params.bip65Height) flags |= CHECKLOCKTIMEVERIFY;
  if (idx.height >= params.csvHeight) flags |= CHECKSEQUENCEVERIFY;
  if (idx.height >= params.segwitHeight) flags |= NULLDUMMY;
  return flags;
}
