/** Test helpers: real datadirs in temp folders, a settable clock, regtest block building. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { Logger, type Clock, type Timer } from '@bitcoind-lite/runtime';
import type { Random } from '@bitcoind-lite/entropy';
import { openDirCapability } from '@bitcoind-lite/storage/host';
import type { Dir } from '@bitcoind-lite/storage';
import { type BlockIndex, ChainstateManager, type ScriptVerifier } from '../src/index.js';

export const OP_TRUE_SCRIPT = Uint8Array.of(0x51);

export class TestClock implements Clock {
  constructor(public nowS: number) {}
  nowMs(): number {
    return this.nowS * 1000;
  }
  monotonicMs(): number {
    return performance.now();
  }
  setTimeout(cb: () => void, ms: number): Timer {
    const t = setTimeout(cb, ms);
    return { cancel: () => clearTimeout(t) };
  }
  setInterval(cb: () => void, ms: number): Timer {
    const t = setInterval(cb, ms);
    return { cancel: () => clearInterval(t) };
  }
}

export const testRandom: Random = {
  fill(out: Uint8Array): Uint8Array {
    for (let i = 0; i < out.length; i++) out[i] = (i * 31 + 7) & 0xff;
    return out;
  },
};

export function collectingLogger(clock: Clock, lines: string[] = []): Logger {
  return new Logger({ write: (l) => void lines.push(l) }, clock, ['validation']);
}

export async function tempDir(
  prefix = 'chain-test-',
): Promise<{ path: string; dir: Dir; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  const dir = await openDirCapability(path);
  return { path, dir, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export async function openChain(
  dir: Dir,
  params: ChainParams,
  clock: Clock,
  extra: { dbcacheMiB?: number; scriptVerifier?: ScriptVerifier; lines?: string[] } = {},
): Promise<ChainstateManager> {
  const opts: Parameters<typeof ChainstateManager.open>[0] = {
    datadir: dir,
    params,
    clock,
    logger: collectingLogger(clock, extra.lines),
    random: testRandom,
  };
  if (extra.dbcacheMiB !== undefined) opts.dbcacheMiB = extra.dbcacheMiB;
  if (extra.scriptVerifier !== undefined) opts.scriptVerifier = extra.scriptVerifier;
  return ChainstateManager.open(opts);
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
  witnessCommitment?: boolean;
}

/** A coinbase with the BIP34 height, an extra nonce push and an OP_TRUE output. */
export function makeCoinbase(
  height: number,
  value: bigint,
  extraNonce: number,
  payTo: Uint8Array,
): Transaction {
  const scriptSig = concatBytes(pushScriptNumber(height), pushScriptNumber(extraNonce + 17));
  return new Transaction(
    2,
    [{ prevout: OutPoint.null(), scriptSig, sequence: 0xffffffff, witness: [new Uint8Array(32)] }],
    [{ value, scriptPubKey: payTo }],
    0,
  );
}

/** Adds the BIP141 commitment output (nonce = 32 zero bytes) to the coinbase. */
export function withWitnessCommitment(coinbase: Transaction, txs: Transaction[]): Transaction {
  const wtxids = [new Uint8Array(32), ...txs.map((t) => t.wtxid())];
  const root = computeMerkleRoot(wtxids).root;
  const commitment = sha256d(concatBytes(root, new Uint8Array(32)));
  const script = concatBytes(Uint8Array.of(0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed), commitment);
  const vout: TxOut[] = [...coinbase.vout, { value: 0n, scriptPubKey: script }];
  return new Transaction(coinbase.version, coinbase.vin, vout, coinbase.locktime);
}

export function mine(header: BlockHeader, powLimit: bigint): BlockHeader {
  let h = header;
  while (!checkProofOfWork(h.hash(), h.bits, powLimit)) h = h.withNonce(h.nonce + 1);
  return h;
}

export function buildBlock(prev: BlockIndex, params: ChainParams, o: BuildOptions = {}): Block {
  const height = prev.height + 1;
  const txs = o.txs ?? [];
  const value = o.coinbaseValue ?? getBlockSubsidy(height, params) + (o.feesSats ?? 0n);
  let cb = makeCoinbase(height, value, o.extraNonce ?? 0, o.payTo ?? OP_TRUE_SCRIPT);
  if (o.witnessCommitment !== false) cb = withWitnessCommitment(cb, txs);
  else cb = new Transaction(cb.version, [{ ...cb.vin[0]!, witness: [] }], cb.vout, cb.locktime);
  const all = [cb, ...txs];
  const merkle = computeMerkleRoot(all.map((t) => t.txid())).root;
  const header = new BlockHeader(
    o.version ?? 0x20000000,
    prev.hash,
    merkle,
    o.time ?? prev.header.time + 600,
    0x207fffff,
    0,
  );
  return new Block(mine(header, params.powLimit), all);
}

/** A transaction spending OP_TRUE outputs to one OP_TRUE output, paying `feeSats`. */
export function spendTx(
  prevouts: { txid: Uint8Array; vout: number; value: bigint }[],
  feeSats: bigint,
  outputs = 1,
): Transaction {
  const total = prevouts.reduce((a, p) => a + p.value, 0n) - feeSats;
  const each = total / BigInt(outputs);
  const vout: TxOut[] = [];
  for (let i = 0; i < outputs; i++) vout.push({ value: each, scriptPubKey: OP_TRUE_SCRIPT });
  return new Transaction(
    2,
    prevouts.map((p) => ({
      prevout: new OutPoint(p.txid, p.vout),
      scriptSig: new Uint8Array(0),
      sequence: 0xfffffffe,
      witness: [],
    })),
    vout,
    0,
  );
}

/** Mines and submits `n` blocks on the tip; returns them. */
export async function mineBlocks(
  cm: ChainstateManager,
  n: number,
  o: BuildOptions = {},
): Promise<Block[]> {
  const out: Block[] = [];
  for (let i = 0; i < n; i++) {
    const b = buildBlock(cm.activeChain.tip(), cm.params, o);
    const r = await cm.processNewBlock(b);
    if (!r.state.valid)
      throw new Error(`mineBlocks: ${r.state.rejectReason} ${r.state.debugMessage}`);
    out.push(b);
  }
  return out;
}
