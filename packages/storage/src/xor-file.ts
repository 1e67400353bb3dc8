/**
 * Block file obfuscation as Core 28+ does it (node/blockstorage.cpp, util/obfuscation): every
 * byte of a blk/rev file is stored XORed with an 8-byte key, byte `i` of the file with
 * `key[i % 8]`, so the files do not hold recognisable transaction data for scanners that
 * quarantine them. The key lives in `blocks/xor.dat`; an all-zero key leaves the files plain
 * (datadirs written before obfuscation, or `-blocksxor=0`).
 */
import type { FileHandle } from './dir.js';

/** Core's Obfuscation::KEY_SIZE: the key in xor.dat is exactly this many bytes. */
export const BLOCKS_XOR_KEY_BYTES = 8;

export function isZeroXorKey(key: Uint8Array): boolean {
  return key.every((b) => b === 0);
}

/** A copy of `data` XORed with `key`, aligned as if `data` sat at `position` in the file. */
export function xorAtPosition(data: Uint8Array, key: Uint8Array, position: number): Uint8Array {
  const out = new Uint8Array(data.length);
  const k = key.length;
  for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ key[(position + i) % k]!;
  return out;
}

/** A FileHandle whose bytes are XOR-obfuscated on disk and plain to its holder. */
class XorFileHandle implements FileHandle {
  constructor(
    private readonly inner: FileHandle,
    private readonly key: Uint8Array,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  size(): Promise<number> {
    return this.inner.size();
  }

  async read(position: number, length: number): Promise<Uint8Array> {
    return xorAtPosition(await this.inner.read(position, length), this.key, position);
  }

  write(position: number, data: Uint8Array): Promise<void> {
    return this.inner.write(position, xorAtPosition(data, this.key, position));
  }

  sync(): Promise<void> {
    return this.inner.sync();
  }

  truncate(length: number): Promise<void> {
    return this.inner.truncate(length);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** `file` seen through the block files' XOR key; the handle itself when the key is zero. */
export function xorObfuscated(file: FileHandle, key: Uint8Array): FileHandle {
  if (key.length !== BLOCKS_XOR_KEY_BYTES) {
    throw new RangeError(
      `xorObfuscated: key must be ${BLOCKS_XOR_KEY_BYTES} bytes, got ${key.length}`,
    );
  }
  return isZeroXorKey(key) ? file : new XorFileHandle(file, key.slice());
}
