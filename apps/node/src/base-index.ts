/**
 * What every optional index shares (Core's BaseIndex, index/base.cpp): a LevelDB below
 * `<network datadir>/indexes/`, a catch-up from the last indexed block (or its fork point with
 * the active chain) to the tip, then one write per `blockConnected`, in order, and the best
 * height getindexinfo reports. A subclass says how one block is written.
 *
 * Writes run one after another on a queue: blocks connected while catching up wait behind it,
 * so each block's parent is always indexed first. A failed write is logged, not thrown, and the
 * queue goes on (the index then lags, as Core's does after an error, until restart).
 */
import type { Block } from '@bitcoind-lite/consensus';
import type { BlockIndex, ChainstateManager } from '@bitcoind-lite/chain';
import type { Logger } from '@bitcoind-lite/runtime';
import type { Dir, LevelDB } from '@bitcoind-lite/storage';

/** The key of the last block indexed (Core's DB_BEST_BLOCK 'B'), shared by every index. */
export const KEY_BEST_BLOCK = Uint8Array.of(0x42);

/**
 * Opens the index database at `indexes/<path...>/<dbName>` below `netDir`, creating folders as
 * needed. `owner` names the caller in the TypeError thrown for a missing capability.
 */
export async function openIndexDb(
  owner: string,
  caps: { netDir: Dir; chainman: ChainstateManager; logger: Logger },
  path: readonly string[],
  dbName: string,
): Promise<LevelDB> {
  for (const [k, v] of Object.entries(caps)) {
    if (v === undefined) throw new TypeError(`${owner}: ${k} is required`);
  }
  let dir = await caps.netDir.subdir('indexes', { create: true });
  for (const part of path) dir = await dir.subdir(part, { create: true });
  // Core's dbwrapper line, which operators and Core's tests look for.
  caps.logger.info(`Opening LevelDB in ${dir.description}/${dbName}`);
  return dir.openLevel(dbName);
}

export abstract class BaseIndex {
  private queue: Promise<void> = Promise.resolve();
  private synced = false;
  /** Height of the last block indexed (getindexinfo best_block_height); -1 before any. */
  private bestHeightIndexed = -1;
  private unsubscribe: (() => void) | undefined;

  /**
   * @param name Core's GetName(), used in "<name> is enabled" log lines.
   * @param errorTag prefix of logged write failures.
   */
  protected constructor(
    protected readonly db: LevelDB,
    protected readonly chainman: ChainstateManager,
    protected readonly logger: Logger,
    private readonly name: string,
    private readonly errorTag: string,
  ) {}

  /** Writes one connected block; its batch must also put KEY_BEST_BLOCK -> the block's hash. */
  protected abstract writeBlock(block: Block, idx: BlockIndex): Promise<void>;

  /** Called once before catching up, with the first height to index and the tip's height. */
  protected onCatchUpStart(_fromHeight: number, _tipHeight: number): void {}

  /** Follows blockConnected and starts catching up in the background; called by `open`. */
  protected start(): void {
    // Blocks connected while catching up queue behind it, so the order holds.
    this.unsubscribe = this.chainman.on('blockConnected', (block, idx) => {
      this.enqueue(() => this.write(block, idx));
    });
    this.enqueue(() => this.catchUp());
  }

  /** Whether the index has caught up with the tip seen at start (Core's BaseIndex::m_synced). */
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

  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.queue;
    await this.db.close();
  }

  private enqueue(fn: () => Promise<void>): void {
    this.queue = this.queue.then(fn).catch((err: unknown) => {
      this.logger.error(`${this.errorTag}: ${(err as Error).message}`);
    });
  }

  private async write(block: Block, idx: BlockIndex): Promise<void> {
    await this.writeBlock(block, idx);
    this.bestHeightIndexed = idx.height;
  }

  /** Indexes from the fork point of the last indexed block up to the tip. */
  private async catchUp(): Promise<void> {
    const bestHash = await this.db.get(KEY_BEST_BLOCK);
    let from = 0;
    if (bestHash !== undefined) {
      let walk = this.chainman.lookup(bestHash);
      while (walk !== undefined && !this.chainman.activeChain.contains(walk)) walk = walk.prev;
      from = walk === undefined ? 0 : walk.height + 1;
    }
    this.bestHeightIndexed = from - 1;
    this.onCatchUpStart(from, this.chainman.activeChain.height());
    for (let h = from; h <= this.chainman.activeChain.height(); h++) {
      const idx = this.chainman.activeChain.at(h);
      if (idx === undefined) break;
      await this.write(await this.chainman.readBlock(idx), idx);
    }
    this.synced = true;
    this.logger.info(`${this.name} is enabled`);
  }
}
