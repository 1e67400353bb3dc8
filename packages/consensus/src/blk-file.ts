/**
 * Reader for Core's blk*.dat framing (also the -loadblock / bootstrap.dat format): repeated
 * [4-byte network magic][u32 little-endian length][serialized block]. Pure: it takes bytes and
 * yields blocks with their offsets; reading the file is the caller's business.
 */
import { Block } from './block.js';
import { toHex } from './bytes.js';
import { DecodeError } from './serialize.js';

export interface BlkFileEntry {
  /** Offset of the record's magic in the input. */
  offset: number;
  /** Offset of the serialized block (offset + 8). */
  dataOffset: number;
  length: number;
  block: Block;
}

/**
 * Yields every block in `bytes`. Stops with a DecodeError naming the offset on a wrong magic,
 * a record that runs past the end, or a block that does not decode to exactly its length.
 * Zero padding after the last record (Core preallocates block files) ends the iteration.
 */
export function* readBlkFile(bytes: Uint8Array, magic: Uint8Array): Generator<BlkFileEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  while (off < bytes.length) {
    if (bytes.subarray(off).every((b) => b === 0)) return;
    if (off + 8 > bytes.length) {
      throw new DecodeError(`blk file: truncated record header at offset ${off}`);
    }
    const got = bytes.subarray(off, off + 4);
    if (!got.every((b, i) => b === magic[i])) {
      throw new DecodeError(
        `blk file: bad magic ${toHex(got)} at offset ${off} (expected ${toHex(magic)})`,
      );
    }
    const length = view.getUint32(off + 4, true);
    const dataOffset = off + 8;
    if (dataOffset + length > bytes.length) {
      throw new DecodeError(
        `blk file: block at offset ${off} claims ${length} bytes, only ${bytes.length - dataOffset} remain`,
      );
    }
    let block: Block;
    try {
      block = Block.decode(bytes.subarray(dataOffset, dataOffset + length));
    } catch (e) {
      throw new DecodeError(
        `blk file: block at offset ${off} does not decode: ${(e as Error).message}`,
      );
    }
    yield { offset: off, dataOffset, length, block };
    off = dataOffset + length;
  }
}
