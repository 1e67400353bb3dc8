/**
 * What the last block assembled held (Core's BlockAssembler::m_last_block_weight and
 * m_last_block_num_txs): getmininginfo reports them once any template was made, by
 * getblocktemplate or the generate calls.
 */
import type { Block } from '@bitcoind-lite/consensus';

/** Core's DEFAULT_BLOCK_RESERVED_WEIGHT (Core 29+): the coinbase's reservation. */
export const BLOCK_RESERVED_WEIGHT_WU = 8_000;

export interface LastBlockStats {
  /** The reservation plus every non-coinbase transaction's weight. */
  weightWu: number;
  /** Transactions besides the coinbase. */
  txCount: number;
}

const lastBlocks = new WeakMap<object, LastBlockStats>();

/** Records a template made for `owner` (the node's RPC context). */
export function recordAssembledBlock(owner: object, block: Block): void {
  const body = block.txs.slice(1);
  lastBlocks.set(owner, {
    weightWu: BLOCK_RESERVED_WEIGHT_WU + body.reduce((w, tx) => w + tx.weight(), 0),
    txCount: body.length,
  });
}

export function lastAssembledBlock(owner: object): LastBlockStats | undefined {
  return lastBlocks.get(owner);
}
