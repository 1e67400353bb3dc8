/**
 * Block and undo files in `<network>/blocks/` as Core lays them out (node/blockstorage.cpp):
 *
 * | file            | record                                                              |
 * | --------------- | ------------------------------------------------------------------- |
 * | blkNNNNN.dat    | network magic(4), u32 LE size, serialized block (with witness)      |
 * | revNNNNN.dat    | network magic(4), u32 LE size, CBlockUndo, sha256d(prev block hash || CBlockUndo) |
 *
 * A block goes to the last file unless it would grow past 128 MiB (Core's MAX_BLOCKFILE_SIZE);
 * its undo data goes to the rev file with the same number. Write positions come from the
 * BlockFileInfo records kept in the block index, never from the file's length, so a torn tail
 * left by a crash is simply overwritten. Positions handed out point just past the 8-byte header.
 * Core pre-allocates files in 16 MiB / 1 MiB chunks; this store does not. Both kinds of file are
 * stored XORed with the `blocks/xor.dat` key when it is not zero (Core 28+, xor-file.ts).
 */
import { createHash } from 'node:crypto';
import type { Dir, FileHandle } from './dir.js';
import { type BlockFileInfo, emptyBlockFileInfo } from './block-tree-db.js';
import { BLOCKS_XOR_KEY_BYTES, xorObfuscated } from './xor-file.js';

/** Core's MAX_BLOCKFILE_SIZE. */
export const MAX_BLOCKFILE_SIZE_BYTES = 0x8000000;
const HEADER_BYTES = 8;

export class BlockFileError extends Error {
  override readonly name = 'BlockFileError';
}

export interface BlockPos {
  file: number;
  pos: number;
}

function fileName(prefix: 'blk' | 'rev', n: number): string {
  return `${prefix}${String(n).padStart(5, '0')}.dat`;
}

function sha256d(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(createHash('sha256').update(h.digest()).digest());
}

