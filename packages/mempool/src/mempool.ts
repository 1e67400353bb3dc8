/**
 * The node's mempool: admission (acceptToMemoryPool, package test-accept), chain events
 * (blockConnected, blockDisconnected, updatedBlockTip with Core's MaybeUpdateMempoolForReorg),
 * block template selection, mempool.dat load/dump, fee estimation, and what the RPCs read
 * (getmempoolentry / getmempoolinfo fields). Capabilities arrive as constructor arguments.
 */
import { OutPoint, type Block, type Transaction } from '@bitcoind-lite/consensus';
import type { Clock, Logger } from '@bitcoind-lite/runtime';
import {
  acceptedResult,
  checkAncestorLimits,
  preChecks,
  rejectedResult,
  type AcceptContext,
  type AcceptOptions,
  type Workspace,
} from './accept-to-memory-pool.js';
import { AsyncLock } from './async-lock.js';
import { selectPackages, type SelectedTransaction } from './block-selection.js';
import type { MempoolChainView, MempoolScriptVerifier } from './chain-view.js';
import { FeeEstimator } from './fee-estimator.js';
import { MempoolEntry } from './mempool-entry.js';
import {
  resolveMempoolSettings,
  type MempoolSettings,
  type ResolvedMempoolSettings,
} from './mempool-options.js';
import {
  deserializeMempool,
  MEMPOOL_DUMP_VERSION,
  MEMPOOL_DUMP_VERSION_NO_XOR_KEY,
  MEMPOOL_FILE_NAME,
  serializeMempool,
  type MempoolFileDir,
  type MempoolRandom,
  type MempoolSnapshot,
} from './mempool-persist.js';
import { FeeRate } from './policy/fee-rate.js';
import {
  COINBASE_RESERVED_SIGOPS_COST,
  DEFAULT_BLOCK_RESERVED_WEIGHT_WU,
  MAX_PACKAGE_COUNT,
  MAX_PACKAGE_WEIGHT_WU,
} from './policy/policy-constants.js';
import { isRbfOptIn } from './rbf.js';
import { COINBASE_MATURITY_BLOCKS, isFinalTx } from './tx-checks.js';
import { TxMempool, txidHexOf, type MempoolListener } from './tx-mempool.js';
import { TxRejection, type MempoolAcceptResult } from './validation-result.js';

const MAX_BLOCK_WEIGHT_WU = 4_000_000;
const MAX_BLOCK_SIGOPS_COST = 80_000;

export interface MempoolInit {
  chain: MempoolChainView;
  scriptVerifier: MempoolScriptVerifier;
  clock: Clock;
  logger: Logger;
  /** The datadir handle mempool.dat lives in (`persistmempool`); omit to never persist. */
  dir?: MempoolFileDir;
  /** The Random capability, for mempool.dat's XOR key. */
  random: MempoolRandom;
  settings?: MempoolSettings;
}

export interface PackageAcceptResult {
  /** A package-wide failure (Core's PackageValidationState), e.g. 'package-not-sorted'. */
  packageError?: string;
  /** One per transaction, in order; undefined when not evaluated (Core stops at a failure). */
  results: (MempoolAcceptResult | undefined)[];
}

/** getmempoolentry's fields, amounts in satoshis (the RPC layer formats them). */
export interface MempoolEntryInfo {
  vsize: number;
  weight: number;
  time: number;
  height: number;
  descendantcount: number;
  descendantsize: number;
  ancestorcount: number;
  ancestorsize: number;
  wtxid: string;
  fees: { base: bigint; modified: bigint; ancestor: bigint; descendant: bigint };
  depends: string[];
  spentby: string[];
  'bip125-replaceable': boolean;
  unbroadcast: boolean;
}

/** getmempoolinfo's fields, fee rates in sat/kvB (the RPC layer prints BTC/kvB). */
export interface MempoolInfo {
  loaded: boolean;
  size: number;
  bytes: number;
  usage: number;
  totalFeeSats: bigint;
  maxmempool: number;
  mempoolminfeeSatPerKvB: bigint;
  minrelaytxfeeSatPerKvB: bigint;
  incrementalrelayfeeSatPerKvB: bigint;
  unbroadcastcount: number;
  fullrbf: boolean;
}

