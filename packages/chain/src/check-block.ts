/**
 * Header and block checks, as Core's validation.cpp: CheckBlockHeader, CheckBlock (context-free)
 * and ContextualCheckBlockHeader, ContextualCheckBlock (need the parent). One rule per paragraph;
 * every failure carries Core's reject reason and result kind.
 */
import {
  type Block,
  type BlockHeader,
  type ChainParams,
  bytesEqual,
  checkProofOfWork,
  concatBytes,
  getLegacySigOpCount,
  getNextWorkRequired,
  pushScriptNumber,
  sha256d,
} from '@bitcoind-lite/consensus';
import type { BlockIndex } from './block-index.js';
import {
  MAX_BLOCK_SIGOPS_COST,
  MAX_BLOCK_WEIGHT_WU,
  WITNESS_SCALE_FACTOR,
  checkTransaction,
  isFinalTx,
} from './tx-checks.js';
import { type ValidationState, invalidState, validState } from './validation-state.js';

/** Core's MAX_FUTURE_BLOCK_TIME: two hours. */
export const MAX_FUTURE_BLOCK_TIME_S = 2 * 60 * 60;
const WITNESS_COMMITMENT_HEADER = Uint8Array.of(0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed);
const MINIMUM_WITNESS_COMMITMENT = 38;

/** Core's CheckBlockHeader: the hash meets the target its bits claim. */
export function checkBlockHeader(header: BlockHeader, params: ChainParams): ValidationState {
  if (!checkProofOfWork(header.hash(), header.bits, params.powLimit)) {
    return invalidState('invalid-header', 'high-hash', 'proof of work failed');
  }
  return validState();
}

/** Core's CheckBlock: structure, merkle root, coinbase placement, per-tx checks, legacy sigops. */
export function checkBlock(block: Block, params: ChainParams, checkPoW = true): ValidationState {
  if (checkPoW) {
    const s = checkBlockHeader(block.header, params);
    if (!s.valid) return s;
  }

  // A wrong root, or a root made ambiguous by duplicated hashes (CVE-2012-2459), means the
  // transactions may be a mangled copy of a valid block: 'mutated', never cached as invalid.
  const merkle = block.computeMerkleRoot();
  if (!bytesEqual(merkle.root, block.header.merkleRoot)) {
    return invalidState('mutated', 'bad-txnmrklroot', 'hashMerkleRoot mismatch');
  }
  if (merkle.mutated) {
    return invalidState('mutated', 'bad-txns-duplicate', 'duplicate transaction');
  }

  // Size limits, on the witness-stripped size (the full weight is checked in context).
  if (
    block.txs.length === 0 ||
    block.txs.length * WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT_WU ||
    block.baseSize() * WITNESS_SCALE_FACTOR > MAX_BLOCK_WEIGHT_WU
  ) {
    return invalidState('consensus', 'bad-blk-length', 'size limits failed');
  }

  // The first transaction and only it is a coinbase.
  if (!block.txs[0]!.isCoinbase()) {
    return invalidState('consensus', 'bad-cb-missing', 'first tx is not coinbase');
  }
  for (let i = 1; i < block.txs.length; i++) {
    if (block.txs[i]!.isCoinbase()) {
      return invalidState('consensus', 'bad-cb-multiple', 'more than one coinbase');
    }
  }

  for (const tx of block.txs) {
    const f = checkTransaction(tx);
    if (f !== undefined) {
      return invalidState(
        'consensus',
        f.reason,
        `Transaction check failed (tx hash ${tx.txidHex()}) ${f.debug ?? ''}`.trimEnd(),
      );
    }
  }

  let sigOps = 0;
  for (const tx of block.txs) sigOps += getLegacySigOpCount(tx);
  if (sigOps * WITNESS_SCALE_FACTOR > MAX_BLOCK_SIGOPS_COST) {
    return invalidState('consensus', 'bad-blk-sigops', 'out-of-bounds SigOpCount');
  }
  return validState();
}

/**
 * Core's ContextualCheckBlockHeader: the difficulty the chain requires, a time after the
 * parent's median time past and not too far ahead of our clock, and no outdated version once
 * BIP34/66/65 are buried.
 */
