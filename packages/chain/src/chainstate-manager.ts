/**
 * The chainstate (Core's ChainstateManager + Chainstate): accepts headers and blocks, keeps the
 * block tree, and moves the active chain to the valid chain with the most work, connecting and
 * disconnecting blocks against the UTXO set.
 *
 * Crash safety, in Core's order: block data is written and synced before its index record; undo
 * data before the index says the block has it; the index before the chainstate. The chainstate
 * records the block it reflects ('B'); on start the active chain is set to that block and then
 * extended by reconnecting blocks the index already has (replay). An interrupted multi-batch
 * flush ('H' markers) is recovered as Core's ReplayBlocks.
 */
import { Block, type BlockHeader, type ChainParams, bytesEqual, nowSecondsOf } from './deps.js';
import type { Clock, Logger } from '@bitcoind-lite/runtime';
import type { Random } from '@bitcoind-lite/entropy';
import type { Coin, CoinsViewDB, Dir } from '@bitcoind-lite/storage';
import { type ChainTip, getChainTips } from './chain-tips.js';
import { type CoinStatsHashType, type CoinsStats, computeCoinsStats } from './coin-stats.js';
import { BlockCandidates } from './block-candidates.js';
import type { BlockIndex } from './block-index.js';
import type { BlockManager, SpentOutput } from './block-manager.js';
import { BLOCK_FAILED_MASK, BLOCK_HAVE_DATA, BLOCK_VALID_SCRIPTS } from './block-status.js';
import {
  type BlockTree,
  findBestHeader,
  markFailedWithDescendants,
  receivedBlockTransactions,
} from './block-tree-updates.js';
import { Chain } from './chain.js';
import {
  checkBlock,
  checkBlockHeader,
  contextualCheckBlock,
  contextualCheckBlockHeader,
} from './check-block.js';
import { CoinsViewCache } from './coins-view-cache.js';
import { connectBlock, disconnectBlock } from './connect-block.js';
import { runReindex } from './reindex.js';
import { openChainstateDbs } from './open-chainstate-dbs.js';
import { OperatorControls } from './operator-controls.js';
import { replayBlocks } from './replay-blocks.js';
import { DEFAULT_CHECKBLOCKS, DEFAULT_CHECKLEVEL, verifyDb } from './verify-db.js';
import { type ChainEvents, ChainEventEmitter } from './events.js';
import type { ScriptVerifier } from './script-verifier.js';
import {
  type ValidationState,
  invalidState,
  stateToString,
  validState,
} from './validation-state.js';

/** Core's DEFAULT_DB_CACHE: 450 MiB. */
export const DEFAULT_DBCACHE_MIB = 450;
/** How long the coins may stay unflushed (Core writes about hourly; we are more eager). */
const COINS_FLUSH_INTERVAL_MS = 60_000;
/** Core's MIN_BLOCKS_TO_KEEP: an unrequested block further past the tip is not stored. */
const MIN_BLOCKS_TO_KEEP = 288;
/** Core's DEFAULT_MAX_TIP_AGE: a tip older than a day means initial block download. */
const MAX_TIP_AGE_S = 24 * 60 * 60;

export interface ChainstateOptions {
  /** The network folder, e.g. `<datadir>/regtest`. */
  datadir: Dir;
  /**
   * The folder of the blk/rev files (Core's -blocksdir, resolved to `<blocksdir>/<chain>/blocks`);
   * absent: `<datadir>/blocks`. The block index stays in `<datadir>/blocks/index` either way.
   */
  blocksDir?: Dir;
  /**
   * The folder in which the `chainstate/` LevelDB is made (this node's `chainstatedir` grant, not
   * a Core option); absent: `datadir`.
   */
  chainstateDir?: Dir;
  params: ChainParams;
  clock: Clock;
  logger: Logger;
  random: Random;
  dbcacheMiB?: number;
  scriptVerifier?: ScriptVerifier;
  /** `-reindex`: rebuild the block index and the chainstate from the blk files. */
  reindex?: boolean;
  /** `-reindex-chainstate`: rebuild the chainstate from the blocks the index points to. */
  reindexChainstate?: boolean;
  /**
   * Core's -blocksxor (default true): a fresh blocks folder gets a random key in `xor.dat` and
   * its blk/rev files are stored XORed with it (blocks-xor-key.ts).
   */
  blocksXor?: boolean;
}

