/**
 * Chain parameters for the five networks Bitcoin Core knows, with Core's values
 * (kernel/chainparams.cpp, chainparamsbase.cpp for RPC ports, validation.cpp for the BIP30
 * exceptions). Hashes are written in display (byte-reversed) hex, as Core prints them.
 *
 * Signet here is the default signet (Core's built-in challenge); a custom -signetchallenge is not
 * supported.
 */
import type { Block } from './block.js';
import { fromHex } from './bytes.js';
import { createTestnet4GenesisBlock, createTimesGenesisBlock } from './genesis.js';
import { sha256d } from './hash.js';
import { BufferWriter } from './serialize.js';

/** Core's chain names, as `getblockchaininfo` prints them in "chain". */
export type Network = 'main' | 'test' | 'testnet4' | 'signet' | 'regtest';

export const NETWORKS: readonly Network[] = ['main', 'test', 'testnet4', 'signet', 'regtest'];

/** BIP9 start time meaning "always active" and timeout meaning "never times out". */
export const BIP9_ALWAYS_ACTIVE = -1;
export const BIP9_NO_TIMEOUT = Number.MAX_SAFE_INTEGER;

/** A BIP9 version-bits deployment, as Core's `Consensus::BIP9Deployment`. */
export interface Bip9Deployment {
  bit: number;
  startTime: number;
  timeout: number;
  minActivationHeight: number;
  threshold: number;
  period: number;
}

export interface Bip30Exception {
  height: number;
  hash: string;
}

export interface ChainParams {
  network: Network;
  messageStart: Uint8Array;
  defaultPort: number;
  rpcPort: number;
  genesis: Block;
  /** Display hex of the genesis block hash (checked against `genesis` by the tests). */
  genesisHash: string;
  powLimit: bigint;
  powTargetSpacingS: number;
  powTargetTimespanS: number;
  powAllowMinDifficultyBlocks: boolean;
  powNoRetargeting: boolean;
  /** BIP94 (testnet4): retarget from the period's first block, and the timewarp rule. */
  enforceBIP94: boolean;
  subsidyHalvingInterval: number;
  bip34Height: number;
  /** Display hex of the block at bip34Height (all zeros where Core leaves it unset). */
  bip34Hash: string;
  bip65Height: number;
  bip66Height: number;
  csvHeight: number;
  segwitHeight: number;
  /**
   * Height from which taproot is enforced. Main: 709632 (its BIP9 deployment locked in with that
   * min_activation_height). Zero where Core makes it always active. Undefined for testnet3, where
   * it follows the BIP9 state machine over the chain's version bits.
   */
  taprootActivationHeight: number | undefined;
  taprootDeployment: Bip9Deployment;
  /** Blocks allowed to repeat an earlier coinbase txid (BIP30, validation.cpp). */
  bip30Exceptions: readonly Bip30Exception[];
  minimumChainWork: bigint;
  /** Display hex; all zeros means no assumed-valid block. */
  defaultAssumeValid: string;
  coinbaseMaturity: number;
  bech32Hrp: string;
  base58Prefixes: { pubkey: number; script: number; secret: number };
  /** BIP325 block signing challenge (signet only). */
  signetChallenge: Uint8Array | undefined;
  /** Core's IsTestChain: every chain but main. */
  isTestChain: boolean;
}

const ZERO_HASH = '0'.repeat(64);
const TESTNET_PREFIXES = { pubkey: 111, script: 196, secret: 239 };

function taproot(
  startTime: number,
  timeout: number,
  minActivationHeight: number,
  threshold: number,
  period: number,
): Bip9Deployment {
  return { bit: 2, startTime, timeout, minActivationHeight, threshold, period };
}

function target(hex: string): bigint {
  return BigInt('0x' + hex);
}

