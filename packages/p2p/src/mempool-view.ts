/**
 * What transaction relay needs of the mempool (packages/mempool's Mempool, adapted by the node).
 * Structural and narrow, like chain-view.ts, so p2p does not depend on the mempool package.
 */
import type { Transaction } from '@bitcoind-lite/consensus';

/** The outcome of acceptance, as packages/mempool's MempoolAcceptResult carries it. */
export interface P2PTxAcceptResult {
  valid: boolean;
  /** Core's TxValidationResult ('consensus', 'missing-inputs', 'mempool-policy', ...). */
  result?: string;
  /** Core's reject reason ("bad-txns-inputs-missingorspent", "min relay fee not met", ...). */
  rejectReason?: string;
  debugMessage?: string;
  /** Txids (display hex) this transaction replaced (BIP125 / full RBF). */
  replacedTxids?: string[];
}

export interface P2PMempoolTx {
  tx: Transaction;
  /** The transaction's fee rate, sat per 1000 vbytes (for peers' feefilter). */
  feeRateSatPerKvB: bigint;
}

export interface P2PMempool {
  /** Core's AcceptToMemoryPool for a transaction from a peer. */
  acceptToMemoryPool(tx: Transaction): Promise<P2PTxAcceptResult>;
  /** A pool transaction by wtxid (`byWtxid`) or txid, display-order hex. */
  lookupTx(hashHex: string, byWtxid: boolean): P2PMempoolTx | undefined;
  /** Core's feefilter value: max(mempool min fee, min relay fee), sat/kvB. */
  minFeeRateSatPerKvB(): bigint;
  /** Number of transactions and bytes, for the "accepted" log line. */
  size(): number;
}