export class ChainstateManager {
  readonly activeChain = new Chain();
  private bestHeaderIdx!: BlockIndex;
  private readonly candidates: BlockCandidates;
  /** What block-tree-updates.ts works on: the index, the candidates, the active chain. */
  private readonly tree: BlockTree;
  private readonly controls: OperatorControls;
  private readonly events = new ChainEventEmitter();
  private nextSequenceId = 1;
  private lastCoinsFlushMs: number;
  private ibdLatchedOff = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly dbcacheBytes: number;
  /** Blocks kept in memory between acceptance and connection. */
  private readonly recentBlocks = new Map<BlockIndex, Block>();
  private readonly checkedStates = new Map<BlockIndex, ValidationState>();
  private closed = false;

  private constructor(
    readonly params: ChainParams,
    private readonly clock: Clock,
    private readonly logger: Logger,
    readonly blockman: BlockManager,
    readonly coinsDb: CoinsViewDB,
    readonly coinsTip: CoinsViewCache,
    private readonly scriptVerifier: ScriptVerifier | undefined,
    dbcacheMiB: number,
  ) {
    this.dbcacheBytes = dbcacheMiB * 1024 * 1024;
    this.lastCoinsFlushMs = clock.monotonicMs();
    this.candidates = new BlockCandidates(blockman, this.activeChain);
    this.tree = { blockman, candidates: this.candidates, activeChain: this.activeChain };
    this.controls = new OperatorControls({
      activeChain: this.activeChain,
      blockman,
      candidates: this.candidates,
      disconnectTip: () => this.disconnectTip(),
      markFailed: (idx) => this.markFailed(idx),
      recomputeBestHeader: () => this.recomputeBestHeader(),
      activateBestChain: () => this.activateBestChain(),
      flush: () => this.flush(),
      notifyTip: (tip) =>
        this.events.emit('updatedBlockTip', tip, tip, this.isInitialBlockDownload()),
    });
  }

  static async open(opts: ChainstateOptions): Promise<ChainstateManager> {
    for (const k of ['datadir', 'params', 'clock', 'logger', 'random'] as const) {
      if (opts?.[k] === undefined) throw new TypeError(`ChainstateManager.open: ${k} is required`);
    }
    const { blockman, coinsDb, reindex, reindexFiles, dirs } = await openChainstateDbs(opts);
    const cm = new ChainstateManager(
      opts.params,
      opts.clock,
      opts.logger,
      blockman,
      coinsDb,
      new CoinsViewCache(coinsDb),
      opts.scriptVerifier,
      opts.dbcacheMiB ?? DEFAULT_DBCACHE_MIB,
    );
    if (opts.scriptVerifier === undefined) {
      opts.logger.warning('no script verifier: block scripts are not checked', 'validation');
    }
    await cm.start();
    if (reindex) await runReindex(cm, dirs, reindexFiles, opts);
    return cm;
  }

  // ---- start-up ----

  private async start(): Promise<void> {
    if (this.blockman.size === 0) await this.loadGenesisBlock();
    let best: BlockIndex | undefined;
    for (const idx of this.blockman.all()) {
      if (idx.isFailed()) continue;
      if (best === undefined || idx.chainWork > best.chainWork) best = idx;
      this.candidates.addIfConnectable(idx);
      if ((idx.status & BLOCK_HAVE_DATA) !== 0 && idx.chainTx === 0 && idx.prev !== undefined) {
        this.candidates.addUnlinked(idx);
      }
    }
    this.bestHeaderIdx = best!;

    await replayBlocks(this.coinsDb, this.blockman, this.logger);

    // LoadChainTip: the active chain ends where the coins say they are.
    const coinsBest = await this.coinsDb.getBestBlock();
    if (coinsBest !== undefined) {
      const tip = this.blockman.lookup(coinsBest);
      if (tip === undefined) throw new Error('chainstate: best block is not in the block index');
      this.activeChain.setTip(tip);
      this.coinsTip.setBestBlock(tip.hash);
      this.logger.info(
        `Loaded best chain: hashBestChain=${tip.hashHex} height=${tip.height} date=${new Date(tip.header.time * 1000).toISOString()}`,
      );
    }
    this.candidates.prune();
    const state = await this.activateBestChain();
    if (!state.valid) this.logger.warning(`ActivateBestChain on start: ${stateToString(state)}`);
  }

