/**
 * Block assembly for the mining RPCs, as Core's `BlockAssembler::CreateNewBlock`: a coinbase
 * paying subsidy plus fees to the given script, with the BIP34 height and the BIP141 witness
 * commitment, the transactions the caller selected, the time `max(MTP + 1, now)` and the bits the
 * difficulty rules require. Transaction selection lives with the mempool; this file only builds.
 */
import {
  Block,
  BlockHeader,
  OutPoint,
  SEQUENCE_FINAL,
  Transaction,
  buildScript,
  computeMerkleRoot,
  getBlockSubsidy,
  getNextWorkRequired,
  type ChainParams,
  type HeaderView,
  type Sats,
} from '@bitcoind-lite/consensus';
import { witnessCommitmentScript, WITNESS_RESERVED_VALUE } from './witness-commitment.js';

/** Core's VERSIONBITS_TOP_BITS: the version miners use when no deployment is signalled. */
export const VERSIONBITS_TOP_BITS = 0x20000000;

/** What assembly reads of the tip it builds on. */
export interface TemplateParent extends HeaderView {
  readonly hash: Uint8Array;
  medianTimePast(): number;
}

export interface SelectedTx {
  tx: Transaction;
  feeSats: Sats;
}

export interface BlockTemplate {
  block: Block;
  height: number;
  feesSats: Sats;
  coinbaseValueSats: Sats;
}

/**
 * The coinbase: scriptSig `<height> OP_0` (BIP34 height first; the OP_0 keeps it at least two
 * bytes, as Core's miner does, so height 1..16 still passes `bad-cb-length`).
 */
export function createCoinbase(
  height: number,
  payoutScript: Uint8Array,
  valueSats: Sats,
  extraNonce = 0,
): Transaction {
  const scriptSig = buildScript(
    extraNonce === 0 ? [{ num: height }, 0x00] : [{ num: height }, { num: extraNonce }],
  );
  return new Transaction(
    2,
    [{ prevout: OutPoint.null(), scriptSig, sequence: SEQUENCE_FINAL, witness: [] }],
    [{ value: valueSats, scriptPubKey: payoutScript }],
    0,
  );
}

export function createBlockTemplate(options: {
  parent: TemplateParent;
  params: ChainParams;
  nowSeconds: number;
  payoutScript: Uint8Array;
  txs?: readonly SelectedTx[];
}): BlockTemplate {
  const { parent, params, payoutScript } = options;
  const txs = options.txs ?? [];
  const height = parent.height + 1;
  const feesSats = txs.reduce((sum, t) => sum + t.feeSats, 0n);
  const coinbaseValueSats = getBlockSubsidy(height, params) + feesSats;
  const time = Math.max(parent.medianTimePast() + 1, options.nowSeconds);
  const bits = getNextWorkRequired(parent, time, params);

  const coinbase0 = createCoinbase(height, payoutScript, coinbaseValueSats);
  const body = txs.map((t) => t.tx);
  const witnessRoot = computeMerkleRoot([new Uint8Array(32), ...body.map((t) => t.wtxid())]).root;
  const coinbase = new Transaction(
    coinbase0.version,
    [{ ...coinbase0.vin[0]!, witness: [WITNESS_RESERVED_VALUE] }],
    [...coinbase0.vout, { value: 0n, scriptPubKey: witnessCommitmentScript(witnessRoot) }],
    coinbase0.locktime,
  );
  const all = [coinbase, ...body];
  const merkleRoot = computeMerkleRoot(all.map((t) => t.txid())).root;
  const header = new BlockHeader(VERSIONBITS_TOP_BITS, parent.hash, merkleRoot, time, bits, 0);
  return { block: new Block(header, all), height, feesSats, coinbaseValueSats };
}
