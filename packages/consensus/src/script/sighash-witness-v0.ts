/** BIP143: the segwit v0 signature hash, which commits to the spent amount. */
import { sha256d } from '../hash.js';
import { BufferWriter } from '../serialize.js';
import type { Transaction } from '../transaction.js';
import type { PrecomputedTransactionData } from './precomputed-transaction-data.js';
import { SIGHASH_ANYONECANPAY, SIGHASH_NONE, SIGHASH_SINGLE } from './sighash-types.js';

const ZERO32 = new Uint8Array(32);

/** The BIP143 preimage; `witnessV0SignatureHash` is its double SHA-256. */
export function witnessV0SigMsg(
  scriptCode: Uint8Array,
  tx: Transaction,
  inputIndex: number,
  hashType: number,
  amountSats: bigint,
  txdata: PrecomputedTransactionData,
): Uint8Array {
  const base = hashType & 0x1f;
  const anyoneCanPay = (hashType & SIGHASH_ANYONECANPAY) !== 0;
  const hashPrevouts: Uint8Array = anyoneCanPay ? ZERO32 : txdata.hashPrevouts();
  const hashSequence: Uint8Array =
    !anyoneCanPay && base !== SIGHASH_SINGLE && base !== SIGHASH_NONE
      ? txdata.hashSequence()
      : ZERO32;
  let hashOutputs: Uint8Array = ZERO32;
  if (base !== SIGHASH_SINGLE && base !== SIGHASH_NONE) hashOutputs = txdata.hashOutputs();
  else if (base === SIGHASH_SINGLE && inputIndex < tx.vout.length) {
    const o = tx.vout[inputIndex]!;
    hashOutputs = sha256d(new BufferWriter().i64(o.value).varBytes(o.scriptPubKey).toBytes());
  }
  const txin = tx.vin[inputIndex]!;
  const w = new BufferWriter(200 + scriptCode.length);
  w.u32(tx.version).bytes(hashPrevouts).bytes(hashSequence);
  txin.prevout.serialize(w);
  w.varBytes(scriptCode).i64(amountSats).u32(txin.sequence);
  w.bytes(hashOutputs)
    .u32(tx.locktime)
    .u32(hashType >>> 0);
  return w.toBytes();
}

export function witnessV0SignatureHash(
  scriptCode: Uint8Array,
  tx: Transaction,
  inputIndex: number,
  hashType: number,
  amountSats: bigint,
  txdata: PrecomputedTransactionData,
): Uint8Array {
  return sha256d(witnessV0SigMsg(scriptCode, tx, inputIndex, hashType, amountSats, txdata));
}
