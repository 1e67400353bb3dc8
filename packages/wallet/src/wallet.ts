/**
 * One descriptor wallet (Core's CWallet with DescriptorScriptPubKeyMans): its descriptors and
 * look-ahead scripts, the transactions that touch it, and the best block it has processed.
 * It follows the chain through blockConnected / blockDisconnected and the mempool through its
 * add/remove notifications, all applied one at a time in arrival order; on load it rescans
 * the blocks it missed. Keys come only from the Random capability.
 */
import {
  encodeAddress,
  OutPoint,
  reverseBytes,
  sha256,
  toHex,
  Transaction,
  type Block,
  type ChainParams,
  type TxOut,
} from '@bitcoind-lite/consensus';
import { randomBytesFrom, type Random } from '@bitcoind-lite/entropy';
import type { Clock, Logger } from '@bitcoind-lite/runtime';
import { ExtendedKey } from './bip32.js';
import { SerialQueue } from './serial-queue.js';
import { WalletDescriptor, type DerivedKey, type DescriptorType } from './wallet-descriptor.js';
import type { WalletBlockIndex, WalletNode } from './wallet-chain.js';
import {
  WALLET_DB_VERSION,
  WalletBatch,
  WalletDB,
  type BestBlockRecord,
  type DescriptorRecord,
  type WalletInfoRecord,
} from './wallet-db.js';
import { blocksToMaturity, txDepth, type TxState, type WalletTx } from './wallet-tx.js';
import { decodeTxHex } from './tx-hex.js';

/** Core's -keypool default: scripts derived ahead of the next unused index, per descriptor. */
export const DEFAULT_KEYPOOL_SIZE = 1000;

export interface WalletOptions {
  name: string;
  db: WalletDB;
  params: ChainParams;
  node: WalletNode;
  random: Random;
  clock: Clock;
  logger: Logger;
  keypoolSize?: number;
}

/** A descriptor the wallet holds, with its next unused index (Core's WalletDescriptor). */
export interface DescriptorSlot {
  readonly record: DescriptorRecord;
  readonly desc: WalletDescriptor;
  /** Highest index derived so far (exclusive). */
  derivedUpTo: number;
}

export interface ScriptInfo {
  readonly slot: DescriptorSlot;
  readonly key: DerivedKey;
}

/** An output the wallet owns (Core's COutput). */
export interface WalletOutput {
  readonly wtx: WalletTx;
  readonly vout: number;
  readonly out: TxOut;
  readonly script: ScriptInfo;
  readonly depth: number;
  readonly safe: boolean;
}

export interface Balances {
  trustedSats: bigint;
  untrustedPendingSats: bigint;
  immatureSats: bigint;
}

export class Wallet {
  readonly name: string;
  readonly params: ChainParams;
  private readonly db: WalletDB;
  private readonly node: WalletNode;
  private readonly random: Random;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly keypoolSize: number;
  private readonly queue = new SerialQueue();
  private readonly slots: DescriptorSlot[] = [];
  private readonly scripts = new Map<string, ScriptInfo>();
  readonly txs = new Map<string, WalletTx>();
  /** Outpoint key -> txids of wallet transactions spending it (Core's mapTxSpends). */
  private readonly spends = new Map<string, Set<string>>();
  private readonly inMempool = new Set<string>();
  private unsubscribe: (() => void)[] = [];
  private nextOrderPos = 0;
  private info!: WalletInfoRecord;
  private best: BestBlockRecord | undefined;

  private constructor(o: WalletOptions) {
    for (const k of ['name', 'db', 'params', 'node', 'random', 'clock', 'logger'] as const) {
      if (o?.[k] === undefined) throw new TypeError(`Wallet: ${k} is required`);
    }
    this.name = o.name;
    this.db = o.db;
    this.params = o.params;
    this.node = o.node;
    this.random = o.random;
    this.clock = o.clock;
    this.logger = o.logger;
    this.keypoolSize = o.keypoolSize ?? DEFAULT_KEYPOOL_SIZE;
  }

  private get mainnet(): boolean {
    return this.params.network === 'main';
  }

  private nowS(): number {
    return Math.floor(this.clock.nowMs() / 1000);
  }

