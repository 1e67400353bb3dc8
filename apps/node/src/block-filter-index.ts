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
import { BaseIndex, KEY_BEST_BLOCK, openIndexDb } from './base-index.js';

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

export class BlockFilterIndex extends BaseIndex {
  readonly filterType = BlockFilterType.BASIC;

  private constructor(db: LevelDB, chainman: ChainstateManager, logger: Logger) {
    super(db, chainman, logger, 'basic block filter index', 'blockfilterindex');
  }

  /** Opens the basic filter index and starts catching up with the active chain. */
  static async open(
    netDir: Dir,
    chainman: ChainstateManager,
    logger: Logger,
  ): Promise<BlockFilterIndex> {
    const db = await openIndexDb(
      'BlockFilterIndex.open',
      { netDir, chainman, logger },
      ['blockfilter', 'basic'],
      'db',
    );
    const index = new BlockFilterIndex(db, chainman, logger);
    index.start();
    return index;
  }

  async lookupFilter(idx: { hash: Uint8Array }): Promise<IndexedFilter | undefined> {
    const v = await this.db.get(hashKey(idx.hash));
    if (v === undefined) return undefined;
    return { header: v.slice(0, 32), filterHash: v.slice(32, 64), filter: v.slice(64) };
  }

  protected async writeBlock(block: Block, idx: BlockIndex): Promise<void> {
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
      .put(KEY_BEST_BLOCK, idx.hash)
      .write();
  }
}
