/**
 * The in-memory UTXO cache (Core's CCoinsViewCache) over the on-disk coins (CoinsViewDB) or over
 * another cache. Entries carry Core's flags: DIRTY (differs from the parent) and FRESH (the
 * parent has no unspent coin here, so spending it can simply drop the entry).
 *
 * Reads from the database are asynchronous, so validation first `fetch`es the outpoints a block
 * touches and then runs synchronously over the cache; a child cache over a parent cache reads it
 * synchronously. A spent or absent coin is kept as an entry whose coin is undefined.
 */
import { type OutPoint, toHex } from '@bitcoind-lite/consensus';
import type { Coin, CoinWrite, CoinsViewDB } from '@bitcoind-lite/storage';
import { isUnspendable } from './tx-checks.js';

export const DIRTY = 1;
export const FRESH = 2;

interface CacheEntry {
  coin: Coin | undefined;
  flags: number;
  txid: Uint8Array;
  vout: number;
}

/**
 * Approximate heap bytes of one cached coin besides its script bytes: the map slot and hex key
 * string, the entry, coin and output objects, and two small typed arrays (txid, script) with
 * their own ArrayBuffers. `pnpm bench chain` measured ~2,150 bytes per P2WPKH coin (node 20,
 * --expose-gc), so dbcache accounting uses 2,100 + script length.
 */
export const CACHE_ENTRY_OVERHEAD_BYTES = 2100;

export function outpointKey(txid: Uint8Array, vout: number): string {
  return toHex(txid) + ':' + vout;
}

export class CoinsViewCache {
  private readonly entries = new Map<string, CacheEntry>();
  private bestBlock: Uint8Array | undefined;
  private memoryBytes = 0;

  constructor(private readonly base: CoinsViewDB | CoinsViewCache) {
    if (base === undefined) throw new TypeError('CoinsViewCache: base is required');
  }

  get size(): number {
    return this.entries.size;
  }

  /** Estimated heap bytes held (Core's DynamicMemoryUsage). */
  dynamicMemoryUsage(): number {
    return this.memoryBytes;
  }

  getBestBlock(): Uint8Array | undefined {
    if (this.bestBlock === undefined && this.base instanceof CoinsViewCache) {
      return this.base.getBestBlock();
    }
    return this.bestBlock;
  }

  setBestBlock(hash: Uint8Array): void {
    this.bestBlock = hash;
  }

  private entrySize(coin: Coin | undefined): number {
    return CACHE_ENTRY_OVERHEAD_BYTES + (coin?.out.scriptPubKey.length ?? 0);
  }

  private put(key: string, e: CacheEntry): void {
    const old = this.entries.get(key);
    if (old !== undefined) this.memoryBytes -= this.entrySize(old.coin);
    this.entries.set(key, e);
    this.memoryBytes += this.entrySize(e.coin);
  }

  private drop(key: string): void {
    const old = this.entries.get(key);
    if (old === undefined) return;
    this.memoryBytes -= this.entrySize(old.coin);
    this.entries.delete(key);
  }

  /** Loads outpoints from the parent into this cache (no-op for those already present). */
  async fetch(outpoints: Iterable<{ txid: Uint8Array; vout: number }>): Promise<void> {
    const missing: { key: string; txid: Uint8Array; vout: number }[] = [];
    for (const o of outpoints) {
      const key = outpointKey(o.txid, o.vout);
      if (!this.entries.has(key)) missing.push({ key, txid: o.txid, vout: o.vout });
    }
    if (missing.length === 0) return;
    if (this.base instanceof CoinsViewCache) {
      await this.base.fetch(missing);
      for (const m of missing) {
        const coin = this.base.accessCoin(m.txid, m.vout);
        if (coin !== undefined) this.put(m.key, { coin, flags: 0, txid: m.txid, vout: m.vout });
      }
      return;
    }
    const coins = await this.base.getCoins(missing);
    missing.forEach((m, i) => {
      if (!this.entries.has(m.key)) {
        this.put(m.key, { coin: coins[i], flags: 0, txid: m.txid, vout: m.vout });
      }
    });
  }

  /** The unspent coin at an outpoint, or undefined (spent or absent). Needs a prior fetch. */
  accessCoin(txid: Uint8Array, vout: number): Coin | undefined {
    const e = this.entries.get(outpointKey(txid, vout));
    if (e !== undefined) return e.coin;
    if (this.base instanceof CoinsViewCache) return this.base.accessCoin(txid, vout);
    return undefined;
  }

  haveCoin(txid: Uint8Array, vout: number): boolean {
    return this.accessCoin(txid, vout) !== undefined;
  }

  /** Fetches and returns one coin. */
  async getCoin(txid: Uint8Array, vout: number): Promise<Coin | undefined> {
    await this.fetch([{ txid, vout }]);
    return this.accessCoin(txid, vout);
  }

