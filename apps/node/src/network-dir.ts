/**
 * Where each network keeps its data inside the datadir, as Bitcoin Core lays it out: mainnet at
 * the top, the others in a sub-folder (`regtest/`, `testnet3/`, `testnet4/`, `signet/`).
 */
import type { Network as ConsensusNetwork } from '@bitcoind-lite/consensus';
import type { Network as ManifestNetwork } from '@bitcoind-lite/manifest';

export function consensusNetwork(n: ManifestNetwork): ConsensusNetwork {
  return n === 'testnet' ? 'test' : n;
}

/** Core's per-chain data directory name ("" for mainnet). */
export function networkDirName(n: ConsensusNetwork): string {
  switch (n) {
    case 'main':
      return '';
    case 'test':
      return 'testnet3';
    default:
      return n;
  }
}