  /**
   * createwallet: a 32-byte seed from the Random capability, its BIP32 master key, and four
   * active descriptors (BIP84 wpkh and BIP86 tr, receive and change). Birth is the tip, so
   * nothing is rescanned.
   */
  static async create(o: WalletOptions): Promise<Wallet> {
    const w = new Wallet(o);
    const master = ExtendedKey.fromSeed(randomBytesFrom(o.random, 32));
    const tip = o.node.chain.activeChain.tip();
    const now = w.nowS();
    w.info = {
      version: WALLET_DB_VERSION,
      birthTimeS: now,
      birthHeight: tip.height + 1,
      network: o.params.network,
    };
    const batch = new WalletBatch().putWalletInfo(w.info);
    for (const type of ['wpkh', 'tr'] as DescriptorType[]) {
      for (const internal of [false, true]) {
        const desc = WalletDescriptor.fromMaster(type, master, w.mainnet, internal);
        const record: DescriptorRecord = {
          id: toHex(sha256(new TextEncoder().encode(desc.toPublicString()))),
          desc: desc.toPrivateString(),
          type,
          internal,
          nextIndex: 0,
          timestampS: now,
        };
        batch.putDescriptor(record);
        w.addSlot(record, desc);
      }
    }
    w.best = { hash: tip.hashHex, height: tip.height };
    batch.putBestBlock(w.best);
    await w.db.write(batch);
    w.subscribe();
    return w;
  }

  /** loadwallet: read the records, derive the look-ahead, catch up with the chain. */
  static async load(o: WalletOptions): Promise<Wallet> {
    const w = new Wallet(o);
    const info = await o.db.walletInfo();
    if (info === undefined) throw new Error('Wallet corrupted: no walletinfo record');
    if (info.network !== o.params.network) {
      throw new Error(`Wallet files are for ${info.network}, not ${o.params.network}`);
    }
    w.info = info;
    for (const r of await o.db.descriptors())
      w.addSlot(r, WalletDescriptor.parse(r.desc, w.mainnet));
    const records = await o.db.txs();
    records.sort((a, b) => a.orderPos - b.orderPos);
    for (const r of records) {
      const tx = decodeTxHex(r.hex);
      w.insertTx({
        tx,
        txid: tx.txidHex(),
        state: r.state,
        timeReceivedS: r.timeReceivedS,
        orderPos: r.orderPos,
      });
    }
    w.best = await o.db.bestBlock();
    // Subscribe first so no block slips between the rescan and live updates; both run on the
    // same queue, and applying a block twice is harmless.
    w.subscribe();
    for (const wtx of w.txs.values()) {
      if (o.node.mempool.has(wtx.tx.txid())) w.inMempool.add(wtx.txid);
    }
    await w.queue.run(() => w.catchUp());
    await w.resubmitUnconfirmed();
    return w;
  }

  private addSlot(record: DescriptorRecord, desc: WalletDescriptor): void {
    const slot: DescriptorSlot = { record, desc, derivedUpTo: 0 };
    this.slots.push(slot);
    this.topUp(slot);
  }

  /** Core's TopUp: keep `keypoolSize` scripts derived beyond the next unused index. */
  private topUp(slot: DescriptorSlot): void {
    const target = slot.record.nextIndex + this.keypoolSize;
    for (let i = slot.derivedUpTo; i < target; i++) {
      const key = slot.desc.derive(i);
      this.scripts.set(toHex(key.scriptPubKey), { slot, key });
    }
    slot.derivedUpTo = Math.max(slot.derivedUpTo, target);
  }

  private subscribe(): void {
    const chain = this.node.chain;
    this.unsubscribe.push(
      chain.on('blockConnected', (block, idx) => {
        void this.queue.run(() => this.blockConnected(block, idx)).catch((e) => this.fail(e));
      }),
      chain.on('blockDisconnected', (block, idx) => {
        void this.queue.run(() => this.blockDisconnected(block, idx)).catch((e) => this.fail(e));
      }),
      this.node.mempool.subscribe({
        added: (entry) => {
          void this.queue.run(() => this.mempoolAdded(entry.tx)).catch((e) => this.fail(e));
        },
        removed: (entry) => {
          this.inMempool.delete(entry.tx.txidHex());
        },
      }),
    );
  }

  private fail(e: unknown): void {
    this.logger.error(`[${this.name}] wallet update failed: ${(e as Error).message}`, 'walletdb');
  }

  /** Waits until every notification received so far has been applied (Core's SyncWithValidationInterfaceQueue). */
  sync(): Promise<void> {
    return this.queue.run(async () => undefined);
  }