  /**
   * Core's AddCoin. Unspendable outputs are never stored. Without `possibleOverwrite`, replacing
   * an unspent coin is a logic error (BIP30 guarantees it cannot happen in valid blocks).
   */
  addCoin(txid: Uint8Array, vout: number, coin: Coin, possibleOverwrite: boolean): void {
    if (isUnspendable(coin.out.scriptPubKey)) return;
    const key = outpointKey(txid, vout);
    const existing = this.entries.get(key);
    let fresh = false;
    if (!possibleOverwrite) {
      const present = existing !== undefined ? existing.coin : this.accessCoin(txid, vout);
      if (present !== undefined) {
        throw new Error(
          'Attempted to overwrite an unspent coin (when possible_overwrite is false)',
        );
      }
      // Fresh when the parent cannot hold an unspent coin here: a spent entry that is not dirty
      // came from the parent as spent/absent; a dirty spent one may hide a parent coin.
      fresh = existing === undefined || (existing.flags & DIRTY) === 0;
    }
    const flags = DIRTY | (fresh ? FRESH : 0) | ((existing?.flags ?? 0) & FRESH);
    this.put(key, { coin, flags, txid, vout });
  }

  /** Adds every spendable output of a transaction (Core's AddCoins). */
  addCoins(
    tx: {
      txid(): Uint8Array;
      vout: { value: bigint; scriptPubKey: Uint8Array }[];
      isCoinbase(): boolean;
    },
    height: number,
    overwrite: boolean,
  ): void {
    const txid = tx.txid();
    const isCoinbase = tx.isCoinbase();
    tx.vout.forEach((out, i) => {
      // Core lets a coinbase overwrite (pre-BIP34 duplicates); others are checked.
      this.addCoin(txid, i, { out, height, isCoinbase }, overwrite || isCoinbase);
    });
  }

  /** Core's SpendCoin: returns the coin that was spent, or undefined when there was none. */
  spendCoin(outpoint: OutPoint | { txid: Uint8Array; vout: number }): Coin | undefined {
    const key = outpointKey(outpoint.txid, outpoint.vout);
    const existing = this.entries.get(key);
    const coin =
      existing !== undefined ? existing.coin : this.accessCoin(outpoint.txid, outpoint.vout);
    if (coin === undefined) return undefined;
    if (existing !== undefined && (existing.flags & FRESH) !== 0) this.drop(key);
    else this.put(key, { coin: undefined, flags: DIRTY, txid: outpoint.txid, vout: outpoint.vout });
    return coin;
  }

  /** Moves this cache's dirty entries into its parent cache (Core's BatchWrite between caches). */
  flushInto(parent: CoinsViewCache): void {
    for (const [key, e] of this.entries) {
      if ((e.flags & DIRTY) === 0) continue;
      const p = parent.entries.get(key);
      if (p === undefined) {
        if (e.coin === undefined && (e.flags & FRESH) !== 0) continue;
        parent.put(key, {
          coin: e.coin,
          flags: DIRTY | (e.flags & FRESH),
          txid: e.txid,
          vout: e.vout,
        });
      } else if ((p.flags & FRESH) !== 0 && e.coin === undefined) {
        parent.drop(key);
      } else {
        parent.put(key, { coin: e.coin, flags: p.flags | DIRTY, txid: e.txid, vout: e.vout });
      }
    }
    if (this.bestBlock !== undefined) parent.setBestBlock(this.bestBlock);
    this.entries.clear();
    this.memoryBytes = 0;
  }

  /** Dirty entries as database writes. */
  private *dirtyWrites(): Generator<CoinWrite> {
    for (const e of this.entries.values()) {
      if ((e.flags & DIRTY) === 0) continue;
      if (e.coin === undefined && (e.flags & FRESH) !== 0) continue;
      yield { txid: e.txid, vout: e.vout, coin: e.coin };
    }
  }

  /** Writes dirty coins and the best block to the database and empties the cache (Core's Flush). */
  async flushToDb(batchSizeBytes?: number): Promise<{ written: number; erased: number }> {
    if (!(this.base instanceof CoinsViewCache) && this.bestBlock !== undefined) {
      const r = await this.base.batchWrite(this.dirtyWrites(), this.bestBlock, batchSizeBytes);
      this.entries.clear();
      this.memoryBytes = 0;
      return r;
    }
    return { written: 0, erased: 0 };
  }

  /** Drops one clean entry (Core's Uncache), e.g. after a failed mempool lookup. */
  uncache(txid: Uint8Array, vout: number): void {
    const key = outpointKey(txid, vout);
    const e = this.entries.get(key);
    if (e !== undefined && e.flags === 0) this.drop(key);
  }
}