export class Mempool {
  readonly pool: TxMempool;
  readonly settings: ResolvedMempoolSettings;
  readonly feeEstimator = new FeeEstimator();
  private readonly chain: MempoolChainView;
  private readonly verifier: MempoolScriptVerifier;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly dir: MempoolFileDir | undefined;
  private readonly random: MempoolRandom;
  private readonly lock = new AsyncLock();
  /** Transactions of disconnected blocks, oldest block first (DisconnectedBlockTransactions). */
  private disconnected: Transaction[][] = [];
  private loadedFlag = false;

  constructor(init: MempoolInit) {
    for (const k of ['chain', 'scriptVerifier', 'clock', 'logger', 'random'] as const) {
      if (init?.[k] === undefined) throw new TypeError(`Mempool: ${k} is required`);
    }
    this.chain = init.chain;
    this.verifier = init.scriptVerifier;
    this.clock = init.clock;
    this.logger = init.logger;
    this.dir = init.dir;
    this.random = init.random;
    this.settings = resolveMempoolSettings(init.settings);
    this.pool = new TxMempool(
      this.settings.maxMempoolBytes,
      this.settings.incrementalRelayFee,
      () => this.nowS(),
    );
    this.pool.subscribe({
      removed: (e, reason) => {
        if (reason !== 'block') this.feeEstimator.untrack(e.txidHex);
      },
    });
  }

  private nowS(): number {
    return Math.floor(this.clock.nowMs() / 1000);
  }

  private ctx(): AcceptContext {
    return {
      pool: this.pool,
      chain: this.chain,
      verifier: this.verifier,
      settings: this.settings,
      nowS: () => this.nowS(),
    };
  }

  subscribe(l: MempoolListener): () => void {
    return this.pool.subscribe(l);
  }

  /** Core's AcceptToMemoryPool. Never throws for an invalid transaction; see the result. */
  acceptToMemoryPool(tx: Transaction, opts: AcceptOptions = {}): Promise<MempoolAcceptResult> {
    return this.lock.run(() => this.acceptUnlocked(tx, opts, true));
  }

  private async acceptUnlocked(
    tx: Transaction,
    opts: AcceptOptions,
    trackFees: boolean,
  ): Promise<MempoolAcceptResult> {
    let ws: Workspace;
    try {
      ws = await preChecks(this.ctx(), tx, opts);
    } catch (e) {
      if (e instanceof TxRejection) {
        this.logger.debug(
          'mempoolrej',
          `${tx.txidHex()} (wtxid=${tx.wtxidHex()}): ${e.reason}${e.debug ? ', ' + e.debug : ''}`,
        );
        return rejectedResult(tx, e);
      }
      throw e;
    }
    const result = acceptedResult(ws);
    if (opts.testAccept) return result;

    if (ws.conflicts.size > 0) {
      for (const c of ws.conflicts) {
        this.logger.debug(
          'mempool',
          `replacing mempool tx ${c.txidHex} (wtxid=${c.wtxidHex}, fees=${c.feeSats}, vsize=${c.vsize}) ` +
            `New tx ${ws.entry.txidHex} (wtxid=${ws.entry.wtxidHex}, fees=${ws.entry.feeSats}, vsize=${ws.entry.vsize})`,
        );
      }
      this.pool.removeStaged(ws.conflicts, false, 'replaced');
    }
    this.pool.addUnchecked(ws.entry, ws.ancestors);
    if (trackFees && !opts.bypassLimits) {
      this.feeEstimator.trackEntry(
        ws.entry.txidHex,
        FeeRate.fromFee(ws.entry.feeSats, ws.entry.vsize),
        ws.entry.height,
      );
    }
    if (!opts.bypassLimits) {
      this.limitMempoolSize();
      if (this.pool.get(ws.entry.txidHex) === undefined) {
        return { ...rejectedResult(tx, new TxRejection('mempool-policy', 'mempool full')) };
      }
    }
    this.logger.debug(
      'mempool',
      `AcceptToMemoryPool: accepted ${ws.entry.txidHex} (poolsz ${this.pool.size} txn, ${Math.ceil(this.pool.dynamicMemoryUsage() / 1000)} kB)`,
    );
    return result;
  }

