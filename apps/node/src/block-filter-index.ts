/**
 * The block filter index (`-blockfilterindex`, BIP157/158), in LevelDB at
 * `<network datadir>/indexes/blockfilter/basic/db` as Core lays it out. For every connected block
 * it builds the basic filter from the block and the scripts its undo data says it spent, chains
 * the filter header onto the parent's, and stores both.
 *
 * Unlike Core, the filter bytes live in the database next to their header instead of in
 * `fltr?????.dat` flat files, and entries are kept by block hash for every block ever connected
 * (Core moves a disconnected block's height entry to a hash entry; the effect is the same: the
 * filter of a stale block can still be asked for).
 *
 * Key layout:
 *   's' + block hash (32, internal order) -> filter header (32) || filter hash (32) || filter
 *   't' + height (4, big-endian)          -> block hash of the active-chain block last indexed there
 *   'B'                                   -> hash of the last block indexed (Core's best block)
 */
import { BlockFilter, BlockFilterType, concatBytes, type Block } from '@bitcoind-lite/consensus';
import type { BlockIndex, ChainstateManager } from '@bitcoind-lite/chain';
import type { Logger } from '@bitcoind-lite/runtime';
import type { Dir, LevelDB } from '@bitcoind-lite/storage';

const KEY_BEST = Uint8Array.of(0x42);
const PREFIX_HASH = 0x73;
const PREFIX_HEIGHT = 0x74;
const ZERO_HEADER = new Uint8Array(32);

function hashKey(blockHash: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(PREFIX_HASH), blockHash);
}

function heightKey(height: number): Uint8Array {
  const k = new Uint8Array(5);
  k[0] = PREFIX_HEIGHT;
  new DataView(k.buffer).setUint32(1, height, false);
  return k;
}

export interface IndexedFilter {
  filter: Uint8Array;
  filterHash: Uint8Array;
  header: Uint8Array;
}

export class BlockFilterIndex {
  readonly filterType = BlockFilterType.BASIC;
  private queue: Promise<void> = Promise.resolve();
  private synced = false;
  /** Height of the last block indexed (getindexinfo best_block_height); -1 before any. */
  private bestHeightIndexed = -1;
  private unsubscribe: (() => void) | undefined;

  private constructor(
    private readonly db: LevelDB,
    private readonly chainman: ChainstateManager,
    private readonly logger: Logger,
  ) {}

  /** Opens the basic filter index and starts catching up with the active chain. */
  static async open(
    netDir: Dir,
    chainman: ChainstateManager,
    logger: Logger,
  ): Promise<BlockFilterIndex> {
    for (const [k, v] of Object.entries({ netDir, chainman, logger })) {
      if (v === undefined) throw new TypeError(`BlockFilterIndex.open: ${k} is required`);
    }
    const indexes = await netDir.subdir('indexes', { create: true });
    const filters = await indexes.subdir('blockfilter', { create: true });
    const basic = await filters.subdir('basic', { create: true });
    const db = await basic.openLevel('db');
    const index = new BlockFilterIndex(db, chainman, logger);
    // Blocks connected while catching up queue behind it, so each parent is indexed first.
    index.unsubscribe = chainman.on('blockConnected', (block, idx) => {
      index.enqueue(() => index.write(block, idx));
    });
    index.enqueue(() => index.catchUp());
    return index;
  }

  isReady(): boolean {
    return this.synced;
  }

  /** Core's IndexSummary best_block_height. */
  bestHeight(): number {
    return this.bestHeightIndexed;
  }

  /** Resolves once every block connected so far has been indexed. */
  async sync(): Promise<void> {
    await this.queue;
  }

  async lookupFilter(idx: { hash: Uint8Array }): Promise<IndexedFilter | undefined> {
    const v = await this.db.get(hashKey(idx.hash));
    if (v === undefined) return undefined;
    return { header: v.slice(0, 32), filterHash: v.slice(32, 64), filter: v.slice(64) };
  }

  private enqueue(fn: () => Promise<void>): void {
    this.queue = this.queue.then(fn).catch((err: unknown) => {
      this.logger.error(`blockfilterindex: ${(err as Error).message}`);
    });
  }

  private async write(block: Block, idx: BlockIndex): Promise<void> {
    // A block with only a coinbase spends nothing (and the genesis block has no undo data).
    const spent: Uint8Array[] = [];
    if (block.txs.length > 1) {
      for (const txUndo of await this.chainman.blockman.readUndo(idx)) {
        for (const coin of txUndo) spent.push(coin.out.scriptPubKey);
      }
    }
    const filter = BlockFilter.basic(block, spent);

    let prevHeader: Uint8Array = ZERO_HEADER;
    if (idx.prev !== undefined) {
      const prev = await this.lookupFilter(idx.prev);
      if (prev === undefined) {
        throw new Error(`filter of ${idx.prev.hashHex}, parent of ${idx.hashHex}, not indexed`);
      }
      prevHeader = prev.header;
    }
    const filterHash = filter.hash();
    const header = filter.computeHeader(prevHeader);

    await this.db
      .batch()
      .put(hashKey(idx.hash), concatBytes(header, filterHash, filter.encoded))
      .put(heightKey(idx.height), idx.hash)
      .put(KEY_BEST, idx.hash)
      .write();
    this.bestHeightIndexed = idx.height;
  }

  /** Indexes from the fork point of the last indexed block up to the tip. */
  private async catchUp(): Promise<void> {
    const bestHash = await this.db.get(KEY_BEST);
    let from = 0;
    if (bestHash !== undefined) {
      let walk = this.chainman.lookup(bestHash);
      while (walk !== undefined && !this.chainman.activeChain.contains(walk)) walk = walk.prev;
      from = walk === undefined ? 0 : walk.height + 1;
    }
    this.bestHeightIndexed = from - 1;
    for (let h = from; h <= this.chainman.activeChain.height(); h++) {
      const idx = this.chainman.activeChain.at(h);
      if (idx === undefined) break;
      await this.write(await this.chainman.readBlock(idx), idx);
    }
    this.synced = true;
    this.logger.info('basic block filter index is enabled');
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.queue;
    await this.db.close();
  }
}
