/**
 * Block file obfuscation (Core 28+): blk/rev bytes are stored XORed with the 8-byte key, byte i
 * of a file with key[i % 8]; a zero key leaves the files exactly as before. Real files in a
 * temporary folder, read back both through BlockFiles and raw from disk.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDirCapability } from '../src/host/index.js';
import {
  BlockFiles,
  MAX_BLOCKFILE_SIZE_BYTES,
  xorAtPosition,
  xorObfuscated,
} from '../src/index.js';

const MAGIC = Uint8Array.of(0xfa, 0xbf, 0xb5, 0xda);
const KEY = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 0x80);
const paths: string[] = [];
afterEach(async () => {
  for (const p of paths.splice(0)) await rm(p, { recursive: true, force: true });
});

async function tempDir(): Promise<{
  path: string;
  dir: Awaited<ReturnType<typeof openDirCapability>>;
}> {
  const path = await mkdtemp(join(tmpdir(), 'blocks-xor-'));
  paths.push(path);
  return { path, dir: await openDirCapability(path) };
}

const block = (n: number) => Uint8Array.from({ length: 100 }, (_, i) => (i * 7 + n) & 0xff);

describe('xorAtPosition', () => {
  it('aligns the key on the file offset, so any slice can be (de)obfuscated alone', () => {
    const data = Uint8Array.from({ length: 20 }, (_, i) => i);
    const whole = xorAtPosition(data, KEY, 0);
    expect(whole[0]).toBe(0 ^ 1);
    expect(whole[7]).toBe(7 ^ 0x80);
    expect(whole[8]).toBe(8 ^ 1);
    expect(xorAtPosition(data.subarray(5), KEY, 5)).toEqual(whole.subarray(5));
    expect(xorAtPosition(whole, KEY, 0)).toEqual(data);
  });

  it('refuses a key that is not 8 bytes', async () => {
    const { dir } = await tempDir();
    const h = await dir.open('f', { create: true });
    expect(() => xorObfuscated(h, new Uint8Array(4))).toThrow(/8 bytes/);
    await h.close();
  });
});

describe('BlockFiles with a key', () => {
  it('stores blocks and undo XORed on disk and reads them back plain', async () => {
    const { path, dir } = await tempDir();
    const files = new BlockFiles(dir, MAGIC, [], 0, MAX_BLOCKFILE_SIZE_BYTES, KEY);
    const p1 = await files.writeBlock(block(1), 1, 1000);
    const p2 = await files.writeBlock(block(2), 2, 1001);
    const undoPos = await files.writeUndo(0, Uint8Array.of(9, 9, 9), new Uint8Array(32));
    await files.close();

    const onDisk = new Uint8Array(await readFile(join(path, 'blk00000.dat')));
    expect(onDisk.subarray(0, 4)).not.toEqual(MAGIC);
    const plain = xorAtPosition(onDisk, KEY, 0);
    expect(plain.subarray(0, 4)).toEqual(MAGIC);
    expect(plain.subarray(p2.pos, p2.pos + 100)).toEqual(block(2));

    const again = new BlockFiles(
      dir,
      MAGIC,
      [files.fileInfo(0)!],
      0,
      MAX_BLOCKFILE_SIZE_BYTES,
      KEY,
    );
    expect(await again.readBlock(p1)).toEqual(block(1));
    expect(await again.readBlock(p2)).toEqual(block(2));
    expect(await again.readUndo({ file: 0, pos: undoPos }, new Uint8Array(32))).toEqual(
      Uint8Array.of(9, 9, 9),
    );
    await again.close();
  });

  it('with a zero key writes the plain layout of earlier datadirs', async () => {
    const { path, dir } = await tempDir();
    const files = new BlockFiles(dir, MAGIC, [], 0, MAX_BLOCKFILE_SIZE_BYTES, new Uint8Array(8));
    await files.writeBlock(block(1), 1, 1000);
    await files.close();
    const onDisk = new Uint8Array(await readFile(join(path, 'blk00000.dat')));
    expect(onDisk.subarray(0, 4)).toEqual(MAGIC);
    expect(onDisk.subarray(8)).toEqual(block(1));
  });
});
