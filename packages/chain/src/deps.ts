/** Consensus imports used across the chain package, plus small time helpers. */
import type { Clock } from '@bitcoind-lite/runtime';

export {
  Block,
  type BlockHeader,
  type ChainParams,
  bytesEqual,
  compareBytes,
} from '@bitcoind-lite/consensus';

/** Whole seconds of the node's clock. */
export function nowSecondsOf(clock: Clock): number {
  return Math.floor(clock.nowMs() / 1000);
}
