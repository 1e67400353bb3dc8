/**
 * The Dir capability over a real directory. Made only by the launcher (`openDirCapability`);
 * the node reaches files only through the handle it is given.
 *
 * Containment, checked on every call:
 * - the name must be plain relative components (`checkRelativeName`): no `..`, no absolute path;
 * - the parent folder is resolved with realpath and must lie inside the handle's own realpath,
 *   so a symlinked folder on the way that leads outside is refused;
 * - a symlink as the last component is followed only if its target (realpath) is inside too;
 *   a dangling symlink is refused, since creating through it would create outside;
 * - files are then opened by their checked real path with O_NOFOLLOW, so a symlink swapped in
 *   for the last component after the check makes the open fail rather than escape.
 * What is left is a race on an intermediate folder between the check and the open, which needs a
 * writer inside the datadir; the kernel confinement of issue 7 covers that case.
 */
import { constants, type Stats } from 'node:fs';
import {
  lstat,
  mkdir,
  open,
  readdir,
  realpath,
  rename,
  rm,
  stat,
  type FileHandle as FsFileHandle,
} from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, sep } from 'node:path';
import { Level } from 'level';
import {
  checkRelativeName,
  DirEscapeError,
  type Dir,
  type FileHandle,
  type FileStat,
  type LevelDB,
} from '../dir.js';

export interface DirCapabilityOptions {
  /** Create the directory (and missing parents) if it does not exist. */
  create?: boolean;
  /** Refuse every write: for grants that only supply input (`loadblock`). */
  readOnly?: boolean;
}

let tempCounter = 0;

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function errnoCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
}

/** A FileHandle over an fs promises FileHandle. */
export class FsFile implements FileHandle {
  constructor(
    readonly name: string,
    private readonly fh: FsFileHandle,
    private readonly readOnly: boolean,
  ) {}

  async size(): Promise<number> {
    return (await this.fh.stat()).size;
  }

  /** Reads up to `length` bytes; fewer only at the end of the file. */
  async read(position: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.fh.read(out, done, length - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === length ? out : out.subarray(0, done);
  }

  async write(position: number, data: Uint8Array): Promise<void> {
    this.writable();
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.fh.write(data, done, data.length - done, position + done);
      done += bytesWritten;
    }
  }

  async sync(): Promise<void> {
    if (!this.readOnly) await this.fh.datasync();
  }

  async truncate(length: number): Promise<void> {
    this.writable();
    await this.fh.truncate(length);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }

  private writable(): void {
    if (this.readOnly) throw new Error(`${this.name}: opened read-only`);
  }
}

export class FsDir implements Dir {
  /**
   * @param root the directory's realpath (no symlinks in it)
   * @param description what to call it in messages
   */
  constructor(
    private readonly root: string,
    readonly description: string,
    private readonly readOnly: boolean,
  ) {}

  private shown(name: string): string {
    return `${this.description}/${name}`;
  }

  private escape(name: string, why: string): never {
    throw new DirEscapeError(`${this.shown(name)}: ${why}; refused`);
  }

  private writable(name: string): void {
    if (this.readOnly) throw new Error(`${this.shown(name)}: directory granted read-only`);
  }

  /**
   * The real path of `name`'s parent folder, checked to be inside the handle. Missing folders on
   * the way are an ENOENT from realpath, as from open.
   */
  private async parentOf(name: string): Promise<{ parent: string; base: string }> {
    const parts = checkRelativeName(name, this.description);
    const base = parts[parts.length - 1]!;
    if (parts.length === 1) return { parent: this.root, base };
    const parent = await realpath(join(this.root, ...parts.slice(0, -1)));
    if (!isInside(this.root, parent))
      this.escape(name, `a folder on the way leads outside (to ${parent})`);
    return { parent, base };
  }

  /**
   * The checked real path for `name`: the file itself when it is not a symlink (or is missing),
   * else the symlink's target when that lies inside the handle.
   */
  private async resolve(name: string): Promise<{ path: string; stats: Stats | undefined }> {
    const { parent, base } = await this.parentOf(name);
    const path = join(parent, base);
    const stats = await lstatOrUndefined(path);
    if (stats === undefined || !stats.isSymbolicLink()) return { path, stats };
    let target: string;
    try {
      target = await realpath(path);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') this.escape(name, 'dangling symlink');
      throw e;
    }
    if (!isInside(this.root, target)) this.escape(name, `symlink leads outside (to ${target})`);
    return { path: target, stats: await lstat(target) };
  }