  /** Runs `fn` with no notification applied meanwhile (Core's cs_wallet). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.run(fn);
  }

  async close(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    await this.queue.run(async () => undefined);
    await this.db.close();
  }

  // --- keys and scripts ---------------------------------------------------------------------

  descriptorSlots(): readonly DescriptorSlot[] {
    return this.slots;
  }

  scriptInfo(scriptPubKey: Uint8Array): ScriptInfo | undefined {
    return this.scripts.get(toHex(scriptPubKey));
  }

  isMine(scriptPubKey: Uint8Array): boolean {
    return this.scripts.has(toHex(scriptPubKey));
  }

  activeSlot(type: DescriptorType, internal: boolean): DescriptorSlot | undefined {
    return this.slots.find((s) => s.record.type === type && s.record.internal === internal);
  }

  /** getnewaddress / getrawchangeaddress: hand out the next index and persist it. */
  async getNewDestination(type: DescriptorType, internal: boolean): Promise<string> {
    return this.queue.run(async () => {
      const slot = this.activeSlot(type, internal);
      if (slot === undefined) throw new Error('Error: This wallet has no available keys');
      const key = slot.desc.derive(slot.record.nextIndex);
      await this.markUsed(slot, slot.record.nextIndex, new WalletBatch(), true);
      return encodeAddress(key.scriptPubKey, this.params)!;
    });
  }

  /** The next change script of `type`, its index persisted (Core's ReserveDestination). */
  async reserveChangeScript(type: DescriptorType): Promise<Uint8Array> {
    return this.queue.run(async () => {
      const slot = this.activeSlot(type, true);
      if (slot === undefined) throw new Error('Error: This wallet has no available keys');
      const key = slot.desc.derive(slot.record.nextIndex);
      await this.markUsed(slot, slot.record.nextIndex, new WalletBatch(), true);
      return key.scriptPubKey;
    });
  }

  feePolicy(): { minRelay(): bigint; estimate(t: number): bigint | undefined } {
    return {
      minRelay: () => this.node.fees.minRelaySatPerKvB(),
      estimate: (t) => this.node.fees.estimateSatPerKvB(t),
    };
  }

  /** Advances the next index past `index` and tops up the look-ahead; writes to `batch`. */
  private async markUsed(
    slot: DescriptorSlot,
    index: number,
    batch: WalletBatch,
    write: boolean,
  ): Promise<void> {
    if (index < slot.record.nextIndex) return;
    (slot.record as { nextIndex: number }).nextIndex = index + 1;
    this.topUp(slot);
    batch.putDescriptor(slot.record);
    if (write) await this.db.write(batch);
  }

  keypoolRemaining(internal: boolean): number {
    const slot = this.activeSlot('wpkh', internal);
    return slot ? slot.derivedUpTo - slot.record.nextIndex : 0;
  }

  // --- transactions -------------------------------------------------------------------------

  tipHeight(): number {
    return this.node.chain.activeChain.tip().height;
  }

  lastProcessedBlock(): BestBlockRecord | undefined {
    return this.best;
  }

  birthTimeS(): number {
    return this.info.birthTimeS;
  }

  private insertTx(wtx: WalletTx): void {
    this.txs.set(wtx.txid, wtx);
    this.nextOrderPos = Math.max(this.nextOrderPos, wtx.orderPos + 1);
    if (wtx.tx.isCoinbase()) return;
    for (const i of wtx.tx.vin) {
      const k = i.prevout.key();
      let set = this.spends.get(k);
      if (set === undefined) this.spends.set(k, (set = new Set()));
      set.add(wtx.txid);
    }
  }

  /** Output of a wallet transaction by outpoint, when the wallet has it. */
  prevoutOf(prevout: OutPoint): TxOut | undefined {
    return this.txs.get(toHex(reverseBytes(prevout.txid)))?.tx.vout[prevout.vout];
  }

  /** Core's IsFromMe: some input spends a wallet output. */
  isFromMe(tx: Transaction): boolean {
    return this.debitSats(tx) > 0n;
  }

  debitSats(tx: Transaction): bigint {
    let sum = 0n;
    for (const i of tx.vin) {
      const out = this.prevoutOf(i.prevout);
      if (out !== undefined && this.isMine(out.scriptPubKey)) sum += out.value;
    }
    return sum;
  }

  creditSats(tx: Transaction): bigint {
    let sum = 0n;
    for (const o of tx.vout) if (this.isMine(o.scriptPubKey)) sum += o.value;
    return sum;
  }

