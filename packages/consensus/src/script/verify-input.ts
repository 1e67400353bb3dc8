/**
 * The public entry point, with libbitcoinconsensus' meaning (bitcoinconsensus_verify_script
 * with spent outputs): does input `inputIndex` of `tx` correctly spend `spentOutputs[inputIndex]`
 * under `flags`? All spent outputs are required because taproot signatures commit to them.
 */
import type { Transaction, TxOut } from '../transaction.js';
import { PrecomputedTransactionData } from './precomputed-transaction-data.js';
import { scriptErrorString, type ScriptErrorName } from './script-error.js';
import { TransactionSignatureChecker } from './signature-checker.js';
import { createNobleVerifier, type SignatureVerifier } from './signature-verifier.js';
import { verifyScript } from './verify-script.js';

export interface VerifyInputOptions {
  /** Elliptic-curve backend; defaults to @noble/secp256k1. Wrap with `cachingVerifier` to cache. */
  verifier?: SignatureVerifier;
  /** Hashes shared by all inputs of `tx`; pass the same object when verifying several inputs. */
  txdata?: PrecomputedTransactionData;
}

export type VerifyInputResult =
  { ok: true } | { ok: false; error: ScriptErrorName; message: string };

let defaultVerifier: SignatureVerifier | undefined;

export function verifyInput(
  tx: Transaction,
  inputIndex: number,
  spentOutputs: readonly TxOut[],
  flags: number,
  options: VerifyInputOptions = {},
): VerifyInputResult {
  if (!Number.isInteger(inputIndex) || inputIndex < 0 || inputIndex >= tx.vin.length) {
    throw new RangeError(`inputIndex: expected 0..${tx.vin.length - 1}, got ${inputIndex}`);
  }
  if (spentOutputs.length !== tx.vin.length) {
    throw new RangeError(
      `spentOutputs: expected ${tx.vin.length} (one per input), got ${spentOutputs.length}`,
    );
  }
  const verifier = options.verifier ?? (defaultVerifier ??= createNobleVerifier());
  const txdata = options.txdata ?? new PrecomputedTransactionData(tx, spentOutputs);
  const spent = spentOutputs[inputIndex]!;
  const txin = tx.vin[inputIndex]!;
  const checker = new TransactionSignatureChecker(tx, inputIndex, spent.value, txdata, verifier);
  const r = verifyScript(
    txin.scriptSig,
    spent.scriptPubKey,
    txin.witness,
    flags,
    checker,
    verifier,
  );
  if (r.ok) return r;
  return { ok: false, error: r.error, message: scriptErrorString(r.error) };
}
