/**
 * The three folders the chainstate's files live in. By default all are the network folder of
 * the datadir, laid out as Core lays it out (`blocks/` with `blocks/index/`, `chainstate/`). Core's
 * -blocksdir moves only the blk/rev files (its BlockManager::Options::blocks_dir), never the block
 * index; this node's `chainstatedir` grant (not a Core option) moves the UTXO LevelDB.
 */
import type { Dir } from '@bitcoind-lite/storage';

export interface ChainstateDirs {
  /** The network folder: `blocks/index/` (the block index) is always here. */
  readonly datadir: Dir;
  /** The folder of the blk*.dat / rev*.dat files (and the reindex marker). */
  readonly blocksDir: Dir;
  /** The folder in which the `chainstate/` LevelDB (the UTXO set) is made. */
  readonly chainstateDir: Dir;
}

/** Fills in the defaults: `<datadir>/blocks` for the block files, `<datadir>` for the chainstate. */
export async function resolveChainstateDirs(opts: {
  datadir: Dir;
  blocksDir?: Dir | undefined;
  chainstateDir?: Dir | undefined;
}): Promise<ChainstateDirs> {
  return {
    datadir: opts.datadir,
    blocksDir: opts.blocksDir ?? (await opts.datadir.subdir('blocks', { create: true })),
    chainstateDir: opts.chainstateDir ?? opts.datadir,
  };
}