  private isRelevant(tx: Transaction): boolean {
    return tx.vout.some((o) => this.isMine(o.scriptPubKey)) || this.isFromMe(tx);
  }

  /**
   * Core's AddToWalletIfInvolvingMe: adds or updates the transaction in `state`, marks the
   * scripts it pays as used, and writes the record to `batch`.
   */
  private async addIfInvolvingMe(
    tx: Transaction,
    state: TxState,
    batch: WalletBatch,
  ): Promise<WalletTx | undefined> {
    const txid = tx.txidHex();
    let wtx = this.txs.get(txid);
    if (wtx === undefined) {
      if (!this.isRelevant(tx)) return undefined;
      wtx = { tx, txid, state, timeReceivedS: this.nowS(), orderPos: this.nextOrderPos++ };
      this.insertTx(wtx);
    } else {
      wtx.state = state;
    }
    for (const o of tx.vout) {
      const info = this.scriptInfo(o.scriptPubKey);
      if (info !== undefined) await this.markUsed(info.slot, info.key.index, batch, false);
    }
    this.putTx(wtx, batch);
    return wtx;
  }

  private putTx(wtx: WalletTx, batch: WalletBatch): void {
    batch.putTx(wtx.txid, {
      hex: toHex(wtx.tx.serialize()),
      state: wtx.state,
      timeReceivedS: wtx.timeReceivedS,
      orderPos: wtx.orderPos,
    });
  }

  /** Core's MarkConflicted: `txid` and its wallet descendants lose to a spend in this block. */
  private markConflicted(txid: string, idx: WalletBlockIndex, batch: WalletBatch): void {
    const todo = [txid];
    while (todo.length > 0) {
      const id = todo.pop()!;
      const wtx = this.txs.get(id);
      if (wtx === undefined || wtx.state.kind === 'confirmed') continue;
      wtx.state = { kind: 'conflicted', blockHash: idx.hashHex, height: idx.height };
      this.putTx(wtx, batch);
      wtx.tx.vout.forEach((_, n) => {
        for (const child of this.spends.get(new OutPoint(wtx.tx.txid(), n).key()) ?? []) {
          todo.push(child);
        }
      });
    }
  }

  private async applyBlock(block: Block, idx: WalletBlockIndex, batch: WalletBatch): Promise<void> {
    for (let i = 0; i < block.txs.length; i++) {
      const tx = block.txs[i]!;
      const state: TxState = {
        kind: 'confirmed',
        blockHash: idx.hashHex,
        height: idx.height,
        index: i,
        blockTimeS: idx.header.time,
      };
      await this.addIfInvolvingMe(tx, state, batch);
      if (tx.isCoinbase()) continue;
      const txid = tx.txidHex();
      for (const input of tx.vin) {
        for (const other of this.spends.get(input.prevout.key()) ?? []) {
          if (other !== txid) this.markConflicted(other, idx, batch);
        }
      }
    }
    this.best = { hash: idx.hashHex, height: idx.height };
    batch.putBestBlock(this.best);
  }

  private async blockConnected(block: Block, idx: WalletBlockIndex): Promise<void> {
    const batch = new WalletBatch();
    await this.applyBlock(block, idx, batch);
    await this.db.write(batch);
  }

  /** Core's blockDisconnected: its transactions become unconfirmed, its conflicts lift. */
  private async blockDisconnected(block: Block, idx: WalletBlockIndex): Promise<void> {
    const batch = new WalletBatch();
    for (const wtx of this.txs.values()) {
      const s = wtx.state;
      if ((s.kind === 'confirmed' || s.kind === 'conflicted') && s.blockHash === idx.hashHex) {
        wtx.state = { kind: 'inactive' };
        this.putTx(wtx, batch);
      }
    }
    const prev = idx.prev;
    if (prev !== undefined) {
      this.best = { hash: prev.hashHex, height: prev.height };
      batch.putBestBlock(this.best);
    }
    await this.db.write(batch);
    void block;
  }

  private async mempoolAdded(tx: Transaction): Promise<void> {
    const txid = tx.txidHex();
    const known = this.txs.get(txid);
    if (known !== undefined && known.state.kind === 'confirmed') return;
    const batch = new WalletBatch();
    const wtx = await this.addIfInvolvingMe(tx, { kind: 'inactive' }, batch);
    if (wtx !== undefined) {
      this.inMempool.add(txid);
      await this.db.write(batch);
    }
  }

