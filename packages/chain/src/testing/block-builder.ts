/**
 * Block and transaction builders for tests and benchmarks (not used by the node): regtest-style
 * coinbases with the BIP34 height, the BIP141 witness commitment, anyone-can-spend (OP_TRUE)
 * spends, and nonce grinding against a header's own target. Pure: no I/O, no randomness.
 */
import {
  Block,
  BlockHeader,
  type ChainParams,
  OutPoint,
  Transaction,
  type TxOut,
  checkProofOfWork,
  computeMerkleRoot,
  concatBytes,
  getBlockSubsidy,
  pushScriptNumber,
  sha256d,
} from '@bitcoind-lite/consensus';

export const OP_TRUE_SCRIPT = Uint8Array.of(0x51);
/** Regtest's nBits (no retargeting). */
export const REGTEST_BITS = 0x207fffff;
const WITNESS_COMMITMENT_HEADER = Uint8Array.of(0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed);

/** What a new block needs of its parent. */
export interface ParentRef {
  hash: Uint8Array;
  height: number;
  /** The parent's header time, in seconds. */
  time: number;
}

export interface BuildOptions {
  txs?: Transaction[];
  time?: number;
  /** Coinbase value; defaults to subsidy + feesSats. */
  coinbaseValue?: bigint;
  feesSats?: bigint;
  /** Distinguishes otherwise identical blocks on competing branches. */
  extraNonce?: number;
  payTo?: Uint8Array;
  version?: number;
  /** Add the BIP141 commitment (default true). */
  witnessCommitment?: boolean;
  bits?: number;
  /** Replaces the whole coinbase scriptSig (default: height, then the extra nonce). */
  coinbaseScriptSig?: Uint8Array;
}

/** A coinbase with the BIP34 height, an extra nonce push and one output. */
export function makeCoinbase(
  height: number,
  value: bigint,
  extraNonce: number,
  payTo: Uint8Array,
  scriptSig = concatBytes(pushScriptNumber(height), pushScriptNumber(extraNonce + 17)),
): Transaction {
  return new Transaction(
    2,
    [{ prevout: OutPoint.null(), scriptSig, sequence: 0xffffffff, witness: [new Uint8Array(32)] }],
    [{ value, scriptPubKey: payTo }],
    0,
  );
}

/** The BIP141 commitment output script for `txs` (after the coinbase) and a witness nonce. */
export function witnessCommitmentScript(
  txs: Transaction[],
  nonce = new Uint8Array(32),
): Uint8Array {
  const wtxids = [new Uint8Array(32), ...txs.map((t) => t.wtxid())];
  const root = computeMerkleRoot(wtxids).root;
  return concatBytes(WITNESS_COMMITMENT_HEADER, sha256d(concatBytes(root, nonce)));
}

/** Adds the BIP141 commitment output (nonce = 32 zero bytes) to the coinbase. */
export function withWitnessCommitment(coinbase: Transaction, txs: Transaction[]): Transaction {
  const vout: TxOut[] = [
    ...coinbase.vout,
    { value: 0n, scriptPubKey: witnessCommitmentScript(txs) },
  ];
  return new Transaction(coinbase.version, coinbase.vin, vout, coinbase.locktime);
}

/** Grinds the nonce until the header meets its own target. */
export function mine(header: BlockHeader, powLimit: bigint): BlockHeader {
  let h = header;
  while (!checkProofOfWork(h.hash(), h.bits, powLimit)) h = h.withNonce(h.nonce + 1);
  return h;
}

/** Grinds the nonce until the header does NOT meet its target (for high-hash tests). */
export function mineFailing(header: BlockHeader, powLimit: bigint): BlockHeader {
  let h = header;
  while (checkProofOfWork(h.hash(), h.bits, powLimit)) h = h.withNonce(h.nonce + 1);
  return h;
}

/** A block of `txs` (coinbase first) on `parent`, with the merkle root of `txs`, mined. */
export function assembleBlock(
  parent: ParentRef,
  txs: Transaction[],
  params: ChainParams,
  o: { version?: number; time?: number; bits?: number; merkleRoot?: Uint8Array } = {},
): Block {
  const header = new BlockHeader(
    o.version ?? 0x20000000,
    parent.hash,
    o.merkleRoot ?? computeMerkleRoot(txs.map((t) => t.txid())).root,
    o.time ?? parent.time + 600,
    o.bits ?? REGTEST_BITS,
    0,
  );
  return new Block(mine(header, params.powLimit), txs);
}

/** A valid regtest-style block on `parent` paying subsidy + fees to `payTo` (OP_TRUE). */
export function buildBlockOn(parent: ParentRef, params: ChainParams, o: BuildOptions = {}): Block {
  const height = parent.height + 1;
  const txs = o.txs ?? [];
  const value = o.coinbaseValue ?? getBlockSubsidy(height, params) + (o.feesSats ?? 0n);
  let cb = makeCoinbase(
    height,
    value,
    o.extraNonce ?? 0,
    o.payTo ?? OP_TRUE_SCRIPT,
    o.coinbaseScriptSig,
  );
  if (o.witnessCommitment !== false) cb = withWitnessCommitment(cb, txs);
  else cb = new Transaction(cb.version, [{ ...cb.vin[0]!, witness: [] }], cb.vout, cb.locktime);
  const opts: { version?: number; time?: number; bits?: number } = {};
  if (o.version !== undefined) opts.version = o.version;
  if (o.time !== undefined) opts.time = o.time;
  if (o.bits !== undefined) opts.bits = o.bits;
  return assembleBlock(parent, [cb, ...txs], params, opts);
}

/** A transaction spending outputs to `outputs` equal OP_TRUE outputs, paying `feeSats`. */
export function spendTx(
  prevouts: { txid: Uint8Array; vout: number; value: bigint }[],
  feeSats: bigint,
  outputs = 1,
  o: { version?: number; sequence?: number; locktime?: number; scriptSig?: Uint8Array } = {},
): Transaction {
  const total = prevouts.reduce((a, p) => a + p.value, 0n) - feeSats;
  const each = total / BigInt(outputs);
  const vout: TxOut[] = [];
  for (let i = 0; i < outputs; i++) vout.push({ value: each, scriptPubKey: OP_TRUE_SCRIPT });
  return new Transaction(
    o.version ?? 2,
    prevouts.map((p) => ({
      prevout: new OutPoint(p.txid, p.vout),
      scriptSig: o.scriptSig ?? new Uint8Array(0),
      sequence: o.sequence ?? 0xfffffffe,
      witness: [],
    })),
    vout,
    o.locktime ?? 0,
  );
}
