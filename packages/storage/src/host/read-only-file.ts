/**
 * A single file granted read-only (`loadblock: !file {path}`): the node gets a FileHandle that
 * can read that file and nothing else, not even its folder. The launcher opened it from the path
 * the manifest names, so a symlink there is the operator's choice and is followed.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { FileHandle } from '../dir.js';
import { FsFile } from './fs-dir.js';

export async function openReadOnlyFile(path: string): Promise<FileHandle> {
  if (typeof path !== 'string' || !isAbsolute(path)) {
    throw new TypeError(`openReadOnlyFile: path must be absolute, got ${String(path)}`);
  }
  const fh = await open(path, constants.O_RDONLY);
  try {
    if (!(await fh.stat()).isFile()) {
      const e = new Error(`${path}: not a regular file`) as NodeJS.ErrnoException;
      e.code = 'EISDIR';
      throw e;
    }
  } catch (e) {
    await fh.close();
    throw e;
  }
  return new FsFile(path, fh, true);
}
