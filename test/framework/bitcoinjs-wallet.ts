/**
 * Transactions built and signed by an independent library (bitcoinjs-lib with tiny-secp256k1),
 * for end-to-end tests that submit them to a real node. A key from a fixed seed, its P2WPKH
 * address, coinbases mined to it, and P2WPKH spends with chosen fee, sequence and version.
 */
import * as bitcoin from 'bitcoinjs-lib';
import { ECPairFactory, type ECPairInterface } from 'ecpair';
import * as ecc from 'tiny-secp256k1';
import type { TestNode } from './test-node.js';

bitcoin.initEccLib(ecc);
const ECPair = ECPairFactory(ecc);
export const REGTEST = bitcoin.networks.regtest;

export interface Utxo {
  txid: string;
  vout: number;
  valueSats: bigint;
  /** scriptPubKey hex; the wallet's own P2WPKH when absent. */
  script?: string;
}

export interface Output {
  /** An address, or a raw scriptPubKey as hex prefixed with `script:`. */
  to: string;
  valueSats: bigint;
}

export interface SpendOptions {
  version?: number;
  locktime?: number;
  sequence?: number;
}

export interface SignedTx {
  hex: string;
  txid: string;
  vsize: number;
}

export class TestWallet {
  readonly key: ECPairInterface;
  readonly address: string;
  readonly script: Uint8Array;

  constructor(seed: number) {
    const d = new Uint8Array(32);
    d[0] = 7;
    d[31] = seed & 0xff;
    this.key = ECPair.fromPrivateKey(d, { network: REGTEST });
    const pay = bitcoin.payments.p2wpkh({ pubkey: this.key.publicKey, network: REGTEST });
    this.address = pay.address!;
    this.script = pay.output!;
  }

  get scriptHex(): string {
    return Buffer.from(this.script).toString('hex');
  }

  /** Signs a spend of P2WPKH outputs of this wallet. */
  spend(inputs: Utxo[], outputs: Output[], o: SpendOptions = {}): SignedTx {
    const psbt = new bitcoin.Psbt({ network: REGTEST });
    psbt.setVersion(o.version ?? 2);
    psbt.setLocktime(o.locktime ?? 0);
    for (const i of inputs) {
      psbt.addInput({
        hash: i.txid,
        index: i.vout,
        sequence: o.sequence ?? 0xfffffffd,
        witnessUtxo: {
          script: i.script ? Buffer.from(i.script, 'hex') : this.script,
          value: i.valueSats,
        },
      });
    }
    for (const out of outputs) {
      if (out.to.startsWith('script:')) {
        psbt.addOutput({ script: Buffer.from(out.to.slice(7), 'hex'), value: out.valueSats });
      } else {
        psbt.addOutput({ address: out.to, value: out.valueSats });
      }
    }
    psbt.signAllInputs(this.key);
    psbt.finalizeAllInputs();
    const tx = psbt.extractTransaction(true);
    return { hex: tx.toHex(), txid: tx.getId(), vsize: tx.virtualSize() };
  }

  /** One input to one output of this wallet, paying `feeSats`. */
  payToSelf(input: Utxo, feeSats: bigint, o: SpendOptions = {}): SignedTx {
    return this.spend([input], [{ to: this.address, valueSats: input.valueSats - feeSats }], o);
  }
}

interface VerboseBlock {
  tx: { txid: string; vout: { value: number }[] }[];
}

/** BTC as printed by the RPC to satoshis. */
export function toSats(btc: number): bigint {
  return BigInt(Math.round(btc * 1e8));
}

/**
 * Mines `count` blocks to the wallet, then 100 more to someone else, and returns the wallet's
 * (now mature) coinbase outputs.
 */
export async function matureCoinbases(
  node: TestNode,
  wallet: TestWallet,
  count: number,
): Promise<Utxo[]> {
  const hashes = await node.rpc<string[]>('generatetoaddress', count, wallet.address);
  await node.rpc('generatetoaddress', 100, 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080');
  const out: Utxo[] = [];
  for (const h of hashes) {
    const b = await node.rpc<VerboseBlock>('getblock', h, 2);
    const cb = b.tx[0]!;
    out.push({ txid: cb.txid, vout: 0, valueSats: toSats(cb.vout[0]!.value) });
  }
  return out;
}
