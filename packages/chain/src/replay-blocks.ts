/**
 * Core's ReplayBlocks: a coins flush that wrote some batches but not the last leaves the 'H'
 * marker [new tip, old tip]. Roll the coins back from the old tip to the fork (tolerating
 * entries already changed), forward to the new tip, then write the best block.
 */
import type { Logger } from '@bitcoind-lite/runtime';
import type { CoinsViewDB } from '@bitcoind-lite/storage';
import { lastCommonAncestor } from './block-index.js';
import type { BlockManager } from './block-manager.js';
import { CoinsViewCache } from './coins-view-cache.js';
import { disconnectBlock, rollforwardBlock } from './connect-block.js';

export async function replayBlocks(
  coinsDb: CoinsViewDB,
  blockman: BlockManager,
  logger: Logger,
): Promise<void> {
  const heads = await coinsDb.getHeadBlocks();
  if (heads.length === 0) return;
  if (heads.length !== 2) throw new Error('chainstate: malformed head blocks marker');
  const newTip = blockman.lookup(heads[0]!);
  if (newTip === undefined) throw new Error('ReplayBlocks: reorganization to unknown block');
  const oldTip = heads[1]!.every((b) => b === 0) ? undefined : blockman.lookup(heads[1]!);
  const fork = oldTip === undefined ? undefined : lastCommonAncestor(oldTip, newTip);
  logger.info(`Replaying blocks: rolling forward ${newTip.hashHex}`);
  const view = new CoinsViewCache(coinsDb);
  for (let p = oldTip; p !== undefined && p !== fork; p = p.prev) {
    const block = await blockman.readBlock(p);
    const r = await disconnectBlock(block, p, await blockman.readUndo(p), view);
    if (r === 'failed') throw new Error(`ReplayBlocks: rolling back ${p.hashHex} failed`);
  }
  for (let h = (fork?.height ?? -1) + 1; h <= newTip.height; h++) {
    const p = newTip.getAncestor(h)!;
    await rollforwardBlock(await blockman.readBlock(p), p, view);
  }
  view.setBestBlock(newTip.hash);
  await view.flushToDb();
}
