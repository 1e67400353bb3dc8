/** `ping` and `pong` (BIP31): an 8-byte nonce echoed back. */
import { BufferReader, BufferWriter } from '@bitcoind-lite/consensus';

export interface PingMessage {
  type: 'ping';
  nonce: bigint;
}
export interface PongMessage {
  type: 'pong';
  nonce: bigint;
}

export function encodeNonce(nonce: bigint): Uint8Array {
  return new BufferWriter(8).u64(nonce).toBytes();
}

export function decodeNonce(payload: Uint8Array): bigint {
  return new BufferReader(payload).u64();
}
