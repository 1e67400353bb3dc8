/**
 * Signing the wallet's inputs (Core's SignTransaction over its descriptor signing providers):
 * P2WPKH with the BIP143 sighash and ECDSA (RFC6979, low-S, DER), P2TR key path with the BIP341
 * sighash and BIP340 Schnorr (aux randomness from the Random capability). Inputs the wallet
 * cannot sign are left as they are; `verifyInput` then reports why, as Core does.
 */
import {
  hash160,
  p2pkhScript,
  PrecomputedTransactionData,
  scriptErrorString,
  SigVersion,
  SIGHASH_ALL,
  SIGHASH_DEFAULT,
  STANDARD_SCRIPT_VERIFY_FLAGS,
  taprootSignatureHash,
  Transaction,
  verifyInput,
  witnessV0SignatureHash,
  type TxIn,
  type TxOut,
} from '@bitcoind-lite/consensus';
import { signEcdsaDer, signSchnorr, taprootTweakSecret } from './secp.js';
import type { Wallet } from './wallet.js';

export interface SignInputError {
  index: number;
  error: string;
}

export interface SignResult {
  tx: Transaction;
  complete: boolean;
  errors: SignInputError[];
}

/**
 * Signs every input whose prevout is known (`spent[i]`) and pays a wallet script. `hashType`
 * SIGHASH_DEFAULT means ALL for segwit v0 and the 64-byte default for taproot (BIP341).
 */
export function signTransaction(
  wallet: Wallet,
  tx: Transaction,
  spent: readonly (TxOut | undefined)[],
  hashType: number = SIGHASH_DEFAULT,
): SignResult {
  const vin: TxIn[] = tx.vin.map((i) => ({ ...i, witness: [...i.witness] }));
  const allKnown = spent.every((s) => s !== undefined);
  const unsigned = new Transaction(tx.version, vin, tx.vout, tx.locktime);
  const txdata = new PrecomputedTransactionData(
    unsigned,
    allKnown ? (spent as TxOut[]) : undefined,
  );
  for (let i = 0; i < vin.length; i++) {
    const prev = spent[i];
    if (prev === undefined) continue;
    const key = wallet.secretFor(prev.scriptPubKey);
    if (key === undefined) continue;
    if (key.info.slot.record.type === 'wpkh') {
      const ht = hashType === SIGHASH_DEFAULT ? SIGHASH_ALL : hashType;
      const scriptCode = p2pkhScript(hash160(key.info.key.pubkey));
      const digest = witnessV0SignatureHash(scriptCode, unsigned, i, ht, prev.value, txdata);
      const sig = signEcdsaDer(digest, key.secret);
      vin[i]!.scriptSig = new Uint8Array(0);
      vin[i]!.witness = [Uint8Array.from([...sig, ht]), key.info.key.pubkey];
    } else {
      // BIP341 commits to every spent output: without them all, the key path cannot sign.
      if (!allKnown) continue;
      const digest = taprootSignatureHash(unsigned, i, hashType, SigVersion.TAPROOT, txdata, {
        annexHash: undefined,
      });
      if (digest === undefined) continue;
      const sig = signSchnorr(digest, taprootTweakSecret(key.secret), wallet.drawRandomBytes(32));
      vin[i]!.witness = [hashType === SIGHASH_DEFAULT ? sig : Uint8Array.from([...sig, hashType])];
    }
  }
  const signed = new Transaction(tx.version, vin, tx.vout, tx.locktime);
  const errors: SignInputError[] = [];
  for (let i = 0; i < vin.length; i++) {
    const prev = spent[i];
    if (prev === undefined) {
      errors.push({ index: i, error: 'Input not found or already spent' });
      continue;
    }
    const outputs = spent.map((s) => s ?? { value: 0n, scriptPubKey: new Uint8Array(0) });
    const r = verifyInput(signed, i, outputs, STANDARD_SCRIPT_VERIFY_FLAGS);
    if (!r.ok) {
      const msg = scriptErrorString(r.error);
      errors.push({
        index: i,
        // Core's SignTransaction rewords an empty-stack failure as a missing key.
        error:
          r.error === 'INVALID_STACK_OPERATION'
            ? 'Unable to sign input, invalid stack size (possibly missing key)'
            : msg,
      });
    }
  }
  return { tx: signed, complete: errors.length === 0, errors };
}