  private async loadGenesisBlock(): Promise<void> {
    const genesis = this.params.genesis;
    const idx = this.blockman.addHeader(genesis.header, undefined);
    await this.blockman.writeBlock(genesis, idx);
    this.receivedBlockTransactions(genesis, idx);
    await this.blockman.flush();
  }

  // ---- queries ----

  get bestHeader(): BlockIndex {
    return this.bestHeaderIdx;
  }

  lookup(hash: Uint8Array | string): BlockIndex | undefined {
    return this.blockman.lookup(hash);
  }

  /** Every known block index entry (getchaintips walks these). */
  allBlockIndexes(): IterableIterator<BlockIndex> {
    return this.blockman.all();
  }

  on<K extends keyof ChainEvents>(event: K, listener: ChainEvents[K]): () => void {
    return this.events.on(event, listener);
  }

  async readBlock(idx: BlockIndex): Promise<Block> {
    return this.recentBlocks.get(idx) ?? this.blockman.readBlock(idx);
  }

  async readRawBlock(idx: BlockIndex): Promise<Uint8Array> {
    return this.blockman.readRawBlock(idx);
  }

  /** What each non-coinbase transaction of a connected block spent (getblock 3, getblockstats). */
  readBlockSpentOutputs(idx: BlockIndex): Promise<SpentOutput[][] | undefined> {
    return this.blockman.readSpentOutputs(idx);
  }

  /** Bytes used by block and undo files (getblockchaininfo size_on_disk). */
  sizeOnDisk(): number {
    return this.blockman.calculateCurrentUsage();
  }

  /** Core's IsInitialBlockDownload: latches to false once the tip is recent and has enough work. */
  isInitialBlockDownload(): boolean {
    if (this.ibdLatchedOff) return false;
    const tip = this.activeChain.tipOrUndefined();
    if (tip === undefined) return true;
    if (tip.chainWork < this.params.minimumChainWork) return true;
    if (tip.timeMax < nowSecondsOf(this.clock) - MAX_TIP_AGE_S) return true;
    this.ibdLatchedOff = true;
    return false;
  }

  /** Serializes state-changing calls: validation is async but must not interleave. */
  protected exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  // ---- headers ----

  async processNewBlockHeaders(
    headers: BlockHeader[],
  ): Promise<{ state: ValidationState; last?: BlockIndex }> {
    return this.exclusive(async () => {
      let last: BlockIndex | undefined;
      for (const h of headers) {
        const r = this.acceptBlockHeader(h);
        if (!r.state.valid)
          return last === undefined ? { state: r.state } : { state: r.state, last };
        last = r.idx;
      }
      await this.blockman.flush();
      return last === undefined ? { state: validState() } : { state: validState(), last };
    });
  }

  /**
   * Core's AcceptBlockHeader. `minPowChecked: false` (a block from a peer whose chain work the
   * caller could not vouch for) keeps a new header out of the index (Core's anti-DoS rule).
   */
  private acceptBlockHeader(
    header: BlockHeader,
    minPowChecked = true,
  ): { state: ValidationState; idx?: BlockIndex } {
    const existing = this.blockman.lookup(header.hash());
    if (existing !== undefined) {
      if (existing.isFailed()) {
        return { state: invalidState('cached-invalid', 'duplicate', 'block is marked invalid') };
      }
      return { state: validState(), idx: existing };
    }

    const s = checkBlockHeader(header, this.params);
    if (!s.valid) return { state: s };

    const prev = this.blockman.lookup(header.prevBlock);
    if (prev === undefined) {
      return { state: invalidState('missing-prev', 'prev-blk-not-found', 'prev block not found') };
    }
    if (prev.isFailed()) {
      return { state: invalidState('invalid-prev', 'bad-prevblk', 'previous block is invalid') };
    }

    const cs = contextualCheckBlockHeader(header, prev, nowSecondsOf(this.clock), this.params);
    if (!cs.valid) return { state: cs };
    if (!minPowChecked) {
      this.logger.debug(
        'validation',
        `AcceptBlockHeader: not adding new block header ${header.hashHex()}, missing anti-dos proof-of-work validation`,
      );
      return { state: invalidState('headers-low-work', 'too-little-chainwork') };
    }

    const idx = this.blockman.addHeader(header, prev);
    if (idx.chainWork > this.bestHeaderIdx.chainWork) this.bestHeaderIdx = idx;
    return { state: validState(), idx };
  }

