/**
 * A simple transaction index (`-txindex`), in LevelDB at `<network datadir>/indexes/txindex`
 * as Core lays it out. It maps a txid to the hash of the block that holds it; getrawtransaction
 * then reads the block. Unlike Core's it stores no disk position, and entries of disconnected
 * blocks stay (Core's index keeps them too; the RPC reports such a block as not in the active
 * chain).
 *
 * Key layout:
 *   't' + txid (32 bytes, internal order) -> block hash (32 bytes)
 *   'B'                                  -> hash of the last block indexed (Core's best block)
 */
import { concatBytes } from '@bitcoind-lite/consensus';
import type { Block } from '@bitcoind-lite/consensus';
import type { BlockIndex, ChainstateManager } from '@bitcoind-lite/chain';
import type { Logger } from '@bitcoind-lite/runtime';
import type { Dir, LevelDB } from '@bitcoind-lite/storage';

const KEY_BEST = new Uint8Array([0x42]);
const PREFIX_TX = 0x74;

function txKey(txid: Uint8Array): Uint8Array {
  return concatBytes(new Uint8Array([PREFIX_TX]), txid);
}

export class TxIndex {
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

  /** Opens the index and starts catching up with the active chain in the background. */
  static async open(netDir: Dir, chainman: ChainstateManager, logger: Logger): Promise<TxIndex> {
    const indexes = await netDir.subdir('indexes', { create: true });
    const db = await indexes.openLevel('txindex');
    const index = new TxIndex(db, chainman, logger);
    // Blocks connected while catching up are queued behind it, so the order holds.
    index.unsubscribe = chainman.on('blockConnected', (block, idx) => {
      index.enqueue(() => index.write(block, idx));
    });
    index.enqueue(() => index.catchUp());
    return index;
  }

  /** Whether the index has caught up with the tip seen at start (Core's f_txindex_ready). */
  isReady(): boolean {
    return this.synced;
  }

  /** Core's IndexSummary best_block_height. */
  bestHeight(): number {
    return this.bestHeightIndexed;
  }

  /** The hash of the block holding `txid` (internal order), when indexed. */
  async findBlock(txid: Uint8Array): Promise<Uint8Array | undefined> {
    return this.db.get(txKey(txid));
  }

  private enqueue(fn: () => Promise<void>): void {
    this.queue = this.queue.then(fn).catch((err: unknown) => {
      this.logger.error(`txindex: ${(err as Error).message}`);
    });
  }

  private async write(block: Block, idx: BlockIndex): Promise<void> {
    const batch = this.db.batch();
    for (const tx of block.txs) batch.put(txKey(tx.txid()), idx.hash);
    batch.put(KEY_BEST, idx.hash);
    await batch.write();
    this.bestHeightIndexed = idx.height;
  }

  /** Indexes from the fork point of the last indexed block up to the tip. */
  private async catchUp(): Promise<void> {
    const bestHash = await this.db.get(KEY_BEST);
    let from = 0;
    if (bestHash !== undefined) {
      const best = this.chainman.lookup(bestHash);
      let walk = best;
      while (walk !== undefined && !this.chainman.activeChain.contains(walk)) walk = walk.prev;
      from = walk === undefined ? 0 : walk.height + 1;
    }
    this.bestHeightIndexed = from - 1;
    const tipHeight = this.chainman.activeChain.height();
    if (from <= tipHeight) {
      this.logger.info(`txindex is enabled at height ${from}`);
    }
    for (let h = from; h <= this.chainman.activeChain.height(); h++) {
      const idx = this.chainman.activeChain.at(h);
      if (idx === undefined) break;
      await this.write(await this.chainman.readBlock(idx), idx);
    }
    this.synced = true;
    this.logger.info('txindex is enabled');
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.queue;
    await this.db.close();
  }
}
