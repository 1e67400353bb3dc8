/**
 * Merkle roots as Core's `ComputeMerkleRoot`, including its `mutated` flag: two identical
 * adjacent hashes at any level make the tree ambiguous (CVE-2012-2459), so a block with that
 * shape may be a mutated copy of a valid one and must not be marked permanently invalid.
 */
import { bytesEqual, concatBytes } from './bytes.js';
import { sha256d } from './hash.js';

export interface MerkleResult {
  root: Uint8Array;
  mutated: boolean;
}

export function computeMerkleRoot(leaves: Uint8Array[]): MerkleResult {
  if (leaves.length === 0) return { root: new Uint8Array(32), mutated: false };
  let level = leaves.slice();
  let mutated = false;
  while (level.length > 1) {
    for (let i = 0; i + 1 < level.length; i += 2) {
      if (bytesEqual(level[i]!, level[i + 1]!)) mutated = true;
    }
    if (level.length % 2 === 1) level.push(level[level.length - 1]!);
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(sha256d(concatBytes(level[i]!, level[i + 1]!)));
    level = next;
  }
  return { root: level[0]!, mutated };
}