  // ---- blocks ----

  /**
   * Core's ProcessNewBlock. `syncIndex: false` (block import) leaves the block index batch to
   * the next flush instead of syncing it for every block: still crash-safe, since a flush always
   * writes block files, then the index, then the coins; a crash only forgets the unflushed tail.
   */
  async processNewBlock(
    block: Block,
    opts: { forceProcessing?: boolean; syncIndex?: boolean; minPowChecked?: boolean } = {},
  ): Promise<{ state: ValidationState; isNew: boolean; index?: BlockIndex }> {
    return this.exclusive(async () => {
      // Context-free checks first; a failure here is not recorded against the hash, since the
      // same header may come with a correct body later.
      const cs = checkBlock(block, this.params);
      if (!cs.valid) {
        this.logger.debug(
          'validation',
          `ProcessNewBlock: CheckBlock FAILED (${stateToString(cs)})`,
        );
        return { state: cs, isNew: false };
      }

      const acc = await this.acceptBlock(
        block,
        opts.forceProcessing ?? true,
        opts.minPowChecked ?? true,
      );
      if (!acc.state.valid || acc.idx === undefined) {
        this.logger.debug(
          'validation',
          `ProcessNewBlock: AcceptBlock FAILED (${stateToString(acc.state)})`,
        );
        return acc.idx === undefined
          ? { state: acc.state, isNew: false }
          : { state: acc.state, isNew: false, index: acc.idx };
      }
      const idx = acc.idx;

      const as = await this.activateBestChain();
      if (opts.syncIndex !== false) await this.blockman.flush();
      await this.maybeFlushCoins();
      const checked = this.checkedStates.get(idx);
      this.checkedStates.clear();
      if (checked !== undefined && !checked.valid)
        return { state: checked, isNew: acc.isNew, index: idx };
      if (!as.valid) this.logger.debug('validation', `ActivateBestChain: ${stateToString(as)}`);
      return { state: validState(), isNew: acc.isNew, index: idx };
    });
  }

  /** Core's AcceptBlock: header, contextual checks, then the data goes to disk. */
  private async acceptBlock(
    block: Block,
    requested: boolean,
    minPowChecked: boolean,
  ): Promise<{ state: ValidationState; idx?: BlockIndex; isNew: boolean }> {
    const h = this.acceptBlockHeader(block.header, minPowChecked);
    if (!h.state.valid || h.idx === undefined) return { state: h.state, isNew: false };
    const idx = h.idx;

    if ((idx.status & BLOCK_HAVE_DATA) !== 0) return { state: validState(), idx, isNew: false };
    const tip = this.activeChain.tipOrUndefined();
    // Core's rules for a block nobody asked for: not a previously pruned one, not on a chain with
    // less work than our tip, not more than MIN_BLOCKS_TO_KEEP (288) past the tip, and not below
    // the minimum chain work.
    if (
      !requested &&
      (idx.nTx !== 0 ||
        (tip !== undefined && idx.chainWork < tip.chainWork) ||
        idx.height > this.activeChain.height() + MIN_BLOCKS_TO_KEEP ||
        idx.chainWork < this.params.minimumChainWork)
    ) {
      return { state: validState(), idx, isNew: false };
    }

    const cs = contextualCheckBlock(block, idx.prev, this.params);
    if (!cs.valid) {
      if (cs.result !== 'mutated') this.markFailed(idx);
      return { state: cs, idx, isNew: false };
    }

    await this.blockman.writeBlock(block, idx);
    this.recentBlocks.set(idx, block);
    this.receivedBlockTransactions(block, idx);
    return { state: validState(), idx, isNew: true };
  }

