import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLogSink } from '@bitcoind-lite/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDirCapability, openReadOnlyFile } from '../src/host/index.js';
import { DirEscapeError, type Dir } from '../src/index.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

let tmp: string;
let dataPath: string;
let outside: string;
let dir: Dir;

beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'fs-dir-'));
  dataPath = join(tmp, 'data');
  outside = join(tmp, 'outside');
  await mkdir(outside);
  await writeFile(join(outside, 'secret'), 'do not touch');
  dir = await openDirCapability(dataPath, { create: true });
});

afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('FsDir: files below the handle', () => {
  it('writes atomically, reads, lists, stats, renames and removes', async () => {
    await dir.writeFileAtomic('.cookie', bytes('__cookie__:abc'), { mode: 0o600 });
    expect(text(await dir.readFile('.cookie'))).toBe('__cookie__:abc');
    expect((await stat(join(dataPath, '.cookie'))).mode & 0o777).toBe(0o600);
    await dir.writeFileAtomic('.cookie', bytes('second'));
    expect(text(await dir.readFile('.cookie'))).toBe('second');
    expect(await readdir(dataPath)).toEqual(['.cookie']); // no temporary file left behind

    const sub = await dir.subdir('regtest/blocks', { create: true });
    expect(sub.description).toBe(`${dataPath}/regtest/blocks`);
    await sub.writeFileAtomic('x', bytes('1'));
    expect(await dir.exists('regtest/blocks/x')).toBe(true);
    expect(await dir.stat('regtest')).toEqual({ size: expect.any(Number), isDirectory: true });
    expect(await dir.stat('regtest/blocks/x')).toEqual({ size: 1, isDirectory: false });
    expect(await dir.stat('nope')).toBeUndefined();
    expect(await dir.list()).toEqual(['.cookie', 'regtest']);

    await dir.rename('regtest/blocks/x', 'regtest/y');
    expect(text(await dir.readFile('regtest/y'))).toBe('1');
    await dir.remove('regtest');
    await dir.remove('regtest'); // removing what is gone is not an error
    expect(await dir.list()).toEqual(['.cookie']);
  });

  it('opens files for random access', async () => {
    await expect(dir.open('blk00000.dat')).rejects.toMatchObject({ code: 'ENOENT' });
    const f = await dir.open('blk00000.dat', { create: true });
    await f.write(0, bytes('hello world'));
    await f.write(6, bytes('WORLD'));
    await f.sync();
    expect(await f.size()).toBe(11);
    expect(text(await f.read(6, 5))).toBe('WORLD');
    expect(text(await f.read(6, 100))).toBe('WORLD'); // short only at the end of the file
    await f.truncate(5);
    expect(text(await f.read(0, 100))).toBe('hello');
    await f.close();
  });

  it('refuses names that are not plain relative paths', async () => {
    for (const name of ['../x', 'a/../../x', '/etc/hostname', '', 'a//b', './a']) {
      await expect(dir.readFile(name)).rejects.toBeInstanceOf(DirEscapeError);
      await expect(dir.writeFileAtomic(name, bytes('x'))).rejects.toBeInstanceOf(DirEscapeError);
      await expect(dir.subdir(name, { create: true })).rejects.toBeInstanceOf(DirEscapeError);
    }
    expect(existsSync(join(tmp, 'x'))).toBe(false);
  });

  it('serves the log file through a Dir FileHandle (debug.log)', async () => {
    const sink = new FileLogSink(await dir.open('debug.log', { create: true }));
    sink.write('line one\n');
    sink.write('line two\n');
    await sink.close();
    expect(text(await dir.readFile('debug.log'))).toBe('line one\nline two\n');
  });
});

