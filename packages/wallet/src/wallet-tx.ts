/**
 * A transaction the wallet tracks (Core's CWalletTx) and its state: confirmed in a block of the
 * active chain, inactive (unconfirmed: in the mempool or not), conflicted by a block that spends
 * one of its inputs elsewhere, or abandoned.
 */
import type { Transaction } from '@bitcoind-lite/consensus';

export type TxState =
  | { kind: 'confirmed'; blockHash: string; height: number; index: number; blockTimeS: number }
  | { kind: 'inactive' }
  | { kind: 'conflicted'; blockHash: string; height: number }
  | { kind: 'abandoned' };

export interface WalletTx {
  readonly tx: Transaction;
  readonly txid: string;
  state: TxState;
  readonly timeReceivedS: number;
  /** Insertion order (Core's nOrderPos), for listtransactions. */
  readonly orderPos: number;
}

/** Core's GetTxDepthInMainChain: confirmations, 0 unconfirmed, negative when conflicted. */
export function txDepth(wtx: WalletTx, tipHeight: number): number {
  switch (wtx.state.kind) {
    case 'confirmed':
      return tipHeight - wtx.state.height + 1;
    case 'conflicted':
      return -(tipHeight - wtx.state.height + 1);
    default:
      return 0;
  }
}

/** Core's COINBASE_MATURITY: a coinbase output is spendable 100 blocks after its own. */
export const COINBASE_MATURITY = 100;

/** Core's GetBlocksToMaturity: 0 when not a coinbase or when mature. */
export function blocksToMaturity(wtx: WalletTx, tipHeight: number): number {
  if (!wtx.tx.isCoinbase()) return 0;
  return Math.max(0, COINBASE_MATURITY + 1 - txDepth(wtx, tipHeight));
}
