/**
 * The chain's ScriptVerifier on top of the consensus interpreter, with a salted signature cache
 * (Core's CSignatureCache): a signature checked once — for the mempool or an earlier block
 * attempt — is not checked again. The salt comes from the caller's Random capability.
 */
import {
  PrecomputedTransactionData,
  SignatureCache,
  cachingVerifier,
  createNobleVerifier,
  verifyInput,
  type SignatureVerifier,
  type Transaction,
  type TxOut,
} from '@bitcoind-lite/consensus';
import type { ScriptResult, ScriptVerifier } from './script-verifier.js';

export interface InterpreterScriptVerifierOptions {
  /** 32 random bytes from the Random capability. */
  sigCacheSalt: Uint8Array;
  /** The elliptic-curve backend; @noble/secp256k1 when absent. */
  backend?: SignatureVerifier;
  /** Whether successful checks are remembered (true for the mempool, as Core's cache store). */
  storeInCache?: boolean;
  /**
   * A cache to share (e.g. the block verifier's, so checks done for the mempool make block
   * checks cheap, as Core's one signature cache does); a new salted one when absent.
   */
  cache?: SignatureCache;
}

export function createInterpreterScriptVerifier(
  o: InterpreterScriptVerifierOptions,
): ScriptVerifier & {
  readonly cache: SignatureCache;
} {
  if (o?.sigCacheSalt === undefined) {
    throw new TypeError('createInterpreterScriptVerifier: sigCacheSalt is required');
  }
  const cache = o.cache ?? new SignatureCache(o.sigCacheSalt);
  const verifier = cachingVerifier(
    o.backend ?? createNobleVerifier(),
    cache,
    o.storeInCache ?? true,
  );
  // Hashes shared by every input of one transaction (BIP143/341 precomputation), kept for the
  // transaction being checked: inputs arrive in order, one transaction at a time.
  let lastTx: Transaction | undefined;
  let lastTxdata: PrecomputedTransactionData | undefined;
  return {
    cache,
    verifyInput(
      tx: Transaction,
      index: number,
      spentOutputs: TxOut[],
      flags: number,
    ): ScriptResult {
      if (tx !== lastTx) {
        lastTx = tx;
        lastTxdata = new PrecomputedTransactionData(tx, spentOutputs);
      }
      const r = verifyInput(tx, index, spentOutputs, flags, { verifier, txdata: lastTxdata! });
      return r.ok ? { ok: true } : { ok: false, error: r.message };
    },
  };
}