  /**
   * On load: transactions confirmed in blocks no longer on the active chain become
   * unconfirmed, then every block after the last one processed (or after the wallet's birth)
   * is scanned (Core's AttachChain / ScanForWalletTransactions).
   */
  private async catchUp(): Promise<void> {
    const chain = this.node.chain;
    const batch = new WalletBatch();
    for (const wtx of this.txs.values()) {
      const s = wtx.state;
      if (s.kind !== 'confirmed' && s.kind !== 'conflicted') continue;
      const idx = chain.lookup(s.blockHash);
      if (idx === undefined || !chain.activeChain.contains(idx)) {
        wtx.state = { kind: 'inactive' };
        this.putTx(wtx, batch);
      }
    }
    let start = this.info.birthHeight;
    const bestIdx = this.best ? chain.lookup(this.best.hash) : undefined;
    if (bestIdx !== undefined) {
      let fork: WalletBlockIndex | undefined = bestIdx;
      while (fork !== undefined && !chain.activeChain.contains(fork)) fork = fork.prev;
      start = Math.max(Math.min(start, (fork?.height ?? -1) + 1), (fork?.height ?? -1) + 1);
      if (fork !== undefined && fork !== bestIdx) {
        this.best = { hash: fork.hashHex, height: fork.height };
        batch.putBestBlock(this.best);
      }
    }
    await this.db.write(batch);
    const tipHeight = chain.activeChain.tip().height;
    if (start > tipHeight) return;
    this.logger.info(
      `[${this.name}] Rescanning last ${tipHeight - start + 1} blocks (from block ${start})...`,
    );
    for (let h = start; h <= tipHeight; h++) {
      const idx = chain.activeChain.at(h);
      if (idx === undefined) break;
      const b = new WalletBatch();
      await this.applyBlock(await chain.readBlock(idx), idx, b);
      await this.db.write(b);
    }
    this.logger.info(`[${this.name}] Rescan completed`);
  }

  /** Core's ResubmitWalletTransactions on load: unconfirmed wallet transactions go back to the mempool. */
  private async resubmitUnconfirmed(): Promise<void> {
    const pending = [...this.txs.values()]
      .filter((w) => w.state.kind === 'inactive' && !this.inMempool.has(w.txid))
      .sort((a, b) => a.orderPos - b.orderPos);
    for (const wtx of pending) {
      const r = await this.node.broadcast(wtx.tx);
      if (!r.ok) this.logger.debug('walletdb', `[${this.name}] resubmit ${wtx.txid}: ${r.reason}`);
    }
  }

  /** Adds a transaction the wallet made (Core's CommitTransaction), then broadcasts it. */
  async commitTransaction(tx: Transaction): Promise<{ ok: true } | { ok: false; reason: string }> {
    await this.queue.run(async () => {
      const batch = new WalletBatch();
      await this.addIfInvolvingMe(tx, { kind: 'inactive' }, batch);
      await this.db.write(batch);
    });
    const r = await this.node.broadcast(tx);
    if (!r.ok) {
      this.logger.info(
        `[${this.name}] CommitTransaction(): Transaction cannot be broadcast immediately, ${r.reason}`,
      );
    } else {
      this.inMempool.add(tx.txidHex());
    }
    return r;
  }

  isInMempool(wtx: WalletTx): boolean {
    return this.inMempool.has(wtx.txid);
  }

  depth(wtx: WalletTx): number {
    return txDepth(wtx, this.tipHeight());
  }

  /**
   * Core's CachedTxIsTrusted: confirmed, or an unconfirmed transaction of ours in the mempool
   * whose inputs all come from our own trusted transactions.
   */
  isTrusted(wtx: WalletTx, seen = new Set<string>()): boolean {
    const d = this.depth(wtx);
    if (d >= 1) return true;
    if (d < 0 || wtx.state.kind === 'abandoned') return false;
    if (!this.isFromMe(wtx.tx) || !this.isInMempool(wtx)) return false;
    if (seen.has(wtx.txid)) return true;
    seen.add(wtx.txid);
    for (const i of wtx.tx.vin) {
      const parent = this.txs.get(toHex(reverseBytes(i.prevout.txid)));
      if (parent === undefined) return false;
      const out = parent.tx.vout[i.prevout.vout];
      if (out === undefined || !this.isMine(out.scriptPubKey)) return false;
      if (!this.isTrusted(parent, seen)) return false;
    }
    return true;
  }

