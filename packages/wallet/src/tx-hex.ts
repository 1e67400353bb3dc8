/** Transaction hex decoding for the wallet's records and RPCs. */
import { fromHex, Transaction } from '@bitcoind-lite/consensus';

export function decodeTxHex(hex: string): Transaction {
  return Transaction.decode(fromHex(hex));
}
