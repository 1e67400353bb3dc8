/**
 * What the mempool reads of the chain: narrow structural views so the node passes its own
 * ChainstateManager / CoinsViewCache / script verifier, and tests can pass real parts built
 * from mined blocks. Hashes are internal byte order.
 */
import type { OutPoint, Transaction, TxOut } from '@bitcoind-lite/consensus';

/** Core's Coin: an unspent output, the height of the block that made it, and its coinbase flag. */
export interface MempoolCoin {
  out: TxOut;
  height: number;
  isCoinbase: boolean;
}

/** The confirmed UTXO set at the tip (Core's CoinsViewCache over the chainstate). */
export interface MempoolCoinsView {
  /** The unspent coin at each outpoint, or undefined when spent or absent. */
  getCoins(outpoints: readonly OutPoint[]): Promise<(MempoolCoin | undefined)[]>;
}

export interface MempoolChainView {
  /** Height of the active tip. */
  tipHeight(): number;
  /** Median time past of the active tip (BIP113: lock times compare with it). */
  tipMedianTimePast(): number;
  /** Median time past of the active-chain block at `height` (BIP68 time locks). */
  medianTimePastAt(height: number): number;
  readonly coins: MempoolCoinsView;
}

/** Verifies input `index` of `tx` under `flags` given every spent output (BIP341 needs all). */
export interface MempoolScriptVerifier {
  verifyInput(
    tx: Transaction,
    index: number,
    spentOutputs: TxOut[],
    flags: number,
  ): { ok: boolean; error?: string };
}

/**
 * Adapts the chain's CoinsViewCache (async `fetch`, then synchronous `accessCoin`) to the
 * coins view the mempool reads.
 */
export function coinsViewFromCache(cache: {
  fetch(outpoints: Iterable<{ txid: Uint8Array; vout: number }>): Promise<void>;
  accessCoin(txid: Uint8Array, vout: number): MempoolCoin | undefined;
}): MempoolCoinsView {
  return {
    async getCoins(outpoints) {
      await cache.fetch(outpoints);
      return outpoints.map((o) => cache.accessCoin(o.txid, o.vout));
    },
  };
}
