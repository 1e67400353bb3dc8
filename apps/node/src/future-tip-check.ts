/**
 * Core's VerifyLoadedChainstate check before VerifyDB: a chainstate whose tip is more than
 * MAX_FUTURE_BLOCK_TIME (2 h) ahead of the node's (mockable) clock is refused, since either the
 * clock is wrong or the block database is; a fresh chainstate (only genesis) is not checked.
 */
import { MAX_FUTURE_BLOCK_TIME_S, type ChainstateManager } from '@bitcoind-lite/chain';
import { nowSeconds, type Clock } from '@bitcoind-lite/runtime';
import { ChainstateLoadFailure } from './chainstate-load-failure.js';

export const BLOCK_FROM_THE_FUTURE =
  'The block database contains a block which appears to be from the future. This may be due to ' +
  "your computer's date and time being set incorrectly. Only rebuild the block database if you " +
  "are sure that your computer's date and time are correct.\n" +
  'Please restart with -reindex or -reindex-chainstate to recover.';

export function refuseTipFromTheFuture(chainman: ChainstateManager, clock: Clock): void {
  const tip = chainman.activeChain.tip();
  if (tip.height === 0) return;
  if (tip.header.time > nowSeconds(clock) + MAX_FUTURE_BLOCK_TIME_S) {
    throw new ChainstateLoadFailure(BLOCK_FROM_THE_FUTURE);
  }
}