function makeMain(): ChainParams {
  return {
    network: 'main',
    messageStart: Uint8Array.of(0xf9, 0xbe, 0xb4, 0xd9),
    defaultPort: 8333,
    rpcPort: 8332,
    genesis: createTimesGenesisBlock(1231006505, 2083236893, 0x1d00ffff),
    genesisHash: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
    powLimit: target('00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff'),
    powTargetSpacingS: 600,
    powTargetTimespanS: 14 * 24 * 60 * 60,
    powAllowMinDifficultyBlocks: false,
    powNoRetargeting: false,
    enforceBIP94: false,
    subsidyHalvingInterval: 210000,
    bip34Height: 227931,
    bip34Hash: '000000000000024b89b42a942fe0d9fea3bb44ab7bd1b19115dd6a759c0808b8',
    bip65Height: 388381,
    bip66Height: 363725,
    csvHeight: 419328,
    segwitHeight: 481824,
    taprootActivationHeight: 709632,
    taprootDeployment: taproot(1619222400, 1628640000, 709632, 1815, 2016),
    bip30Exceptions: [
      { height: 91842, hash: '00000000000a4d0a398161ffc163c503763b1f4360639393e0e4c8e300e0caec' },
      { height: 91880, hash: '00000000000743f190a18c5577a3c2d2a1f610ae9601ac046a38084ccb7cd721' },
    ],
    minimumChainWork: target('0000000000000000000000000000000000000000dee8e2a309ad8a9820433c68'),
    defaultAssumeValid: '00000000000000000000611fd22f2df7c8fbd0688745c3a6c3bb5109cc2a12cb',
    coinbaseMaturity: 100,
    bech32Hrp: 'bc',
    base58Prefixes: { pubkey: 0, script: 5, secret: 128 },
    signetChallenge: undefined,
    isTestChain: false,
  };
}

function makeTestnet3(): ChainParams {
  return {
    network: 'test',
    messageStart: Uint8Array.of(0x0b, 0x11, 0x09, 0x07),
    defaultPort: 18333,
    rpcPort: 18332,
    genesis: createTimesGenesisBlock(1296688602, 414098458, 0x1d00ffff),
    genesisHash: '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943',
    powLimit: target('00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff'),
    powTargetSpacingS: 600,
    powTargetTimespanS: 14 * 24 * 60 * 60,
    powAllowMinDifficultyBlocks: true,
    powNoRetargeting: false,
    enforceBIP94: false,
    subsidyHalvingInterval: 210000,
    bip34Height: 21111,
    bip34Hash: '0000000023b3a96d3484e5abb3755c413e7d41500f8e2a5c3f0dd01299cd8ef8',
    bip65Height: 581885,
    bip66Height: 330776,
    csvHeight: 770112,
    segwitHeight: 834624,
    taprootActivationHeight: undefined,
    taprootDeployment: taproot(1619222400, 1628640000, 0, 1512, 2016),
    bip30Exceptions: [],
    minimumChainWork: target('0000000000000000000000000000000000000000000016dd270dd94fac1d7632'),
    defaultAssumeValid: '0000000000000065c6c38258e201971a3fdfcc2ceee0dd6e85a6c022d45dee34',
    coinbaseMaturity: 100,
    bech32Hrp: 'tb',
    base58Prefixes: TESTNET_PREFIXES,
    signetChallenge: undefined,
    isTestChain: true,
  };
}

function makeTestnet4(): ChainParams {
  return {
    network: 'testnet4',
    messageStart: Uint8Array.of(0x1c, 0x16, 0x3f, 0x28),
    defaultPort: 48333,
    rpcPort: 48332,
    genesis: createTestnet4GenesisBlock(),
    genesisHash: '00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043',
    powLimit: target('00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff'),
    powTargetSpacingS: 600,
    powTargetTimespanS: 14 * 24 * 60 * 60,
    powAllowMinDifficultyBlocks: true,
    powNoRetargeting: false,
    enforceBIP94: true,
    subsidyHalvingInterval: 210000,
    bip34Height: 1,
    bip34Hash: ZERO_HASH,
    bip65Height: 1,
    bip66Height: 1,
    csvHeight: 1,
    segwitHeight: 1,
    taprootActivationHeight: 0,
    taprootDeployment: taproot(BIP9_ALWAYS_ACTIVE, BIP9_NO_TIMEOUT, 0, 1512, 2016),
    bip30Exceptions: [],
    minimumChainWork: target('00000000000000000000000000000000000000000000034a4690fe592dc49c7c'),
    defaultAssumeValid: '000000000000000180a58e7fa3b0db84b5ea76377524894f53660d93ac839d9b',
    coinbaseMaturity: 100,
    bech32Hrp: 'tb',
    base58Prefixes: TESTNET_PREFIXES,
    signetChallenge: undefined,
    isTestChain: true,
  };
}

/** Core's default signet challenge: a 1-of-2 bare multisig. */
const DEFAULT_SIGNET_CHALLENGE =
  '512103ad5e0edad18cb1f0fc0d28a3d4f1f3e445640337489abb10404f2d1e086be430210359ef5021964fe22d6f8e05b2463c9540ce96883fe3b278760f048f5189f2e6c452ae';

