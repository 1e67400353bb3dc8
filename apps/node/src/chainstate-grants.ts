/**
 * The `blocksdir` and `chainstatedir` grants -> the folders ChainstateManager.open takes. Core's
 * -blocksdir holds `<blocksdir>/<chain dir>/blocks` (its GetBlocksDirPath) with the blk/rev files
 * only; the block index stays in the datadir. This node's `chainstatedir` (not a Core option)
 * holds `<chainstatedir>/<chain dir>/chainstate`. Absent grants leave the datadir layout.
 */
import type { Logger } from '@bitcoind-lite/runtime';
import type { Dir } from '@bitcoind-lite/storage';
import type { Capabilities } from './capabilities.js';

export interface ChainstateGrantDirs {
  blocksDir?: Dir;
  chainstateDir?: Dir;
}

async function networkFolder(root: Dir, dirName: string): Promise<Dir> {
  return dirName === '' ? root : root.subdir(dirName, { create: true });
}

/** `dirName` is Core's per-chain folder ('' for main, as networkDirName gives it). */
export async function chainstateGrantDirs(
  caps: Pick<Capabilities, 'blocksdir' | 'chainstatedir'>,
  dirName: string,
  logger: Logger,
): Promise<ChainstateGrantDirs> {
  const out: ChainstateGrantDirs = {};
  if (caps.blocksdir !== undefined) {
    const net = await networkFolder(caps.blocksdir, dirName);
    out.blocksDir = await net.subdir('blocks', { create: true });
    logger.info(`Using blocks directory ${out.blocksDir.description}`);
  }
  if (caps.chainstatedir !== undefined) {
    out.chainstateDir = await networkFolder(caps.chainstatedir, dirName);
    logger.info(`Using chainstate directory ${out.chainstateDir.description}/chainstate`);
  }
  return out;
}