  /** Core's ReceivedBlockTransactions: nTx, VALID_TRANSACTIONS, and chainTx down the tree. */
  private receivedBlockTransactions(block: Block, idx: BlockIndex): void {
    receivedBlockTransactions(this.tree, block, idx, this.nextSequenceId++);
  }

  /** Marks a block FAILED_VALID and its known descendants FAILED_CHILD (Core's InvalidBlockFound). */
  private markFailed(idx: BlockIndex): void {
    markFailedWithDescendants(this.tree, idx);
    if (this.bestHeaderIdx === idx || (this.bestHeaderIdx.status & BLOCK_FAILED_MASK) !== 0) {
      this.recomputeBestHeader();
    }
  }

  private recomputeBestHeader(): void {
    this.bestHeaderIdx = findBestHeader(this.tree, this.bestHeaderIdx);
  }

  /**
   * Core's ActivateBestChain: while a better valid chain exists, disconnect to the fork and
   * connect towards it; a block that fails is marked invalid and the search starts again.
   */
  async activateBestChain(): Promise<ValidationState> {
    let lastError: ValidationState = validState();
    for (;;) {
      const target = this.candidates.findMostWorkChain();
      const oldTip = this.activeChain.tipOrUndefined();
      if (target === undefined || target === oldTip) break;
      const fork = this.activeChain.findFork(target);

      while (
        this.activeChain.tipOrUndefined() !== undefined &&
        this.activeChain.tipOrUndefined() !== fork
      ) {
        await this.disconnectTip();
      }

      const path: BlockIndex[] = [];
      for (let p: BlockIndex | undefined = target; p !== undefined && p !== fork; p = p.prev)
        path.push(p);
      path.reverse();
      let failed = false;
      for (const idx of path) {
        const s = await this.connectTip(idx);
        if (!s.valid) {
          lastError = s;
          failed = true;
          break;
        }
      }
      this.candidates.prune();
      const newTip = this.activeChain.tipOrUndefined();
      if (newTip !== undefined && newTip !== oldTip) {
        const ibd = this.isInitialBlockDownload();
        this.events.emit('updatedBlockTip', newTip, fork, ibd);
        if (!ibd || newTip.height % 1000 === 0) {
          this.logger.debug(
            'validation',
            `UpdateTip: new best=${newTip.hashHex} height=${newTip.height} tx=${newTip.chainTx}`,
          );
        }
      }
      if (!failed && this.activeChain.tipOrUndefined() === target) continue;
    }
    return lastError;
  }

  private async connectTip(idx: BlockIndex): Promise<ValidationState> {
    const block = await this.readBlock(idx);
    const r = await connectBlock(block, idx, this.coinsTip, this.params, this.scriptVerifier);
    if (!r.state.valid) {
      this.checkedStates.set(idx, r.state);
      this.logger.error(
        `ConnectBlock ${idx.hashHex} failed, ${stateToString(r.state)}`,
        'validation',
      );
      this.markFailed(idx);
      this.recentBlocks.delete(idx);
      return r.state;
    }
    await this.blockman.writeUndo(idx, r.undo!);
    if (idx.raiseValidity(BLOCK_VALID_SCRIPTS)) this.blockman.markDirty(idx);
    r.view!.flushInto(this.coinsTip);
    this.activeChain.setTip(idx);
    this.recentBlocks.delete(idx);
    this.events.emit('blockConnected', block, idx);
    if (this.coinsTip.dynamicMemoryUsage() > this.dbcacheBytes) await this.flush();
    return validState();
  }

  private async disconnectTip(): Promise<void> {
    const idx = this.activeChain.tip();
    const block = await this.readBlock(idx);
    const undo = await this.blockman.readUndo(idx);
    const r = await disconnectBlock(block, idx, undo, this.coinsTip);
    if (r !== 'ok') throw new Error(`DisconnectBlock ${idx.hashHex} failed (${r})`);
    this.activeChain.setTip(idx.prev);
    // Still a valid branch: it may become the best again (invalidateblock, reconsiderblock).
    this.candidates.add(idx);
    this.events.emit('blockDisconnected', block, idx);
  }

