/**
 * The BIP141 witness commitment in the coinbase: an output
 * `OP_RETURN 0x24 0xaa21a9ed <sha256d(witness merkle root || witness reserved value)>`, and the
 * coinbase's single 32-byte witness item (the reserved value, zeros as Core's miner uses).
 */
import { concatBytes, sha256d } from '@bitcoind-lite/consensus';

export const WITNESS_COMMITMENT_HEADER = Uint8Array.of(0xaa, 0x21, 0xa9, 0xed);
export const WITNESS_RESERVED_VALUE = new Uint8Array(32);

export function witnessCommitmentScript(witnessRoot: Uint8Array): Uint8Array {
  const commitment = sha256d(concatBytes(witnessRoot, WITNESS_RESERVED_VALUE));
  return concatBytes(Uint8Array.of(0x6a, 0x24), WITNESS_COMMITMENT_HEADER, commitment);
}