export function contextualCheckBlockHeader(
  header: BlockHeader,
  prev: BlockIndex,
  nowS: number,
  params: ChainParams,
): ValidationState {
  const height = prev.height + 1;

  if (header.bits !== getNextWorkRequired(prev, header.time, params)) {
    return invalidState('invalid-header', 'bad-diffbits', 'incorrect proof of work');
  }

  if (header.time <= prev.medianTimePast()) {
    return invalidState('invalid-header', 'time-too-old', "block's timestamp is too early");
  }

  if (header.time > nowS + MAX_FUTURE_BLOCK_TIME_S) {
    return invalidState('time-future', 'time-too-new', 'block timestamp too far in the future');
  }

  if (
    (header.version < 2 && height >= params.bip34Height) ||
    (header.version < 3 && height >= params.bip66Height) ||
    (header.version < 4 && height >= params.bip65Height)
  ) {
    const v = (header.version >>> 0).toString(16).padStart(8, '0');
    return invalidState('invalid-header', `bad-version(0x${v})`, `rejected nVersion=0x${v} block`);
  }
  return validState();
}

/** The index of the coinbase output carrying the BIP141 commitment (the last such), or -1. */
export function getWitnessCommitmentIndex(block: Block): number {
  const cb = block.txs[0];
  if (cb === undefined) return -1;
  let pos = -1;
  cb.vout.forEach((o, i) => {
    const s = o.scriptPubKey;
    if (
      s.length >= MINIMUM_WITNESS_COMMITMENT &&
      bytesEqual(s.subarray(0, 6), WITNESS_COMMITMENT_HEADER)
    ) {
      pos = i;
    }
  });
  return pos;
}

/**
 * Core's CheckWitnessMalleation: with segwit active and a commitment present, the coinbase
 * witness is one 32-byte nonce and the commitment matches; otherwise no witness data at all.
 */
export function checkWitnessMalleation(block: Block, segwitActive: boolean): ValidationState {
  if (segwitActive) {
    const pos = getWitnessCommitmentIndex(block);
    if (pos !== -1) {
      const w = block.txs[0]!.vin[0]!.witness;
      if (w.length !== 1 || w[0]!.length !== 32) {
        return invalidState(
          'mutated',
          'bad-witness-nonce-size',
          'CheckWitnessMalleation : invalid witness reserved value size',
        );
      }
      const root = block.computeWitnessMerkleRoot().root;
      const commitment = sha256d(concatBytes(root, w[0]!));
      const script = block.txs[0]!.vout[pos]!.scriptPubKey;
      if (!bytesEqual(commitment, script.subarray(6, 38))) {
        return invalidState(
          'mutated',
          'bad-witness-merkle-match',
          'CheckWitnessMalleation : witness merkle commitment mismatch',
        );
      }
      return validState();
    }
  }
  for (const tx of block.txs) {
    if (tx.hasWitness()) {
      return invalidState(
        'mutated',
        'unexpected-witness',
        'CheckWitnessMalleation : unexpected witness data found',
      );
    }
  }
  return validState();
}

/**
 * Core's ContextualCheckBlock: finality against the BIP113 cutoff, the BIP34 height in the
 * coinbase, the witness commitment, and the full weight.
 */
export function contextualCheckBlock(
  block: Block,
  prev: BlockIndex | undefined,
  params: ChainParams,
): ValidationState {
  const height = prev === undefined ? 0 : prev.height + 1;

  // BIP113: once CSV is active, lock times are measured against the parent's median time past.
  const cutoff =
    prev !== undefined && height >= params.csvHeight ? prev.medianTimePast() : block.header.time;
  for (const tx of block.txs) {
    if (!isFinalTx(tx, height, cutoff)) {
      return invalidState('consensus', 'bad-txns-nonfinal', 'non-final transaction');
    }
  }

  // BIP34: the coinbase scriptSig starts with the height as Core's `CScript() << nHeight`.
  if (height >= params.bip34Height) {
    const expect = pushScriptNumber(height);
    const sig = block.txs[0]!.vin[0]!.scriptSig;
    if (sig.length < expect.length || !bytesEqual(sig.subarray(0, expect.length), expect)) {
      return invalidState('consensus', 'bad-cb-height', 'block height mismatch in coinbase');
    }
  }

  const w = checkWitnessMalleation(block, height >= params.segwitHeight);
  if (!w.valid) return w;

  // BIP141: the weight including witness data.
  if (block.weight() > MAX_BLOCK_WEIGHT_WU) {
    return invalidState(
      'consensus',
      'bad-blk-weight',
      'ContextualCheckBlock : weight limit failed',
    );
  }
  return validState();
}