/** BIP325: signet's message start is the first 4 bytes of sha256d(challenge as a var-bytes). */
export function signetMessageStart(challenge: Uint8Array): Uint8Array {
  const w = new BufferWriter();
  w.varBytes(challenge);
  return sha256d(w.toBytes()).slice(0, 4);
}

function makeSignet(): ChainParams {
  const challenge = fromHex(DEFAULT_SIGNET_CHALLENGE);
  return {
    network: 'signet',
    messageStart: signetMessageStart(challenge),
    defaultPort: 38333,
    rpcPort: 38332,
    genesis: createTimesGenesisBlock(1598918400, 52613770, 0x1e0377ae),
    genesisHash: '00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6',
    powLimit: target('00000377ae000000000000000000000000000000000000000000000000000000'),
    powTargetSpacingS: 600,
    powTargetTimespanS: 14 * 24 * 60 * 60,
    powAllowMinDifficultyBlocks: false,
    powNoRetargeting: false,
    enforceBIP94: false,
    subsidyHalvingInterval: 210000,
    bip34Height: 1,
    bip34Hash: ZERO_HASH,
    bip65Height: 1,
    bip66Height: 1,
    csvHeight: 1,
    segwitHeight: 1,
    taprootActivationHeight: 0,
    taprootDeployment: taproot(BIP9_ALWAYS_ACTIVE, BIP9_NO_TIMEOUT, 0, 1815, 2016),
    bip30Exceptions: [],
    minimumChainWork: target('0000000000000000000000000000000000000000000000000000067d328e681a'),
    defaultAssumeValid: '000000128586e26813922680309f04e1de713c7542fee86ed908f56368aefe2e',
    coinbaseMaturity: 100,
    bech32Hrp: 'tb',
    base58Prefixes: TESTNET_PREFIXES,
    signetChallenge: challenge,
    isTestChain: true,
  };
}

function makeRegtest(): ChainParams {
  return {
    network: 'regtest',
    messageStart: Uint8Array.of(0xfa, 0xbf, 0xb5, 0xda),
    defaultPort: 18444,
    rpcPort: 18443,
    genesis: createTimesGenesisBlock(1296688602, 2, 0x207fffff),
    genesisHash: '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
    powLimit: target('7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'),
    powTargetSpacingS: 600,
    // Regtest's retarget window is one day, though it never retargets (fPowNoRetargeting).
    powTargetTimespanS: 24 * 60 * 60,
    powAllowMinDifficultyBlocks: true,
    powNoRetargeting: true,
    enforceBIP94: false,
    subsidyHalvingInterval: 150,
    bip34Height: 1,
    bip34Hash: ZERO_HASH,
    bip65Height: 1,
    bip66Height: 1,
    csvHeight: 1,
    segwitHeight: 0,
    taprootActivationHeight: 0,
    taprootDeployment: taproot(BIP9_ALWAYS_ACTIVE, BIP9_NO_TIMEOUT, 0, 108, 144),
    bip30Exceptions: [],
    minimumChainWork: 0n,
    defaultAssumeValid: ZERO_HASH,
    coinbaseMaturity: 100,
    bech32Hrp: 'bcrt',
    base58Prefixes: TESTNET_PREFIXES,
    signetChallenge: undefined,
    isTestChain: true,
  };
}

const MAKERS: Record<Network, () => ChainParams> = {
  main: makeMain,
  test: makeTestnet3,
  testnet4: makeTestnet4,
  signet: makeSignet,
  regtest: makeRegtest,
};

const cache = new Map<Network, ChainParams>();

/** The parameters of `network`; a name Core does not know is a RangeError naming it. */
export function getChainParams(network: Network): ChainParams {
  const make = MAKERS[network];
  if (make === undefined) {
    throw new RangeError(`getChainParams: unknown network '${String(network)}'`);
  }
  let p = cache.get(network);
  if (p === undefined) {
    p = Object.freeze(make());
    cache.set(network, p);
  }
  return p;
}

/** Core's GetNetworkForMagic: which network a P2P message start belongs to. */
export function networkForMessageStart(magic: Uint8Array): Network | undefined {
  for (const n of NETWORKS) {
    const m = getChainParams(n).messageStart;
    if (magic.length === 4 && m.every((b, i) => magic[i] === b)) return n;
  }
  return undefined;
}
