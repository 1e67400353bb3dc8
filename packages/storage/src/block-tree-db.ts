/**
 * The block index on disk (Core's CBlockTreeDB, txdb.cpp / node/blockstorage.cpp), a LevelDB in
 * `<network>/blocks/index/`.
 *
 * | key                         | value                                                     |
 * | --------------------------- | --------------------------------------------------------- |
 * | 'b' hash(32, internal)      | DiskBlockIndex: VARINT client version, VARINT height, VARINT status, VARINT nTx, [VARINT file], [VARINT data pos], [VARINT undo pos], 80-byte header |
 * | 'f' i32 LE file number      | BlockFileInfo: VARINT blocks, size, undo size, first/last height, first/last time |
 * | 'l'                         | i32 LE: the last block file written                       |
 * | 'F' CompactSize name, name  | '1' or '0': a named flag (Core's WriteFlag, e.g. "prunedblockfiles") |
 * | 'R'                         | '1' while a reindex is in progress                        |
 *
 * File and positions are present only when the status says the block has data / undo, exactly
 * as Core's CDiskBlockIndex; positions point just past the 8-byte magic+size header.
 */
import { createHash } from 'node:crypto';
import type { LevelDB } from './dir.js';
import { StorageReader, pushBytes, pushCompactSize, pushU32, writeVarInt } from './varint.js';

const DB_BLOCK_INDEX = 0x62; // 'b'
const DB_BLOCK_FILES = 0x66; // 'f'
const DB_LAST_BLOCK = 0x6c; // 'l'
const DB_FLAG = 0x46; // 'F'
const DB_REINDEX_FLAG = 0x52; // 'R'

/** Core's BLOCK_HAVE_DATA / BLOCK_HAVE_UNDO (chain.h), which decide the record's optional fields. */
const HAVE_DATA = 8;
const HAVE_UNDO = 16;
/** The client version written into records, as Core writes its CLIENT_VERSION. */
const RECORD_CLIENT_VERSION = 280000;

export interface DiskBlockIndex {
  hash: Uint8Array;
  height: number;
  status: number;
  nTx: number;
  file: number;
  dataPos: number;
  undoPos: number;
  /** The 80 serialized header bytes. */
  header: Uint8Array;
}

export interface BlockFileInfo {
  blocks: number;
  sizeBytes: number;
  undoSizeBytes: number;
  heightFirst: number;
  heightLast: number;
  timeFirst: number;
  timeLast: number;
}

export function emptyBlockFileInfo(): BlockFileInfo {
  return {
    blocks: 0,
    sizeBytes: 0,
    undoSizeBytes: 0,
    heightFirst: 0,
    heightLast: 0,
    timeFirst: 0,
    timeLast: 0,
  };
}

function fileKey(n: number): Uint8Array {
  const out: number[] = [DB_BLOCK_FILES];
  pushU32(out, n);
  return Uint8Array.from(out);
}

function blockKey(hash: Uint8Array): Uint8Array {
  const k = new Uint8Array(33);
  k[0] = DB_BLOCK_INDEX;
  k.set(hash, 1);
  return k;
}

function flagKey(name: string): Uint8Array {
  const b = new TextEncoder().encode(name);
  const out: number[] = [DB_FLAG];
  pushCompactSize(out, b.length);
  pushBytes(out, b);
  return Uint8Array.from(out);
}

export function serializeDiskBlockIndex(r: DiskBlockIndex): Uint8Array {
  const out: number[] = [];
  writeVarInt(out, RECORD_CLIENT_VERSION);
  writeVarInt(out, r.height);
  writeVarInt(out, r.status);
  writeVarInt(out, r.nTx);
  if (r.status & (HAVE_DATA | HAVE_UNDO)) writeVarInt(out, r.file);
  if (r.status & HAVE_DATA) writeVarInt(out, r.dataPos);
  if (r.status & HAVE_UNDO) writeVarInt(out, r.undoPos);
  pushBytes(out, r.header);
  return Uint8Array.from(out);
}

export function deserializeDiskBlockIndex(hash: Uint8Array, bytes: Uint8Array): DiskBlockIndex {
  const r = new StorageReader(bytes);
  r.varInt();
  const height = r.varInt();
  const status = r.varInt();
  const nTx = r.varInt();
  const file = status & (HAVE_DATA | HAVE_UNDO) ? r.varInt() : 0;
  const dataPos = status & HAVE_DATA ? r.varInt() : 0;
  const undoPos = status & HAVE_UNDO ? r.varInt() : 0;
  const header = r.bytesN(80).slice();
  return { hash, height, status, nTx, file, dataPos, undoPos, header };
}