  /** Core's IsSpent: a spender that is confirmed, or unconfirmed and not abandoned. */
  isSpent(prevout: OutPoint): boolean {
    for (const id of this.spends.get(prevout.key()) ?? []) {
      const spender = this.txs.get(id);
      if (spender === undefined) continue;
      const d = this.depth(spender);
      if (d > 0 || (d === 0 && spender.state.kind !== 'abandoned')) return true;
    }
    return false;
  }

  /** Spending transactions of an outpoint other than `txid` (Core's walletconflicts). */
  conflictsOf(wtx: WalletTx): string[] {
    const out = new Set<string>();
    if (wtx.tx.isCoinbase()) return [];
    for (const i of wtx.tx.vin) {
      for (const id of this.spends.get(i.prevout.key()) ?? []) if (id !== wtx.txid) out.add(id);
    }
    return [...out].sort();
  }

  /** Core's GetBalance: trusted (at `minDepth`), untrusted pending (mempool), immature. */
  getBalances(minDepth = 0): Balances {
    const b: Balances = { trustedSats: 0n, untrustedPendingSats: 0n, immatureSats: 0n };
    const tip = this.tipHeight();
    for (const wtx of this.txs.values()) {
      const depth = txDepth(wtx, tip);
      if (depth < 0) continue;
      const trusted = this.isTrusted(wtx);
      const immature = blocksToMaturity(wtx, tip) > 0;
      let credit = 0n;
      wtx.tx.vout.forEach((o, n) => {
        if (this.isMine(o.scriptPubKey) && !this.isSpent(new OutPoint(wtx.tx.txid(), n))) {
          credit += o.value;
        }
      });
      if (immature) {
        b.immatureSats += credit;
        continue;
      }
      if (trusted && depth >= minDepth) b.trustedSats += credit;
      if (!trusted && depth === 0 && this.isInMempool(wtx)) b.untrustedPendingSats += credit;
    }
    return b;
  }

  /**
   * Core's AvailableCoins: unspent wallet outputs, mature, not conflicted. `safe` is Core's
   * flag for coins that can be spent without waiting (confirmed, or trusted own change).
   */
  availableCoins(
    opts: { minDepth?: number; maxDepth?: number; includeUnsafe?: boolean } = {},
  ): WalletOutput[] {
    const tip = this.tipHeight();
    const out: WalletOutput[] = [];
    for (const wtx of this.txs.values()) {
      const depth = txDepth(wtx, tip);
      if (depth < 0 || wtx.state.kind === 'abandoned') continue;
      if (blocksToMaturity(wtx, tip) > 0) continue;
      if (depth === 0 && !this.isInMempool(wtx)) continue;
      const safe = depth >= 1 || this.isTrusted(wtx);
      if (!safe && !opts.includeUnsafe) continue;
      if (depth < (opts.minDepth ?? 0) || depth > (opts.maxDepth ?? Number.MAX_SAFE_INTEGER))
        continue;
      wtx.tx.vout.forEach((o, n) => {
        const script = this.scriptInfo(o.scriptPubKey);
        if (script === undefined) return;
        if (this.isSpent(new OutPoint(wtx.tx.txid(), n))) return;
        out.push({ wtx, vout: n, out: o, script, depth, safe });
      });
    }
    return out;
  }

  /** An output the node knows (UTXO set, then mempool), for signing foreign inputs. */
  async nodeChainTxOut(prevout: OutPoint): Promise<{ out: TxOut } | undefined> {
    const c = await this.node.chain.getTxOut?.(prevout.txid, prevout.vout);
    if (c !== undefined) return c;
    const m = this.node.mempool.getOutput?.(prevout.txid, prevout.vout);
    return m === undefined ? undefined : { out: m };
  }

  /** The secret for a script the wallet owns (signing only; never logged). */
  secretFor(scriptPubKey: Uint8Array): { secret: Uint8Array; info: ScriptInfo } | undefined {
    const info = this.scriptInfo(scriptPubKey);
    if (info === undefined || info.key.secret === undefined) return undefined;
    return { secret: info.key.secret, info };
  }

  /** 32 random bytes from the wallet's Random capability (Schnorr aux randomness, shuffles). */
  drawRandomBytes(n: number): Uint8Array {
    return randomBytesFrom(this.random, n);
  }
}
