/** `block` and `tx`: the consensus serializations (with witness, BIP144). */
import { Block, BufferReader, DecodeError, Transaction } from '@bitcoind-lite/consensus';

export interface BlockMessage {
  type: 'block';
  block: Block;
}

export interface TxMessage {
  type: 'tx';
  tx: Transaction;
}

export function decodeBlock(payload: Uint8Array): BlockMessage {
  return { type: 'block', block: Block.decode(payload) };
}

export function decodeTx(payload: Uint8Array): TxMessage {
  const r = new BufferReader(payload);
  const tx = Transaction.read(r);
  if (!r.end()) throw new DecodeError('trailing bytes after tx');
  return { type: 'tx', tx };
}