function serializeFileInfo(f: BlockFileInfo): Uint8Array {
  const out: number[] = [];
  for (const v of [
    f.blocks,
    f.sizeBytes,
    f.undoSizeBytes,
    f.heightFirst,
    f.heightLast,
    f.timeFirst,
    f.timeLast,
  ]) {
    writeVarInt(out, v);
  }
  return Uint8Array.from(out);
}

function deserializeFileInfo(bytes: Uint8Array): BlockFileInfo {
  const r = new StorageReader(bytes);
  return {
    blocks: r.varInt(),
    sizeBytes: r.varInt(),
    undoSizeBytes: r.varInt(),
    heightFirst: r.varInt(),
    heightLast: r.varInt(),
    timeFirst: r.varInt(),
    timeLast: r.varInt(),
  };
}

export class BlockTreeDB {
  private constructor(private readonly db: LevelDB) {}

  static async open(db: LevelDB): Promise<BlockTreeDB> {
    if (db === undefined) throw new TypeError('BlockTreeDB: db is required');
    if (db.status !== 'open') await db.open();
    return new BlockTreeDB(db);
  }

  /** Every stored block index record (Core's LoadBlockIndexGuts), in key order. */
  async *blockIndexRecords(): AsyncGenerator<DiskBlockIndex> {
    const it = this.db.iterator({
      gte: Uint8Array.of(DB_BLOCK_INDEX),
      lt: Uint8Array.of(DB_BLOCK_INDEX + 1),
    });
    try {
      for await (const [k, v] of it) {
        const rec = deserializeDiskBlockIndex(k.slice(1, 33), v);
        const h = createHash('sha256').update(createHash('sha256').update(rec.header).digest());
        if (!Buffer.from(h.digest()).equals(Buffer.from(rec.hash))) {
          throw new RangeError('block index: record header does not hash to its key');
        }
        yield rec;
      }
    } finally {
      await it.close();
    }
  }

  async readBlockFileInfo(file: number): Promise<BlockFileInfo | undefined> {
    const v = await this.db.get(fileKey(file));
    return v === undefined ? undefined : deserializeFileInfo(v);
  }

  async readLastBlockFile(): Promise<number | undefined> {
    const v = await this.db.get(Uint8Array.of(DB_LAST_BLOCK));
    return v === undefined ? undefined : new StorageReader(v).i32();
  }

  async readFlag(name: string): Promise<boolean | undefined> {
    const v = await this.db.get(flagKey(name));
    return v === undefined ? undefined : v[0] === 0x31;
  }

  async writeFlag(name: string, value: boolean): Promise<void> {
    await this.db.put(flagKey(name), Uint8Array.of(value ? 0x31 : 0x30));
  }

  async readReindexing(): Promise<boolean> {
    return (await this.db.get(Uint8Array.of(DB_REINDEX_FLAG))) !== undefined;
  }

  async writeReindexing(on: boolean): Promise<void> {
    if (on) await this.db.put(Uint8Array.of(DB_REINDEX_FLAG), Uint8Array.of(0x31));
    else await this.db.del(Uint8Array.of(DB_REINDEX_FLAG));
  }

  /** Core's WriteBatchSync: file infos, the last file number and block records, synced. */
  async writeBatchSync(
    fileInfos: ReadonlyMap<number, BlockFileInfo>,
    lastFile: number,
    records: Iterable<DiskBlockIndex>,
  ): Promise<void> {
    const ops: { type: 'put'; key: Uint8Array; value: Uint8Array }[] = [];
    for (const [n, info] of fileInfos) {
      ops.push({ type: 'put', key: fileKey(n), value: serializeFileInfo(info) });
    }
    const last: number[] = [];
    pushU32(last, lastFile);
    ops.push({ type: 'put', key: Uint8Array.of(DB_LAST_BLOCK), value: Uint8Array.from(last) });
    for (const r of records) {
      ops.push({ type: 'put', key: blockKey(r.hash), value: serializeDiskBlockIndex(r) });
    }
    await this.db.batch(ops, { sync: true } as object);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