  async readFile(name: string): Promise<Uint8Array> {
    const { path } = await this.resolve(name);
    const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return new Uint8Array(await fh.readFile());
    } finally {
      await fh.close();
    }
  }

  async writeFileAtomic(
    name: string,
    data: Uint8Array,
    options?: { mode?: number },
  ): Promise<void> {
    this.writable(name);
    const { path } = await this.resolve(name);
    const folder = dirname(path);
    // Unique without a Random capability: one process writes its datadir (Core's lock), and
    // the counter separates concurrent writes inside it.
    const temp = join(folder, `.${basename(path)}.${process.pid}.${++tempCounter}.tmp`);
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    const fh = await open(temp, flags, options?.mode ?? 0o644);
    try {
      try {
        await fh.writeFile(data);
        // umask may narrow the mode; chmod only then, since Node's permission model (the
        // confined node, issue 7) refuses fchmod outright.
        if (options?.mode !== undefined && ((await fh.stat()).mode & 0o7777) !== options.mode) {
          await fh.chmod(options.mode);
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(temp, path);
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
    await syncFolder(folder);
  }

  async open(name: string, options?: { create?: boolean }): Promise<FileHandle> {
    const create = options?.create === true;
    if (create) this.writable(name);
    const { path } = await this.resolve(name);
    let flags = (this.readOnly ? constants.O_RDONLY : constants.O_RDWR) | constants.O_NOFOLLOW;
    if (create) flags |= constants.O_CREAT;
    const fh = await open(path, flags, 0o644);
    try {
      if (!(await fh.stat()).isFile()) throw new Error(`${this.shown(name)}: not a regular file`);
    } catch (e) {
      await fh.close();
      throw e;
    }
    return new FsFile(this.shown(name), fh, this.readOnly);
  }

  async exists(name: string): Promise<boolean> {
    return (await this.stat(name)) !== undefined;
  }

  async stat(name: string): Promise<FileStat | undefined> {
    try {
      const { path, stats } = await this.resolve(name);
      if (stats === undefined) return undefined;
      const s = await stat(path);
      return { size: s.size, isDirectory: s.isDirectory() };
    } catch (e) {
      if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') return undefined;
      throw e;
    }
  }

  async list(): Promise<string[]> {
    return (await readdir(this.root)).sort();
  }

  /** Removes a file, or a folder with everything in it; a symlink is removed, not followed. */
  async remove(name: string): Promise<void> {
    this.writable(name);
    const { parent, base } = await this.parentOf(name);
    await rm(join(parent, base), { recursive: true, force: true });
  }

  /** Renames within the handle; a symlink moves as a link (never followed). */
  async rename(from: string, to: string): Promise<void> {
    this.writable(to);
    const a = await this.parentOf(from);
    const b = await this.parentOf(to);
    await rename(join(a.parent, a.base), join(b.parent, b.base));
    await syncFolder(b.parent);
  }

  async subdir(name: string, options?: { create?: boolean }): Promise<Dir> {
    const parts = checkRelativeName(name, this.description);
    if (options?.create === true) {
      this.writable(name);
      // One component at a time, so each step is checked before the next is created.
      for (let i = 1; i <= parts.length; i++) {
        const prefix = parts.slice(0, i).join('/');
        const { path, stats } = await this.resolve(prefix);
        if (stats === undefined) await mkdir(path).catch(ignoreExists);
      }
    }
    const { path, stats } = await this.resolve(name);
    if (stats === undefined) {
      const e = new Error(`${this.shown(name)}: no such directory`) as NodeJS.ErrnoException;
      e.code = 'ENOENT';
      throw e;
    }
    const real = await realpath(path);
    if (!(await stat(real)).isDirectory()) throw new Error(`${this.shown(name)}: not a directory`);
    return new FsDir(real, this.shown(name), this.readOnly);
  }

  async openLevel(name: string): Promise<LevelDB> {
    this.writable(name);
    const folder = (await this.subdir(name, { create: true })) as FsDir;
    const db = new Level<Uint8Array, Uint8Array>(folder.root, {
      keyEncoding: 'view',
      valueEncoding: 'view',
    });
    try {
      await db.open();
    } catch (e) {
      // Only here is it known which database failed; the launcher names it in its start-up
      // error (Core's "Error opening block database" / "Error opening coins database").
      if (typeof e === 'object' && e !== null) Object.assign(e, { dbPath: folder.description });
      throw e;
    }
    return db;
  }
}

function ignoreExists(e: unknown): void {
  if (errnoCode(e) !== 'EEXIST') throw e;
}

/** fsync on the folder, so a rename inside it survives a crash (POSIX leaves it unordered). */
async function syncFolder(folder: string): Promise<void> {
  const fh = await open(folder, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Opens the directory at `path` (absolute) as a Dir capability. The launcher calls this for
 * `datadir` and `wallets`, last, after every other grant was checked, so a bad manifest never
 * creates a directory.
 */
export async function openDirCapability(
  path: string,
  options?: DirCapabilityOptions,
): Promise<Dir> {
  if (typeof path !== 'string' || !isAbsolute(path)) {
    throw new TypeError(`openDirCapability: path must be absolute, got ${String(path)}`);
  }
  if (options?.create === true && options.readOnly !== true) {
    await mkdir(path, { recursive: true });
  }
  const real = await realpath(path);
  if (!(await stat(real)).isDirectory()) {
    const e = new Error(`${path}: not a directory`) as NodeJS.ErrnoException;
    e.code = 'ENOTDIR';
    throw e;
  }
  return new FsDir(real, path, options?.readOnly === true);
}
