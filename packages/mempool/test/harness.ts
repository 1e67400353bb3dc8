/**
 * Real parts for the mempool tests: a regtest chain built from blocks mined here (the lead's
 * createBlockTemplate + mineBlock), its UTXO set kept as Core's connect/disconnect would, the
 * consensus script interpreter as verifier, and transactions signed by bitcoinjs-lib.
 */
import * as bitcoin from 'bitcoinjs-lib';
import { ECPairFactory, type ECPairInterface } from 'ecpair';
import * as ecc from 'tiny-secp256k1';
import {
  Block,
  OutPoint,
  Transaction,
  getChainParams,
  hash160,
  p2pkhScript,
  p2wpkhScript,
  type ChainParams,
  type TxOut,
  verifyInput,
} from '@bitcoind-lite/consensus';
import { Logger, type Clock, type LogSink } from '@bitcoind-lite/runtime';
import { createBlockTemplate, mineBlock, type TemplateParent } from '../src/index.js';
import type { MempoolChainView, MempoolCoin, MempoolScriptVerifier } from '../src/chain-view.js';
import { Mempool, type MempoolInit } from '../src/mempool.js';
import type { MempoolSettings } from '../src/mempool-options.js';

const ECPair = ECPairFactory(ecc);

export class TestClock implements Clock {
  constructor(public ms: number) {}
  nowMs(): number {
    return this.ms;
  }
  monotonicMs(): number {
    return this.ms;
  }
  setTimeout(): { cancel(): void } {
    return { cancel() {} };
  }
  setInterval(): { cancel(): void } {
    return { cancel() {} };
  }
}

export class Key {
  readonly pair: ECPairInterface;
  readonly pubkey: Uint8Array;
  readonly p2wpkh: Uint8Array;
  readonly p2pkh: Uint8Array;
  constructor(seed: number) {
    const d = new Uint8Array(32);
    d[31] = seed & 0xff;
    d[30] = (seed >> 8) & 0xff;
    d[0] = 1;
    this.pair = ECPair.fromPrivateKey(d);
    this.pubkey = this.pair.publicKey;
    this.p2wpkh = p2wpkhScript(hash160(this.pubkey));
    this.p2pkh = p2pkhScript(hash160(this.pubkey));
  }
}

interface Node extends TemplateParent {
  readonly prev: Node | undefined;
  block: Block;
  undo: { outpoint: OutPoint; coin: MempoolCoin }[];
}