  /** Core's LimitMempoolSize: expire old entries, then evict down to -maxmempool. */
  private limitMempoolSize(): void {
    const expired = this.pool.expire(this.nowS() - this.settings.expiryS);
    if (expired > 0)
      this.logger.debug('mempool', `Expired ${expired} transactions from the memory pool`);
    this.pool.trimToSize(this.settings.maxMempoolBytes);
  }

  /**
   * testmempoolaccept with several transactions (Core's ProcessNewPackage with test_accept):
   * package-wide rules first, then each transaction in order, later ones seeing earlier ones
   * as if in the mempool. Each must pay its own way (no package fee rate, as Core's test mode).
   */
  testAcceptPackage(txs: readonly Transaction[]): Promise<PackageAcceptResult> {
    return this.lock.run(async () => {
      const pkgErr = checkPackage(txs);
      if (pkgErr !== undefined) return { packageError: pkgErr, results: txs.map(() => undefined) };
      const staged: MempoolEntry[] = [];
      const results: (MempoolAcceptResult | undefined)[] = txs.map(() => undefined);
      try {
        for (let i = 0; i < txs.length; i++) {
          const tx = txs[i]!;
          let ws: Workspace;
          try {
            ws = await preChecks(this.ctx(), tx, {});
          } catch (e) {
            if (!(e instanceof TxRejection)) throw e;
            results[i] = rejectedResult(tx, e);
            return { packageError: 'transaction failed', results };
          }
          results[i] = acceptedResult(ws);
          // Stage it (silently) so later transactions see its outputs; a replacing
          // transaction is not staged, so its children are judged without it.
          if (ws.conflicts.size === 0) {
            this.pool.addUnchecked(ws.entry, ws.ancestors, true);
            staged.push(ws.entry);
          }
        }
        return { results };
      } finally {
        if (staged.length > 0) this.pool.removeStaged(new Set(staged), false, 'conflict', true);
      }
    });
  }

  /** A block was connected to the active chain (validation interface BlockConnected). */
  blockConnected(block: Block, height: number): Promise<void> {
    return this.lock.run(async () => {
      const mined = this.pool.removeForBlock(block.txs);
      this.feeEstimator.processBlock(
        height,
        mined.map((e) => e.txidHex),
      );
      if (this.disconnected.length > 0) {
        const ids = new Set(block.txs.map((t) => t.txidHex()));
        this.disconnected = this.disconnected.map((b) => b.filter((t) => !ids.has(t.txidHex())));
      }
    });
  }

  /** A block was disconnected; its transactions wait for updatedBlockTip to be re-added. */
  blockDisconnected(block: Block): Promise<void> {
    return this.lock.run(async () => {
      this.disconnected.unshift(block.txs.filter((t) => !t.isCoinbase()));
    });
  }

  /**
   * The tip changed (after a reorg completes): Core's MaybeUpdateMempoolForReorg. Transactions
   * of disconnected blocks are re-added oldest first with limits bypassed; those that fail take
   * their in-mempool spenders with them. Then entries no longer final, no longer BIP68-final, or
   * spending a coinbase that is now immature leave, and the pool is trimmed to size.
   */
  updatedBlockTip(): Promise<void> {
    return this.lock.run(async () => {
      const blocks = this.disconnected;
      this.disconnected = [];
      for (const txs of blocks) {
        for (const tx of txs) {
          const r = await this.acceptUnlocked(tx, { bypassLimits: true }, false);
          if (!r.valid) this.pool.removeSpendersOf(tx, 'reorg');
        }
      }
      if (blocks.length > 0) await this.removeForReorg();
      this.limitMempoolSize();
    });
  }

