/**
 * `-reindex` (Core's node/blockstorage.cpp ImportBlocks with fReindex): the block index and the
 * chainstate are rebuilt from the blk*.dat files already in `blocks/` (or the -blocksdir folder). The old files are renamed
 * to `blkNNNNN.dat.reindex`, the index and coins databases are removed, and the blocks are
 * imported again in Core's blk framing (written to fresh blk files as they are accepted); the
 * renamed files are removed at the end.
 *
 * Crash safety: the marker `blocks/reindex-in-progress` is written once every old file has been
 * renamed. A restart that finds `.reindex` files without the marker finishes the renames; one
 * that finds the marker drops the partial new files and starts the import again. So a `kill -9`
 * at any moment of a reindex resumes it, as Core resumes a reindex after a crash.
 *
 * `-reindex-chainstate` only removes the coins database; the active chain is then reconnected
 * from genesis out of the block files the index already points to.
 */
import type { Clock, Logger } from '@bitcoind-lite/runtime';
import { xorObfuscated } from '@bitcoind-lite/storage';
import type { ChainstateDirs } from './chainstate-dirs.js';
import type { ChainstateManager } from './chainstate-manager.js';
import { loadExternalBlockFile } from './load-block-file.js';

const MARKER = 'reindex-in-progress';
const SUFFIX = '.reindex';
const BLK = /^blk\d{5}\.dat$/;
const REV = /^rev\d{5}\.dat$/;

/** Whether a reindex was asked for or interrupted and must be resumed. */
export async function reindexPending(dirs: ChainstateDirs): Promise<boolean> {
  return (await dirs.blocksDir.list()).some((n) => n === MARKER || n.endsWith(SUFFIX));
}

/**
 * Moves the old block files aside and removes the databases; returns the names (inside
 * `blocks/`) of the files to import, in file order.
 */
export async function prepareReindex(dirs: ChainstateDirs, logger: Logger): Promise<string[]> {
  const blocks = dirs.blocksDir;
  const names = await blocks.list();
  if (!names.includes(MARKER)) {
    for (const n of names) if (BLK.test(n)) await blocks.rename(n, n + SUFFIX);
    await blocks.writeFileAtomic(MARKER, new TextEncoder().encode('reindex\n'));
  }
  // New block and undo files written by an interrupted import, and all undo data: rebuilt.
  for (const n of await blocks.list()) if (BLK.test(n) || REV.test(n)) await blocks.remove(n);
  // The index stays in the datadir even when -blocksdir moved the block files (as in Core).
  await (await dirs.datadir.subdir('blocks', { create: true })).remove('index');
  await dirs.chainstateDir.remove('chainstate');
  logger.info('Reindexing: block index and chainstate removed, importing the block files');
  return (await blocks.list()).filter((n) => n.endsWith(SUFFIX)).sort();
}

/** Imports each renamed file into `cm` (as loadblock does), then removes them and the marker. */
export async function runReindex(
  cm: ChainstateManager,
  dirs: ChainstateDirs,
  files: string[],
  deps: { clock: Clock; logger: Logger },
): Promise<void> {
  const blocks = dirs.blocksDir;
  const startMs = deps.clock.monotonicMs();
  for (const name of files) {
    deps.logger.info(`Reindexing block file ${name.slice(0, -SUFFIX.length)}...`);
    // The old files keep the obfuscation they were written with (the key in xor.dat).
    const file = xorObfuscated(await blocks.open(name), cm.blockman.xorKey);
    try {
      await loadExternalBlockFile(cm, file, { clock: deps.clock, logger: deps.logger });
    } finally {
      await file.close();
    }
  }
  for (const name of files) await blocks.remove(name);
  await blocks.remove(MARKER);
  deps.logger.info(`Reindexing finished in ${Math.round(deps.clock.monotonicMs() - startMs)}ms`);
}

/** `-reindex-chainstate`: the coins database goes; the chain is reconnected from the blocks. */
export async function wipeChainstate(dirs: ChainstateDirs, logger: Logger): Promise<void> {
  await dirs.chainstateDir.remove('chainstate');
  logger.info('Reindexing chainstate: the UTXO set is rebuilt from the block files');
}
