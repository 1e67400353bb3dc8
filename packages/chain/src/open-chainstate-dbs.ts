/**
 * The databases a ChainstateManager starts from (the part of Core's LoadChainstate that runs
 * before the chainstate exists): whether a reindex is due (asked for, or left pending by a
 * crash), the wipe that -reindex or -reindex-chainstate asks for, then the block index and the
 * coins database. On failure nothing stays open.
 */
import type { Logger } from '@bitcoind-lite/runtime';
import { CoinsViewDB, type Dir } from '@bitcoind-lite/storage';
import { BlockManager } from './block-manager.js';
import type { ChainParams } from './deps.js';
import { prepareReindex, reindexPending, wipeChainstate } from './reindex.js';

export interface ChainstateDbs {
  blockman: BlockManager;
  coinsDb: CoinsViewDB;
  /** Whether the blocks must be imported again from these blk files (runReindex). */
  reindex: boolean;
  reindexFiles: string[];
}

export async function openChainstateDbs(opts: {
  datadir: Dir;
  params: ChainParams;
  logger: Logger;
  reindex?: boolean;
  reindexChainstate?: boolean;
}): Promise<ChainstateDbs> {
  // A reindex asked for, or one a crash interrupted, starts from empty databases.
  const reindex = opts.reindex === true || (await reindexPending(opts.datadir));
  const reindexFiles = reindex ? await prepareReindex(opts.datadir, opts.logger) : [];
  if (!reindex && opts.reindexChainstate === true) {
    await wipeChainstate(opts.datadir, opts.logger);
  }
  const blockman = await BlockManager.open(opts.datadir, opts.params);
  let coinsDb: CoinsViewDB;
  try {
    coinsDb = await CoinsViewDB.open(await opts.datadir.openLevel('chainstate'));
  } catch (e) {
    await blockman.close();
    throw e;
  }
  return { blockman, coinsDb, reindex, reindexFiles };
}