  private async removeForReorg(): Promise<void> {
    const tipHeight = this.chain.tipHeight();
    const tipMtp = this.chain.tipMedianTimePast();
    const stage = new Set<MempoolEntry>();
    for (const e of this.pool.entries()) {
      if (stage.has(e)) continue;
      let bad = !isFinalTx(e.tx, tipHeight + 1, tipMtp);
      if (!bad && e.lockPoints.minHeight >= 0 && e.lockPoints.minHeight >= tipHeight + 1)
        bad = true;
      if (!bad && e.lockPoints.minTime >= 0 && e.lockPoints.minTime >= tipMtp) bad = true;
      if (!bad && e.spendsCoinbase) {
        const confirmed = e.tx.vin.filter((i) => this.pool.getByTxid(i.prevout.txid) === undefined);
        const coins = await this.chain.coins.getCoins(confirmed.map((i) => i.prevout));
        bad = coins.some(
          (c) =>
            c === undefined ||
            (c.isCoinbase && tipHeight + 1 - c.height < COINBASE_MATURITY_BLOCKS),
        );
      }
      if (bad) this.pool.descendantsOf(e, stage);
    }
    if (stage.size > 0) this.pool.removeStaged(stage, false, 'reorg');
  }

  /**
   * Transactions for the next block by ancestor fee rate, parents before children, within
   * `maxWeightWu` (default: the block weight less Core's reserved coinbase weight) and the
   * block sigop budget less the coinbase's reservation.
   */
  selectForBlock(
    maxWeightWu = MAX_BLOCK_WEIGHT_WU - DEFAULT_BLOCK_RESERVED_WEIGHT_WU,
    maxSigOpCost = MAX_BLOCK_SIGOPS_COST - COINBASE_RESERVED_SIGOPS_COST,
  ): SelectedTransaction[] {
    return selectPackages(this.pool, {
      maxWeightWu,
      maxSigOpCost,
      minFeeRate: this.settings.blockMinTxFee,
    });
  }

  /** A mempool transaction by txid (internal byte order), with its fee. */
  lookup(txid: Uint8Array): { tx: Transaction; feeSats: bigint } | undefined {
    const e = this.pool.getByTxid(txid);
    return e === undefined ? undefined : { tx: e.tx, feeSats: e.feeSats };
  }

  size(): number {
    return this.pool.size;
  }

  /** The fee of a mempool transaction (generateblock with raw transactions); else undefined. */
  feeFor(tx: Transaction): bigint | undefined {
    return this.pool.getByTxid(tx.txid())?.feeSats;
  }

  /** Whether a mempool transaction spends the outpoint (Core's CTxMemPool::isSpent). */
  isSpent(txid: Uint8Array, vout: number): boolean {
    return this.pool.spender(new OutPoint(txid, vout)) !== undefined;
  }

  /** Core's mempool sequence (getrawmempool mempool_sequence): bumped on every add and removal. */
  sequence(): number {
    return this.pool.sequence;
  }

  /** getprioritisedtransactions: every fee delta, whether or not the transaction is in the pool. */
  prioritisedTransactions(): { txidHex: string; deltaSats: bigint; entry?: MempoolEntry }[] {
    return [...this.pool.deltas].map(([txidHex, deltaSats]) => {
      const entry = this.pool.get(txidHex);
      return entry === undefined ? { txidHex, deltaSats } : { txidHex, deltaSats, entry };
    });
  }

  /** prioritisetransaction: adds `deltaSats` to the fee mining and eviction see. */
  prioritiseTransaction(txidHex: string, deltaSats: bigint): void {
    this.pool.prioritise(txidHex, deltaSats);
  }

  /** Core's GetMinFee for getmempoolinfo/estimatesmartfee floors: never below minrelaytxfee. */
  mempoolMinFee(): FeeRate {
    const m = this.pool.getMinFee();
    return m.satPerKvB > this.settings.minRelayFee.satPerKvB ? m : this.settings.minRelayFee;
  }

