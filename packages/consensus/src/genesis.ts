/**
 * Genesis blocks, built the way Core's `CreateGenesisBlock` builds them (kernel/chainparams.cpp):
 * one coinbase paying 50 BTC, whose scriptSig pushes 486604799 (0x1d00ffff), the number 4 and
 * a headline; version 1, null prevBlock, the merkle root of that one transaction.
 */
import { Block, BlockHeader } from './block.js';
import { fromHex } from './bytes.js';
import { OP } from './script/opcodes.js';
import { buildScript } from './script-num.js';
import { OutPoint, Transaction } from './transaction.js';

export const GENESIS_REWARD_SATS = 50n * 100_000_000n;

/** The headline the first block carries, and the key Satoshi paid it to. */
export const GENESIS_TIMES_HEADLINE =
  'The Times 03/Jan/2009 Chancellor on brink of second bailout for banks';
const GENESIS_OUTPUT_PUBKEY =
  '04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f';

export interface GenesisSpec {
  headline: string;
  outputScript: Uint8Array;
  time: number;
  nonce: number;
  bits: number;
  version: number;
  rewardSats: bigint;
}

export function createGenesisBlock(spec: GenesisSpec): Block {
  const scriptSig = buildScript([
    { num: 486604799 },
    // Core writes CScriptNum(4) as a one-byte data push (01 04), not OP_4.
    Uint8Array.of(4),
    new TextEncoder().encode(spec.headline),
  ]);
  const coinbase = new Transaction(
    1,
    [{ prevout: OutPoint.null(), scriptSig, sequence: 0xffffffff, witness: [] }],
    [{ value: spec.rewardSats, scriptPubKey: spec.outputScript }],
    0,
  );
  const merkleRoot = coinbase.txid();
  const header = new BlockHeader(
    spec.version,
    new Uint8Array(32),
    merkleRoot,
    spec.time,
    spec.bits,
    spec.nonce,
  );
  return new Block(header, [coinbase]);
}

/** The Times genesis (main, testnet3, signet, regtest differ only in time, nonce and bits). */
export function createTimesGenesisBlock(time: number, nonce: number, bits: number): Block {
  return createGenesisBlock({
    headline: GENESIS_TIMES_HEADLINE,
    outputScript: buildScript([fromHex(GENESIS_OUTPUT_PUBKEY), OP.CHECKSIG]),
    time,
    nonce,
    bits,
    version: 1,
    rewardSats: GENESIS_REWARD_SATS,
  });
}

/** Testnet4's genesis (BIP94): its own headline and an unspendable all-zero 33-byte key. */
export function createTestnet4GenesisBlock(): Block {
  return createGenesisBlock({
    headline: '03/May/2024 000000000000000000001ebd58c244970b3aa9d783bb001011fbe8ea8e98e00e',
    outputScript: buildScript([new Uint8Array(33), OP.CHECKSIG]),
    time: 1714777860,
    nonce: 393743547,
    bits: 0x1d00ffff,
    version: 1,
    rewardSats: GENESIS_REWARD_SATS,
  });
}
