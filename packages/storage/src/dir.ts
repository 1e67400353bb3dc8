/**
 * The Dir capability: a handle to one directory. The holder can read, write, rename, list and
 * remove files *below* it, open sub-directories as new handles, and open a LevelDB inside it. A
 * name is a relative path of plain components; `..`, absolute paths, empty components and
 * symlinks that lead outside the handle are refused with a `DirEscapeError` naming the path.
 *
 * The host implementation (`host/fs-dir.ts`) is made only by the launcher.
 */
import type { Level } from 'level';

export class DirEscapeError extends Error {
  override readonly name = 'DirEscapeError';
}

export interface FileStat {
  size: number;
  isDirectory: boolean;
}

/** An open file for random-access reads and appends (block files, undo files). */
export interface FileHandle {
  readonly name: string;
  size(): Promise<number>;
  read(position: number, length: number): Promise<Uint8Array>;
  write(position: number, data: Uint8Array): Promise<void>;
  /** Forces written data to stable storage (fdatasync). */
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

/** A LevelDB with byte keys and values (`keyEncoding: 'view', valueEncoding: 'view'`). */
export type LevelDB = Level<Uint8Array, Uint8Array>;

export interface Dir {
  /** Where this handle points, for messages only (never used to open anything). */
  readonly description: string;
  readFile(name: string): Promise<Uint8Array>;
  /** Writes the whole file atomically: a temporary sibling, fsync, then rename over `name`. */
  writeFileAtomic(name: string, data: Uint8Array, options?: { mode?: number }): Promise<void>;
  /** Opens (creating when asked) a file for random access. */
  open(name: string, options?: { create?: boolean }): Promise<FileHandle>;
  exists(name: string): Promise<boolean>;
  stat(name: string): Promise<FileStat | undefined>;
  list(): Promise<string[]>;
  remove(name: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** A handle to a sub-directory, created when `create` is set. */
  subdir(name: string, options?: { create?: boolean }): Promise<Dir>;
  /** Opens a LevelDB whose files live in the sub-directory `name` (created if missing). */
  openLevel(name: string): Promise<LevelDB>;
}

/** Checks a relative name has only plain components; throws DirEscapeError otherwise. */
export function checkRelativeName(name: string, where: string): string[] {
  if (name.length === 0) throw new DirEscapeError(`${where}: empty path`);
  if (name.startsWith('/')) throw new DirEscapeError(`${where}: absolute path "${name}" refused`);
  if (name.includes('\0')) throw new DirEscapeError(`${where}: NUL in path refused`);
  const parts = name.split('/');
  for (const p of parts) {
    if (p === '' || p === '.' || p === '..') {
      throw new DirEscapeError(`${where}: path "${name}" leaves the directory or is not plain`);
    }
  }
  return parts;
}
