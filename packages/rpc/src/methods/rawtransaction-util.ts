/** Core's DecodeHexTx (core_read.cpp) for the raw-transaction and mempool RPCs. */
import { fromHex, isHex, Transaction } from '@bitcoind-lite/consensus';
import { RPC_DESERIALIZATION_ERROR, RpcError } from '../protocol.js';

/**
 * Decodes a hex transaction as Core's DecodeHexTx with both forms allowed: the extended
 * (BIP144 witness) serialization first, then the legacy one, which is how a transaction with no
 * inputs (createrawtransaction output without inputs) reads back. Undefined when neither fits.
 */
export function decodeHexTx(
  hex: string,
  o: { tryWitness?: boolean; tryNoWitness?: boolean } = {},
): Transaction | undefined {
  if (!isHex(hex)) return undefined;
  const bytes = fromHex(hex);
  if (o.tryWitness ?? true) {
    try {
      return Transaction.decode(bytes, true);
    } catch {
      // fall through to the legacy form
    }
  }
  if (o.tryNoWitness ?? true) {
    try {
      return Transaction.decode(bytes, false);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function decodeHexTxOrThrow(value: unknown, message: string): Transaction {
  const tx = decodeHexTx(String(value));
  if (tx === undefined) throw new RpcError(RPC_DESERIALIZATION_ERROR, message);
  return tx;
}