function mtp(n: Node): number {
  const times: number[] = [];
  let cur: Node | undefined = n;
  for (let i = 0; i < 11 && cur !== undefined; i++, cur = cur.prev) times.push(cur.time);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** A regtest chain with an in-memory UTXO set, advanced by mining real blocks. */
export class TestChain implements MempoolChainView {
  readonly params: ChainParams = getChainParams('regtest');
  readonly utxos = new Map<string, MempoolCoin>();
  tip: Node;
  private time = 1_700_000_000;

  constructor() {
    const g = this.params.genesis;
    this.tip = this.node(g, undefined, 0);
  }

  private node(block: Block, prev: Node | undefined, height: number): Node {
    const n: Node = {
      hash: block.header.hash(),
      height,
      bits: block.header.bits,
      time: block.header.time,
      prev,
      block,
      undo: [],
      medianTimePast: () => mtp(n),
    };
    return n;
  }

  tipHeight(): number {
    return this.tip.height;
  }
  tipMedianTimePast(): number {
    return mtp(this.tip);
  }
  medianTimePastAt(height: number): number {
    let n: Node | undefined = this.tip;
    while (n !== undefined && n.height > height) n = n.prev;
    return mtp(n!);
  }
  readonly coins = {
    getCoins: async (outpoints: readonly OutPoint[]) =>
      outpoints.map((o) => this.utxos.get(o.key())),
  };

  /** Mines a block with `txs` (fees claimed by the coinbase) paying `payout`, and connects it. */
  mine(payout: Uint8Array, txs: { tx: Transaction; feeSats: bigint }[] = []): Block {
    this.time += 600;
    const t = createBlockTemplate({
      parent: this.tip,
      params: this.params,
      nowSeconds: this.time,
      payoutScript: payout,
      txs,
    });
    const mined = mineBlock(t.block, this.params, 1_000_000).block!;
    this.connect(mined);
    return mined;
  }

  connect(block: Block): void {
    const n = this.node(block, this.tip, this.tip.height + 1);
    for (const tx of block.txs) {
      if (!tx.isCoinbase()) {
        for (const i of tx.vin) {
          const coin = this.utxos.get(i.prevout.key());
          if (coin === undefined) throw new Error(`test chain: missing input ${i.prevout.key()}`);
          n.undo.push({ outpoint: i.prevout, coin });
          this.utxos.delete(i.prevout.key());
        }
      }
      tx.vout.forEach((out, v) => {
        if (out.scriptPubKey[0] === 0x6a) return;
        this.utxos.set(new OutPoint(tx.txid(), v).key(), {
          out,
          height: n.height,
          isCoinbase: tx.isCoinbase(),
        });
      });
    }
    this.tip = n;
  }

  /** Disconnects the tip block, restoring the coins it spent. */
  disconnect(): Block {
    const n = this.tip;
    for (const tx of n.block.txs) {
      tx.vout.forEach((_, v) => this.utxos.delete(new OutPoint(tx.txid(), v).key()));
    }
    for (const u of n.undo) this.utxos.set(u.outpoint.key(), u.coin);
    this.tip = n.prev!;
    return n.block;
  }

  /** The spendable coinbase outputs paying `script`, oldest first. */
  matureCoinbases(script: Uint8Array): { outpoint: OutPoint; out: TxOut }[] {
    const res: { outpoint: OutPoint; out: TxOut; h: number }[] = [];
    for (const [k, c] of this.utxos) {
      if (!c.isCoinbase || this.tip.height + 1 - c.height < 100) continue;
      if (Buffer.compare(Buffer.from(c.out.scriptPubKey), Buffer.from(script)) !== 0) continue;
      const [txidHex, vout] = k.split(':');
      res.push({
        outpoint: new OutPoint(Uint8Array.from(Buffer.from(txidHex!, 'hex')), Number(vout)),
        out: c.out,
        h: c.height,
      });
    }
    return res.sort((a, b) => a.h - b.h);
  }
}

export const interpreterVerifier: MempoolScriptVerifier = {
  verifyInput(tx, index, spentOutputs, flags) {
    const r = verifyInput(tx, index, spentOutputs, flags);
    return r.ok ? { ok: true } : { ok: false, error: r.message };
  },
};

export interface SpendInput {
  outpoint: OutPoint;
  out: TxOut;
  key: Key;
  sequence?: number;
}

/** Builds and signs (P2WPKH or P2PKH, SIGHASH_ALL) a transaction with bitcoinjs-lib. */
export function signTx(
  inputs: SpendInput[],
  outputs: TxOut[],
  opts: { version?: number; locktime?: number } = {},
): Transaction {
  const t = new bitcoin.Transaction();
  t.version = opts.version ?? 2;
  t.locktime = opts.locktime ?? 0;
  for (const i of inputs) t.addInput(i.outpoint.txid, i.outpoint.vout, i.sequence ?? 0xfffffffd);
  for (const o of outputs) t.addOutput(o.scriptPubKey, o.value);
  inputs.forEach((i, idx) => {
    const isWitness = i.out.scriptPubKey[0] === 0x00;
    if (isWitness) {
      const code = p2pkhScript(hash160(i.key.pubkey));
      const h = t.hashForWitnessV0(idx, code, i.out.value, bitcoin.Transaction.SIGHASH_ALL);
      const sig = bitcoin.script.signature.encode(
        i.key.pair.sign(h),
        bitcoin.Transaction.SIGHASH_ALL,
      );
      t.setWitness(idx, [sig, i.key.pubkey]);
    } else {
      const h = t.hashForSignature(idx, i.out.scriptPubKey, bitcoin.Transaction.SIGHASH_ALL);
      const sig = bitcoin.script.signature.encode(
        i.key.pair.sign(h),
        bitcoin.Transaction.SIGHASH_ALL,
      );
      t.setInputScript(idx, bitcoin.script.compile([sig, i.key.pubkey]));
    }
  });
  return Transaction.decode(t.toBuffer());
}

export class MemorySink implements LogSink {
  lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
}

/** A chain with `blocks` blocks paying `key`, and a mempool over it. */
export function setup(
  opts: { blocks?: number; settings?: MempoolSettings; dir?: MempoolInit['dir'] } = {},
) {
  const key = new Key(1);
  const chain = new TestChain();
  for (let i = 0; i < (opts.blocks ?? 110); i++) chain.mine(key.p2wpkh);
  const clock = new TestClock(1_800_000_000_000);
  const sink = new MemorySink();
  const logger = new Logger(sink, clock, ['mempool', 'mempoolrej']);
  let counter = 0;
  const random = {
    fill(out: Uint8Array) {
      for (let i = 0; i < out.length; i++) out[i] = (counter++ * 37 + 11) & 0xff;
      return out;
    },
  };
  const mempool = new Mempool({
    chain,
    scriptVerifier: interpreterVerifier,
    clock,
    logger,
    random,
    ...(opts.dir ? { dir: opts.dir } : {}),
    ...(opts.settings ? { settings: opts.settings } : {}),
  });
  return { key, chain, clock, sink, logger, mempool, random };
}

/** Value minus fee to one output. */
export function pay(
  input: SpendInput,
  to: Uint8Array,
  feeSats: bigint,
  opts: { version?: number; locktime?: number } = {},
): Transaction {
  return signTx([input], [{ value: input.out.value - feeSats, scriptPubKey: to }], opts);
}

/** The SpendInput for output `vout` of `tx`, owned by `key`. */
export function outputOf(tx: Transaction, vout: number, key: Key, sequence?: number): SpendInput {
  return {
    outpoint: new OutPoint(tx.txid(), vout),
    out: tx.vout[vout]!,
    key,
    ...(sequence !== undefined ? { sequence } : {}),
  };
}
