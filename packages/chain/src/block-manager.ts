/**
 * The block tree and its storage (Core's BlockManager / node/blockstorage.cpp): every known
 * BlockIndex by hash, block and undo data in `blocks/blk*.dat` / `rev*.dat` (or the -blocksdir
 * folder), and the index records in `blocks/index/` of the datadir. Changed entries are written in one synced batch by `flush`, after
 * the block files they point into have been synced.
 */
import {
  Block,
  BlockHeader,
  type ChainParams,
  fromHex,
  reverseBytes,
  toHex,
} from '@bitcoind-lite/consensus';
import type { Random } from '@bitcoind-lite/entropy';
import type { Logger } from '@bitcoind-lite/runtime';
import {
  MAX_BLOCKFILE_SIZE_BYTES,
  type BlockFileInfo,
  BlockFiles,
  BlockTreeDB,
  emptyBlockFileInfo,
  type BlockUndo,
  type DiskBlockIndex,
  type Dir,
  deserializeBlockUndo,
  serializeBlockUndo,
} from '@bitcoind-lite/storage';
import { BlockIndex } from './block-index.js';
import { initBlocksDirXorKey } from './blocks-xor-key.js';
import { BLOCK_HAVE_DATA, BLOCK_HAVE_UNDO, BLOCK_VALID_TREE } from './block-status.js';

/** A spent output as undo data records it: the output, its height, whether a coinbase made it. */
export interface SpentOutput {
  value: bigint;
  scriptPubKey: Uint8Array;
  height: number;
  isCoinbase: boolean;
}

export class BlockManager {
  private readonly byHash = new Map<string, BlockIndex>();
  private readonly dirty = new Set<BlockIndex>();

  private constructor(
    private readonly tree: BlockTreeDB,
    readonly files: BlockFiles,
    /** The blk/rev files' obfuscation key (blocks-xor-key.ts); all zero: plain files. */
    readonly xorKey: Uint8Array,
  ) {}

  /**
   * `datadir` is the network folder; the index is always `<datadir>/blocks/index`. `blocksDir`
   * is where the blk/rev files go (Core's BlockManager::Options::blocks_dir, moved by
   * -blocksdir); absent: `<datadir>/blocks`, next to the index, as without -blocksdir.
   */
  static async open(
    datadir: Dir,
    params: ChainParams,
    blocksDir: Dir | undefined,
    xor: { random: Random; useXor: boolean; logger?: Logger | undefined },
  ): Promise<BlockManager> {
    const indexParent = await datadir.subdir('blocks', { create: true });
    const filesDir = blocksDir ?? indexParent;
    // As Core, the key is settled before the index is created in the same folder, so that a
    // fresh datadir counts as a first run.
    const xorKey = await initBlocksDirXorKey(filesDir, xor);
    const tree = await BlockTreeDB.open(await indexParent.openLevel('index'));
    const lastFile = (await tree.readLastBlockFile()) ?? 0;
    const infos: BlockFileInfo[] = [];
    for (let n = 0; n <= lastFile; n++) {
      infos[n] = (await tree.readBlockFileInfo(n)) ?? emptyBlockFileInfo();
    }
    const files = new BlockFiles(
      filesDir,
      params.messageStart,
      infos,
      lastFile,
      MAX_BLOCKFILE_SIZE_BYTES,
      xorKey,
    );
    const bm = new BlockManager(tree, files, xorKey);
    await bm.load();
    return bm;
  }

  /** Core's LoadBlockIndexGuts: every record, linked to its parent, in height order. */
  private async load(): Promise<void> {
    const records: DiskBlockIndex[] = [];
    for await (const r of this.tree.blockIndexRecords()) records.push(r);
    records.sort((a, b) => a.height - b.height);
    for (const r of records) {
      const header = BlockHeader.decode(r.header);
      const prev = this.lookup(header.prevBlock);
      if (r.height > 0 && prev === undefined) {
        throw new Error(`block index: parent of ${toHex(reverseBytes(r.hash))} is missing`);
      }
      const idx = new BlockIndex(header, prev);
      if (idx.height !== r.height)
        throw new Error(`block index: height mismatch at ${idx.hashHex}`);
      idx.status = r.status;
      idx.nTx = r.nTx;
      idx.file = r.file;
      idx.dataPos = r.dataPos;
      idx.undoPos = r.undoPos;
      if (idx.nTx > 0 && (prev === undefined || prev.chainTx > 0)) {
        idx.chainTx = (prev?.chainTx ?? 0) + idx.nTx;
      }
      this.byHash.set(idx.hashHex, idx);
    }
  }

  get size(): number {
    return this.byHash.size;
  }

