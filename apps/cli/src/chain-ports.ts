/**
 * Per-chain defaults bitcoin-cli uses (Core's chainparamsbase.cpp): the RPC port and the folder
 * below the datadir where the node keeps `.cookie`.
 */

export type ChainName = 'main' | 'test' | 'testnet4' | 'signet' | 'regtest';

export const RPC_PORTS: Record<ChainName, number> = {
  main: 8332,
  test: 18332,
  testnet4: 48332,
  signet: 38332,
  regtest: 18443,
};

/** Folder below the datadir; mainnet uses the datadir itself. */
export const CHAIN_DIRS: Record<ChainName, string> = {
  main: '',
  test: 'testnet3',
  testnet4: 'testnet4',
  signet: 'signet',
  regtest: 'regtest',
};

export function isChainName(s: string): s is ChainName {
  return Object.hasOwn(RPC_PORTS, s);
}