  // ---- operator controls (Core's invalidateblock / reconsiderblock / preciousblock) ----
  // The rules live in operator-controls.ts; here they are serialized with validation.

  invalidateBlock(idx: BlockIndex): Promise<ValidationState> {
    return this.exclusive(() => this.controls.invalidate(idx));
  }

  reconsiderBlock(idx: BlockIndex): Promise<ValidationState> {
    return this.exclusive(() => this.controls.reconsider(idx));
  }

  preciousBlock(idx: BlockIndex): Promise<ValidationState> {
    return this.exclusive(() => this.controls.precious(idx));
  }

  getChainTips(): ChainTip[] {
    return getChainTips(this.blockman.all(), this.activeChain);
  }

  /** gettxout data: the unspent coin at an outpoint (chainstate only, no mempool). */
  async getTxOut(txid: Uint8Array, vout: number): Promise<Coin | undefined> {
    return this.exclusive(() => this.coinsTip.getCoin(txid, vout));
  }

  /** gettxoutsetinfo data: flushes, then walks the coins database. */
  async getTxOutSetInfo(
    hashType: CoinStatsHashType = 'hash_serialized_3',
  ): Promise<CoinsStats & { height: number; bestblock: string }> {
    return this.exclusive(async () => {
      await this.flush();
      const tip = this.activeChain.tip();
      return {
        ...(await computeCoinsStats(this.coinsDb, hashType)),
        height: tip.height,
        bestblock: tip.hashHex,
      };
    });
  }

  /**
   * scantxoutset's walk (Core flushes and opens a cursor on the coins database): offers every
   * unspent coin, in key order, to `visit`, which returns false to stop early (an abort).
   */
  async scanCoins(
    visit: (txid: Uint8Array, vout: number, coin: Coin) => boolean,
  ): Promise<{ tip: BlockIndex; completed: boolean }> {
    // The first step opens the LevelDB iterator (a snapshot) while no block can connect.
    const { tip, coins, first } = await this.exclusive(async () => {
      await this.flush();
      const coins = this.coinsDb.coins();
      return { tip: this.activeChain.tip(), coins, first: await coins.next() };
    });
    for (let r = first; !r.done; r = await coins.next()) {
      if (!visit(r.value.txid, r.value.vout, r.value.coin)) {
        await coins.return(undefined);
        return { tip, completed: false };
      }
    }
    return { tip, completed: true };
  }

  /** Core's VerifyDB over the last `depth` blocks (0 = all); see verify-db.ts for the levels. */
  async verifyChain(
    checkLevel = DEFAULT_CHECKLEVEL,
    depth = DEFAULT_CHECKBLOCKS,
  ): Promise<boolean> {
    return this.exclusive(() =>
      verifyDb(
        this.activeChain.tip(),
        this.blockman,
        this.coinsTip,
        this.params,
        checkLevel,
        depth,
        this.scriptVerifier,
      ),
    );
  }

  // ---- persistence ----

  private async maybeFlushCoins(): Promise<void> {
    const overBudget = this.coinsTip.dynamicMemoryUsage() > this.dbcacheBytes;
    const due = this.clock.monotonicMs() - this.lastCoinsFlushMs > COINS_FLUSH_INTERVAL_MS;
    if (overBudget || due) await this.flush();
  }

  /** Core's FlushStateToDisk(ALWAYS): block files, then the index, then the coins. */
  async flush(): Promise<void> {
    await this.blockman.flush();
    const tip = this.activeChain.tipOrUndefined();
    if (tip !== undefined) {
      this.coinsTip.setBestBlock(tip.hash);
      const r = await this.coinsTip.flushToDb();
      this.logger.debug('coindb', `flushed ${r.written} coins, erased ${r.erased}`);
    }
    this.lastCoinsFlushMs = this.clock.monotonicMs();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.exclusive(async () => {
      await this.flush();
      await this.blockman.close();
      await this.coinsDb.close();
    });
  }

  /** For tests and RPC: the best block the coins reflect in memory. */
  coinsBestBlock(): Uint8Array | undefined {
    return this.coinsTip.getBestBlock();
  }

  static sameHash(a: Uint8Array, b: Uint8Array): boolean {
    return bytesEqual(a, b);
  }
}

export { Block };