describe('FsDir: symlinks that lead outside are refused', () => {
  beforeEach(async () => {
    await symlink(join(outside, 'secret'), join(dataPath, 'evil-file'));
    await symlink(outside, join(dataPath, 'evil-dir'));
    await symlink(join(outside, 'not-yet'), join(dataPath, 'dangling'));
  });

  it('refuses to read through them, naming the path', async () => {
    await expect(dir.readFile('evil-file')).rejects.toThrow(DirEscapeError);
    await expect(dir.readFile('evil-file')).rejects.toThrow(`${dataPath}/evil-file`);
    await expect(dir.readFile('evil-dir/secret')).rejects.toThrow(`${dataPath}/evil-dir/secret`);
    await expect(dir.open('evil-file')).rejects.toThrow(DirEscapeError);
    await expect(dir.stat('evil-file')).rejects.toThrow(DirEscapeError);
  });

  it('refuses to write through them and leaves the outside untouched', async () => {
    await expect(dir.writeFileAtomic('evil-file', bytes('x'))).rejects.toThrow(DirEscapeError);
    await expect(dir.open('evil-file', { create: true })).rejects.toThrow(DirEscapeError);
    await expect(dir.writeFileAtomic('evil-dir/new', bytes('x'))).rejects.toThrow(
      `${dataPath}/evil-dir/new`,
    );
    await expect(dir.open('dangling', { create: true })).rejects.toThrow(DirEscapeError);
    await expect(dir.writeFileAtomic('dangling', bytes('x'))).rejects.toThrow(DirEscapeError);
    expect(await readFile(join(outside, 'secret'), 'utf8')).toBe('do not touch');
    expect((await readdir(outside)).sort()).toEqual(['secret']);
  });

  it('refuses a sub-directory or LevelDB through them', async () => {
    await expect(dir.subdir('evil-dir')).rejects.toThrow(DirEscapeError);
    await expect(dir.subdir('evil-dir')).rejects.toThrow(`${dataPath}/evil-dir`);
    await expect(dir.subdir('evil-dir/deeper', { create: true })).rejects.toThrow(DirEscapeError);
    await expect(dir.openLevel('evil-dir')).rejects.toThrow(DirEscapeError);
    expect((await readdir(outside)).sort()).toEqual(['secret']);
  });

  it('follows symlinks that stay inside', async () => {
    await dir.writeFileAtomic('real', bytes('inside'));
    await symlink(join(dataPath, 'real'), join(dataPath, 'alias'));
    expect(text(await dir.readFile('alias'))).toBe('inside');
    // A sub-handle is confined to itself: its `..` link back to the parent is refused too.
    const sub = await dir.subdir('s', { create: true });
    await symlink(join(dataPath, 'real'), join(dataPath, 's', 'up'));
    await expect(sub.readFile('up')).rejects.toThrow(DirEscapeError);
  });

  it('removes a symlink itself, never its target', async () => {
    await dir.remove('evil-dir');
    await dir.remove('evil-file');
    expect((await readdir(outside)).sort()).toEqual(['secret']);
    expect(await readFile(join(outside, 'secret'), 'utf8')).toBe('do not touch');
  });
});

describe('LevelDB inside a Dir', () => {
  it('opens in a sub-directory with byte keys and persists across reopen', async () => {
    const key = Uint8Array.of(0x43, 1, 2, 3);
    const value = Uint8Array.of(9, 8, 7, 0, 255);
    const db = await dir.openLevel('regtest/chainstate');
    await db.put(key, value);
    await db.batch([{ type: 'put', key: Uint8Array.of(0x42), value: Uint8Array.of(1) }]);
    await db.close();
    expect(existsSync(join(dataPath, 'regtest/chainstate/CURRENT'))).toBe(true);

    const again = await (await openDirCapability(dataPath)).openLevel('regtest/chainstate');
    const got = await again.get(key);
    expect(got).toBeInstanceOf(Uint8Array);
    expect([...got!]).toEqual([...value]);
    expect([...(await again.get(Uint8Array.of(0x42)))!]).toEqual([1]);
    await again.close();
  });
});

describe('capabilities the launcher makes', () => {
  it('openDirCapability: missing without create is ENOENT; a file is ENOTDIR', async () => {
    await expect(openDirCapability(join(tmp, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(existsSync(join(tmp, 'missing'))).toBe(false);
    await expect(openDirCapability(join(outside, 'secret'))).rejects.toMatchObject({
      code: 'ENOTDIR',
    });
    await expect(openDirCapability('relative/path')).rejects.toThrow(TypeError);
  });

  it('a read-only Dir refuses writes', async () => {
    const ro = await openDirCapability(outside, { readOnly: true });
    expect(text(await ro.readFile('secret'))).toBe('do not touch');
    await expect(ro.writeFileAtomic('secret', bytes('x'))).rejects.toThrow(/read-only/);
    await expect(ro.open('new', { create: true })).rejects.toThrow(/read-only/);
    await expect(ro.remove('secret')).rejects.toThrow(/read-only/);
  });

  it('openReadOnlyFile reads the granted file and cannot write it', async () => {
    const f = await openReadOnlyFile(join(outside, 'secret'));
    expect(await f.size()).toBe(12);
    expect(text(await f.read(0, 6))).toBe('do not');
    await expect(f.write(0, bytes('x'))).rejects.toThrow(/read-only/);
    await f.close();
    await expect(openReadOnlyFile(join(outside, 'nope'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(openReadOnlyFile(outside)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