  entryInfo(e: MempoolEntry): MempoolEntryInfo {
    return {
      vsize: e.vsize,
      weight: e.weight,
      time: e.timeS,
      height: e.height,
      descendantcount: e.countWithDescendants,
      descendantsize: e.sizeWithDescendants,
      ancestorcount: e.countWithAncestors,
      ancestorsize: e.sizeWithAncestors,
      wtxid: e.wtxidHex,
      fees: {
        base: e.feeSats,
        modified: e.modifiedFeeSats,
        ancestor: e.modFeesWithAncestors,
        descendant: e.modFeesWithDescendants,
      },
      depends: [...e.parents].map((p) => p.txidHex).sort(),
      spentby: [...e.children].map((c) => c.txidHex).sort(),
      'bip125-replaceable': isRbfOptIn(this.pool, e),
      unbroadcast: this.pool.unbroadcast.has(e.txidHex),
    };
  }

  info(): MempoolInfo {
    return {
      loaded: this.loadedFlag,
      size: this.pool.size,
      bytes: this.pool.bytes,
      usage: this.pool.dynamicMemoryUsage(),
      totalFeeSats: this.pool.totalFeeSats,
      maxmempool: this.settings.maxMempoolBytes,
      mempoolminfeeSatPerKvB: this.mempoolMinFee().satPerKvB,
      minrelaytxfeeSatPerKvB: this.settings.minRelayFee.satPerKvB,
      incrementalrelayfeeSatPerKvB: this.settings.incrementalRelayFee.satPerKvB,
      unbroadcastcount: this.pool.unbroadcast.size,
      fullrbf: this.settings.fullRbf,
    };
  }

  /**
   * estimatesmartfee: the estimator's answer raised to the mempool and relay floors, or
   * undefined with too little data (see fee-estimator.ts for the method).
   */
  estimateSmartFee(target: number): { feeRate: FeeRate; blocks: number } | undefined {
    const est = this.feeEstimator.estimate(target);
    if (est === undefined) return undefined;
    const floor = this.mempoolMinFee().satPerKvB;
    return {
      feeRate: new FeeRate(est.satPerKvB > floor ? est.satPerKvB : floor),
      blocks: est.blocks,
    };
  }

  /** Ancestors (excluding itself) of a mempool entry, for getmempoolancestors. */
  ancestorsOf(e: MempoolEntry): MempoolEntry[] {
    return [...this.pool.ancestorsOf(e.parents)];
  }

  /** Descendants (excluding itself) of a mempool entry, for getmempooldescendants. */
  descendantsOf(e: MempoolEntry): MempoolEntry[] {
    const d = this.pool.descendantsOf(e);
    d.delete(e);
    return [...d];
  }

  /**
   * Resolves once every chain notification queued so far has been applied (Core's
   * SyncWithValidationInterfaceQueue, for the mempool): the chain's events reach the pool through
   * this lock, so an RPC that reads the pool after a submitblock, invalidateblock or generate has
   * returned sees the mined or re-added transactions.
   */
  whenIdle(): Promise<void> {
    return this.lock.run(async () => undefined);
  }

  /** Whether mempool.dat has been loaded (getmempoolinfo `loaded`). */
  isLoaded(): boolean {
    return this.loadedFlag;
  }

