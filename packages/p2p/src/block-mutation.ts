/**
 * Core's IsBlockMutated (validation.cpp), which net_processing runs on every received block whose
 * parent it knows, before validation: a block whose transactions do not match its header in a
 * way a relaying peer could have caused (CVE-2012-2459 duplicates, a merkle root mismatch,
 * witness data that does not match the commitment) is the peer's fault, "mutated block", and
 * must never get the real block with the same hash marked invalid.
 */
import {
  type Block,
  computeMerkleRoot,
  getChainParams,
  networkForMessageStart,
} from '@bitcoind-lite/consensus';
import { checkWitnessMalleation } from '@bitcoind-lite/chain';

/**
 * Core's IsBlockMutated; `checkWitnessRoot` is whether segwit is active for the block. `log`
 * gets Core's "Block mutated: <reject reason>, <debug message>" line (its validation category).
 */
export function isBlockMutated(
  block: Block,
  checkWitnessRoot: boolean,
  log: (line: string) => void = () => undefined,
): boolean {
  // Core's CheckMerkleRoot: a different root, or a tree with repeated adjacent hashes.
  const { root, mutated } = computeMerkleRoot(block.txs.map((t) => t.txid()));
  if (!Buffer.from(root).equals(Buffer.from(block.header.merkleRoot))) {
    log('Block mutated: bad-txnmrklroot, hashMerkleRoot mismatch');
    return true;
  }
  if (mutated) {
    log('Block mutated: bad-txns-duplicate, duplicate transaction');
    return true;
  }
  const first = block.txs[0];
  if (first === undefined || !first.isCoinbase()) {
    // Without a coinbase the block is invalid anyway; a 64-byte transaction could be an inner
    // merkle node in disguise, so Core calls that shape mutated.
    return block.txs.some((t) => t.serialize(false).length === 64);
  }
  const w = checkWitnessMalleation(block, checkWitnessRoot);
  if (w.valid) return false;
  log(`Block mutated: ${w.rejectReason ?? ''}${w.debugMessage ? `, ${w.debugMessage}` : ''}`);
  return true;
}

/**
 * The segwit activation height of the network with message start `magic` (Core's
 * GetNetworkForMagic); a magic no built-in network has is a custom signet, which has signet's.
 */
export function segwitHeightForMagic(magic: Uint8Array): number {
  return getChainParams(networkForMessageStart(magic) ?? 'signet').segwitHeight;
}