  /** Core's CalculateCurrentUsage: bytes of every blk*.dat and rev*.dat file, headers included. */
  calculateCurrentUsage(): number {
    let total = 0;
    for (let n = 0; n <= this.files.lastBlockFile; n++) {
      const info = this.files.fileInfo(n);
      if (info !== undefined) total += info.sizeBytes + info.undoSizeBytes;
    }
    return total;
  }

  all(): IterableIterator<BlockIndex> {
    return this.byHash.values();
  }

  /** By internal-order bytes or display hex. */
  lookup(hash: Uint8Array | string): BlockIndex | undefined {
    const key = typeof hash === 'string' ? hash.toLowerCase() : toHex(reverseBytes(hash));
    return this.byHash.get(key);
  }

  /** Core's AddToBlockIndex: a new entry at VALID_TREE. */
  addHeader(header: BlockHeader, prev: BlockIndex | undefined): BlockIndex {
    const idx = new BlockIndex(header, prev);
    idx.raiseValidity(BLOCK_VALID_TREE);
    this.byHash.set(idx.hashHex, idx);
    this.dirty.add(idx);
    return idx;
  }

  markDirty(idx: BlockIndex): void {
    this.dirty.add(idx);
  }

  /** Writes block data and records where (status gains HAVE_DATA). */
  async writeBlock(block: Block, idx: BlockIndex): Promise<void> {
    const pos = await this.files.writeBlock(block.serialize(), idx.height, idx.header.time);
    idx.file = pos.file;
    idx.dataPos = pos.pos;
    idx.status |= BLOCK_HAVE_DATA;
    this.dirty.add(idx);
  }

  async readRawBlock(idx: BlockIndex): Promise<Uint8Array> {
    if ((idx.status & BLOCK_HAVE_DATA) === 0) {
      throw new Error(`block ${idx.hashHex} not available (no data)`);
    }
    return this.files.readBlock({ file: idx.file, pos: idx.dataPos });
  }

  async readBlock(idx: BlockIndex): Promise<Block> {
    const block = Block.decode(await this.readRawBlock(idx));
    if (block.hashHex() !== idx.hashHex) {
      throw new Error(`block on disk does not match the index at ${idx.hashHex}`);
    }
    return block;
  }

  async writeUndo(idx: BlockIndex, undo: BlockUndo): Promise<void> {
    if ((idx.status & BLOCK_HAVE_UNDO) !== 0 || idx.prev === undefined) return;
    idx.undoPos = await this.files.writeUndo(idx.file, serializeBlockUndo(undo), idx.prev.hash);
    idx.status |= BLOCK_HAVE_UNDO;
    this.dirty.add(idx);
  }

  async readUndo(idx: BlockIndex): Promise<BlockUndo> {
    if ((idx.status & BLOCK_HAVE_UNDO) === 0 || idx.prev === undefined) {
      throw new Error(`no undo data for block ${idx.hashHex}`);
    }
    const bytes = await this.files.readUndo({ file: idx.file, pos: idx.undoPos }, idx.prev.hash);
    return deserializeBlockUndo(bytes);
  }

  /**
   * The outputs each non-coinbase transaction of a block spent, from its undo data; undefined
   * when the block has none (not connected, or genesis).
   */
  async readSpentOutputs(idx: BlockIndex): Promise<SpentOutput[][] | undefined> {
    if ((idx.status & BLOCK_HAVE_UNDO) === 0 || idx.prev === undefined) return undefined;
    return (await this.readUndo(idx)).map((txUndo) =>
      txUndo.map((c) => ({
        value: c.out.value,
        scriptPubKey: c.out.scriptPubKey,
        height: c.height,
        isCoinbase: c.isCoinbase,
      })),
    );
  }

  /** Syncs the block files, then writes changed index entries in one synced batch. */
  async flush(): Promise<void> {
    await this.files.sync();
    const infos = this.files.takeDirtyFileInfos();
    if (this.dirty.size === 0 && infos.size === 0) return;
    const records: DiskBlockIndex[] = [];
    for (const idx of this.dirty) {
      records.push({
        hash: idx.hash,
        height: idx.height,
        status: idx.status,
        nTx: idx.nTx,
        file: idx.file,
        dataPos: idx.dataPos,
        undoPos: idx.undoPos,
        header: idx.header.serialize(),
      });
    }
    this.dirty.clear();
    await this.tree.writeBatchSync(infos, this.files.lastBlockFile, records);
  }

  get treeDb(): BlockTreeDB {
    return this.tree;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.files.close();
    await this.tree.close();
  }
}

export function hashFromHex(hex: string): Uint8Array {
  return reverseBytes(fromHex(hex));
}