function u32le(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

export class BlockFiles {
  private readonly handles = new Map<string, FileHandle>();
  private readonly toSync = new Set<string>();
  private readonly dirtyFiles = new Set<number>();
  private readonly infos: BlockFileInfo[];

  /**
   * @param dir the `blocks/` directory handle
   * @param magic the network's message start, written before every record
   * @param infos file infos loaded from the block index (index = file number)
   * @param lastFile the last file written, from the block index
   */
  constructor(
    private readonly dir: Dir,
    private readonly magic: Uint8Array,
    infos: BlockFileInfo[],
    private lastFile: number,
    private readonly maxFileSizeBytes = MAX_BLOCKFILE_SIZE_BYTES,
    /** The `blocks/xor.dat` key (xor-file.ts); all zero or absent: plain files. */
    private readonly xorKey: Uint8Array = new Uint8Array(BLOCKS_XOR_KEY_BYTES),
  ) {
    if (dir === undefined) throw new TypeError('BlockFiles: dir is required');
    if (magic === undefined || magic.length !== 4)
      throw new TypeError('BlockFiles: magic is required');
    this.infos = infos.slice();
    if (this.infos.length === 0) this.infos.push(emptyBlockFileInfo());
    while (this.infos.length <= lastFile) this.infos.push(emptyBlockFileInfo());
  }

  get lastBlockFile(): number {
    return this.lastFile;
  }

  fileInfo(n: number): BlockFileInfo | undefined {
    return this.infos[n];
  }

  /** File infos changed since the last `takeDirtyFileInfos`, for the index batch. */
  takeDirtyFileInfos(): Map<number, BlockFileInfo> {
    const out = new Map<number, BlockFileInfo>();
    for (const n of this.dirtyFiles) out.set(n, { ...this.infos[n]! });
    this.dirtyFiles.clear();
    return out;
  }

  private async handle(prefix: 'blk' | 'rev', n: number): Promise<FileHandle> {
    const name = fileName(prefix, n);
    let h = this.handles.get(name);
    if (h === undefined) {
      h = xorObfuscated(await this.dir.open(name, { create: true }), this.xorKey);
      this.handles.set(name, h);
    }
    return h;
  }

  /** Appends a block (Core's SaveBlockToDisk) and returns where its bytes start. */
  async writeBlock(raw: Uint8Array, height: number, timeS: number): Promise<BlockPos> {
    const need = raw.length + HEADER_BYTES;
    let n = this.lastFile;
    if (this.infos[n]!.sizeBytes > 0 && this.infos[n]!.sizeBytes + need > this.maxFileSizeBytes) {
      n++;
      this.infos.push(emptyBlockFileInfo());
      this.lastFile = n;
    }
    const info = this.infos[n]!;
    const start = info.sizeBytes;
    const rec = new Uint8Array(need);
    rec.set(this.magic, 0);
    rec.set(u32le(raw.length), 4);
    rec.set(raw, HEADER_BYTES);
    const h = await this.handle('blk', n);
    await h.write(start, rec);
    this.toSync.add(fileName('blk', n));

    if (info.blocks === 0 || height < info.heightFirst) info.heightFirst = height;
    if (info.blocks === 0 || timeS < info.timeFirst) info.timeFirst = timeS;
    if (height > info.heightLast) info.heightLast = height;
    if (timeS > info.timeLast) info.timeLast = timeS;
    info.blocks++;
    info.sizeBytes = start + need;
    this.dirtyFiles.add(n);
    return { file: n, pos: start + HEADER_BYTES };
  }

  private async readRecord(prefix: 'blk' | 'rev', n: number, pos: number, extra: number) {
    if (pos < HEADER_BYTES) throw new BlockFileError(`${fileName(prefix, n)}: bad position ${pos}`);
    const h = await this.handle(prefix, n);
    const head = await h.read(pos - HEADER_BYTES, HEADER_BYTES);
    if (head.length < HEADER_BYTES || !head.subarray(0, 4).every((b, i) => b === this.magic[i])) {
      throw new BlockFileError(`${fileName(prefix, n)}: no record at ${pos} (magic mismatch)`);
    }
    const size = new DataView(head.buffer, head.byteOffset).getUint32(4, true);
    const body = await h.read(pos, size + extra);
    if (body.length < size + extra) {
      throw new BlockFileError(`${fileName(prefix, n)}: record at ${pos} is truncated`);
    }
    return { data: body.subarray(0, size), tail: body.subarray(size) };
  }

  /** The raw block at a position handed out by `writeBlock` (Core's ReadRawBlockFromDisk). */
  async readBlock(pos: BlockPos): Promise<Uint8Array> {
    return (await this.readRecord('blk', pos.file, pos.pos, 0)).data;
  }

  /**
   * Appends undo data to the rev file of the block's file, followed by Core's checksum over the
   * previous block's hash and the undo bytes (WriteBlockUndo).
   */
  async writeUndo(file: number, undo: Uint8Array, prevHash: Uint8Array): Promise<number> {
    const info = this.infos[file];
    if (info === undefined) throw new BlockFileError(`writeUndo: unknown block file ${file}`);
    const start = info.undoSizeBytes;
    const rec = new Uint8Array(HEADER_BYTES + undo.length + 32);
    rec.set(this.magic, 0);
    rec.set(u32le(undo.length), 4);
    rec.set(undo, HEADER_BYTES);
    rec.set(sha256d(prevHash, undo), HEADER_BYTES + undo.length);
    const h = await this.handle('rev', file);
    await h.write(start, rec);
    this.toSync.add(fileName('rev', file));
    info.undoSizeBytes = start + rec.length;
    this.dirtyFiles.add(file);
    return start + HEADER_BYTES;
  }

  /** Reads and checks undo data (Core's UndoReadFromDisk); a bad checksum throws. */
  async readUndo(pos: BlockPos, prevHash: Uint8Array): Promise<Uint8Array> {
    const { data, tail } = await this.readRecord('rev', pos.file, pos.pos, 32);
    const sum = sha256d(prevHash, data);
    if (!sum.every((b, i) => b === tail[i])) {
      throw new BlockFileError(
        `rev${String(pos.file).padStart(5, '0')}.dat: undo checksum mismatch`,
      );
    }
    return data;
  }

  /** fsyncs every file written since the last sync (before the index batch is written). */
  async sync(): Promise<void> {
    for (const name of this.toSync) await this.handles.get(name)?.sync();
    this.toSync.clear();
  }

  async close(): Promise<void> {
    await this.sync();
    for (const h of this.handles.values()) await h.close();
    this.handles.clear();
  }
}
