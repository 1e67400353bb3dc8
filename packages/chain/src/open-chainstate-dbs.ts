/**
 * The databases a ChainstateManager starts from (the part of Core's LoadChainstate that runs
 * before the chainstate exists): whether a reindex is due (asked for, or left pending by a
 * crash), the wipe that -reindex or -reindex-chainstate asks for, then the block index and the
 * coins database. On failure nothing stays open.
 */
import type { Random } from '@bitcoind-lite/entropy';
import type { Logger } from '@bitcoind-lite/runtime';
import { CoinsViewDB, type Dir } from '@bitcoind-lite/storage';
import { BlockManager } from './block-manager.js';
import { resolveChainstateDirs, type ChainstateDirs } from './chainstate-dirs.js';
import type { ChainParams } from './deps.js';
import { prepareReindex, reindexPending, wipeChainstate } from './reindex.js';

export interface ChainstateDbs {
  blockman: BlockManager;
  coinsDb: CoinsViewDB;
  /** Whether the blocks must be imported again from these blk files (runReindex). */
  reindex: boolean;
  reindexFiles: string[];
  /** Where the block files, the index and the coins database were opened. */
  dirs: ChainstateDirs;
}

export async function openChainstateDbs(opts: {
  datadir: Dir;
  blocksDir?: Dir | undefined;
  chainstateDir?: Dir | undefined;
  params: ChainParams;
  logger: Logger;
  reindex?: boolean;
  reindexChainstate?: boolean;
  /** Core's -blocksxor (default on): obfuscate the block files of a fresh datadir. */
  blocksXor?: boolean | undefined;
  random: Random;
}): Promise<ChainstateDbs> {
  // A reindex asked for, or one a crash interrupted, starts from empty databases.
  const dirs = await resolveChainstateDirs(opts);
  const reindex = opts.reindex === true || (await reindexPending(dirs));
  const reindexFiles = reindex ? await prepareReindex(dirs, opts.logger) : [];
  if (!reindex && opts.reindexChainstate === true) {
    await wipeChainstate(dirs, opts.logger);
  }
  const blockman = await BlockManager.open(dirs.datadir, opts.params, dirs.blocksDir, {
    random: opts.random,
    useXor: opts.blocksXor ?? true,
    logger: opts.logger,
  });
  let coinsDb: CoinsViewDB;
  try {
    coinsDb = await CoinsViewDB.open(await dirs.chainstateDir.openLevel('chainstate'));
  } catch (e) {
    await blockman.close();
    throw e;
  }
  return { blockman, coinsDb, reindex, reindexFiles, dirs };
}