  /**
   * Loads mempool.dat (Core's LoadMempool). A missing file is an empty mempool; a truncated or
   * corrupt one is reported and what could be read is kept. Never throws for file contents.
   */
  async load(): Promise<{
    succeeded: number;
    failed: number;
    expired: number;
    alreadyThere: number;
  }> {
    const counts = { succeeded: 0, failed: 0, expired: 0, alreadyThere: 0 };
    try {
      if (this.dir === undefined || !this.settings.persistMempool) return counts;
      if (!(await this.dir.exists(MEMPOOL_FILE_NAME))) return counts;
      const bytes = await this.dir.readFile(MEMPOOL_FILE_NAME);
      let snap: MempoolSnapshot;
      try {
        snap = deserializeMempool(bytes);
      } catch (e) {
        const partial = (e as { partial?: MempoolSnapshot }).partial;
        this.logger.warning(
          `Failed to deserialize mempool data on file: ${(e as Error).message}. Continuing anyway.`,
          'mempool',
        );
        if (partial === undefined) return counts;
        snap = partial;
      }
      const cutoff = this.nowS() - this.settings.expiryS;
      for (const [txidHex, delta] of snap.deltas) this.pool.prioritise(txidHex, delta);
      for (const pe of snap.entries) {
        if (pe.feeDeltaSats !== 0n) this.pool.prioritise(pe.tx.txidHex(), pe.feeDeltaSats);
        if (pe.timeS <= cutoff) {
          counts.expired++;
          continue;
        }
        const r = await this.acceptToMemoryPool(pe.tx, { acceptTimeS: pe.timeS });
        if (r.valid) counts.succeeded++;
        else if (r.rejectReason === 'txn-already-in-mempool') counts.alreadyThere++;
        else counts.failed++;
      }
      for (const id of snap.unbroadcast)
        if (this.pool.get(id) !== undefined) this.pool.unbroadcast.add(id);
      this.logger.info(
        `Imported mempool transactions from disk: ${counts.succeeded} succeeded, ${counts.failed} failed, ${counts.expired} expired, ${counts.alreadyThere} already there, ${this.pool.unbroadcast.size} waiting for initial broadcast`,
      );
      return counts;
    } finally {
      this.loadedFlag = true;
    }
  }

  /** Writes mempool.dat (Core's DumpMempool; savemempool and clean shutdown). */
  async dump(opts: { version1?: boolean } = {}): Promise<number> {
    if (this.dir === undefined) throw new Error('mempool.dat: no data directory was given');
    const snap: MempoolSnapshot = {
      entries: this.pool.topologicalOrder().map((e) => ({
        tx: e.tx,
        timeS: e.timeS,
        feeDeltaSats: e.feeDeltaSats,
      })),
      deltas: new Map([...this.pool.deltas].filter(([id]) => this.pool.get(id) === undefined)),
      unbroadcast: new Set(this.pool.unbroadcast),
    };
    const bytes = opts.version1
      ? serializeMempool(snap, { version: MEMPOOL_DUMP_VERSION_NO_XOR_KEY })
      : serializeMempool(snap, {
          version: MEMPOOL_DUMP_VERSION,
          xorKey: this.random.fill(new Uint8Array(8)),
        });
    await this.dir.writeFileAtomic(MEMPOOL_FILE_NAME, bytes);
    this.logger.debug('mempool', `Dumped mempool: ${snap.entries.length} transactions to disk`);
    return bytes.length;
  }

  /** On clean stop: dump when -persistmempool is on. */
  async stop(): Promise<void> {
    if (this.dir !== undefined && this.settings.persistMempool && this.loadedFlag)
      await this.dump();
  }
}

/** Core's IsWellFormedPackage / IsConsistentPackage rules, with Core's reason strings. */
export function checkPackage(txs: readonly Transaction[]): string | undefined {
  if (txs.length > MAX_PACKAGE_COUNT) return 'package-too-many-transactions';
  let weight = 0;
  for (const t of txs) weight += t.weight();
  if (txs.length > 1 && weight > MAX_PACKAGE_WEIGHT_WU) return 'package-too-large';
  const ids = new Set(txs.map((t) => t.txidHex()));
  if (ids.size !== txs.length) return 'package-contains-duplicates';
  const later = new Set(ids);
  for (const t of txs) {
    later.delete(t.txidHex());
    for (const i of t.vin) if (later.has(txidHexOf(i.prevout.txid))) return 'package-not-sorted';
  }
  const spent = new Set<string>();
  for (const t of txs) {
    for (const i of t.vin) {
      const k = i.prevout.key();
      if (spent.has(k)) return 'conflict-in-package';
      spent.add(k);
    }
  }
  return undefined;
}

export { checkAncestorLimits };
