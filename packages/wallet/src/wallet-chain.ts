/**
 * What the wallet sees of the node (Core's interfaces::Chain): the active chain, blocks, the
 * chainstate's connect/disconnect notifications, the mempool's add/remove notifications, fee
 * policy, and a way to submit a transaction. Narrow structural views: the node passes its
 * ChainstateManager and Mempool (or adapters) and the wallet needs nothing else.
 */
import type { Block, Transaction, TxOut } from '@bitcoind-lite/consensus';

export interface WalletBlockIndex {
  readonly hash: Uint8Array;
  readonly hashHex: string;
  readonly height: number;
  readonly prev: WalletBlockIndex | undefined;
  readonly header: { readonly time: number };
}

export interface WalletChain {
  readonly activeChain: {
    tip(): WalletBlockIndex;
    at(height: number): WalletBlockIndex | undefined;
    contains(idx: WalletBlockIndex): boolean;
  };
  lookup(hashHex: string): WalletBlockIndex | undefined;
  readBlock(idx: WalletBlockIndex): Promise<Block>;
  on(event: 'blockConnected', l: (block: Block, idx: WalletBlockIndex) => void): () => void;
  on(event: 'blockDisconnected', l: (block: Block, idx: WalletBlockIndex) => void): () => void;
  /** The unspent output in the chainstate, for signing inputs the wallet does not know. */
  getTxOut?(txid: Uint8Array, vout: number): Promise<{ out: TxOut } | undefined>;
}

export type MempoolRemovalReason =
  'expiry' | 'sizelimit' | 'reorg' | 'block' | 'conflict' | 'replaced';

export interface WalletMempool {
  subscribe(l: {
    added?(entry: { tx: Transaction }): void;
    removed?(entry: { tx: Transaction }, reason: MempoolRemovalReason): void;
  }): () => void;
  /** Whether the txid (internal byte order) is in the mempool. */
  has(txid: Uint8Array): boolean;
  /** An output of a mempool transaction, for signing inputs the wallet does not know. */
  getOutput?(txid: Uint8Array, vout: number): TxOut | undefined;
}

export type BroadcastResult = { ok: true } | { ok: false; reason: string };

/** Fee policy the wallet follows when it picks a fee rate (all in sat per 1000 vbytes). */
export interface WalletFeePolicy {
  /** estimatesmartfee for the target, when the estimator has data. */
  estimateSatPerKvB(confTarget: number): bigint | undefined;
  /** max(-minrelaytxfee, the mempool's dynamic minimum). */
  minRelaySatPerKvB(): bigint;
}

export interface WalletNode {
  readonly chain: WalletChain;
  readonly mempool: WalletMempool;
  readonly fees: WalletFeePolicy;
  /** Core's BroadcastTransaction: mempool acceptance, then relay to peers. */
  broadcast(tx: Transaction): Promise<BroadcastResult>;
}
