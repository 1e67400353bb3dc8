/**
 * The UTXO set on disk (Core's CCoinsViewDB, txdb.cpp), a LevelDB in `<network>/chainstate/`.
 *
 * | key                                  | value                                        |
 * | ------------------------------------ | -------------------------------------------- |
 * | 'C' txid(32, internal) VARINT(vout)  | Coin: VARINT(height*2+coinbase), compressed TxOut |
 * | 'B'                                  | hash of the block the coins reflect (32)     |
 * | 'H'                                  | CompactSize(2), new tip hash, old tip hash: written at the start of a multi-batch flush and removed at its end (Core's head-blocks marker) |
 *
 * A flush writes the coins and moves 'B' in one LevelDB batch when it fits `batchSizeBytes`;
 * a larger flush is split as Core splits it: the first batch erases 'B' and writes 'H', the last
 * removes 'H' and writes 'B'. Finding 'H' on start means a flush was interrupted: the caller
 * replays blocks between the two hashes (Core's ReplayBlocks). Core's value obfuscation key is
 * not used (values are stored plain).
 */
import type { LevelDB } from './dir.js';
import { type Coin, deserializeCoin, serializeCoin } from './coin.js';
import { StorageReader, varIntBytes } from './varint.js';

const DB_COIN = 0x43; // 'C'
const DB_BEST_BLOCK = 0x42; // 'B'
const DB_HEAD_BLOCKS = 0x48; // 'H'

/** Core's default -dbbatchsize: 16 MiB per LevelDB write batch. */
export const DEFAULT_DB_BATCH_SIZE_BYTES = 16 << 20;

export interface CoinKey {
  txid: Uint8Array;
  vout: number;
}

/** One changed entry in a flush: a coin to write, or `undefined` for a spent one to erase. */
export interface CoinWrite extends CoinKey {
  coin: Coin | undefined;
}

export function coinDbKey(txid: Uint8Array, vout: number): Uint8Array {
  const v = varIntBytes(vout);
  const key = new Uint8Array(33 + v.length);
  key[0] = DB_COIN;
  key.set(txid, 1);
  key.set(v, 33);
  return key;
}

function parseCoinKey(key: Uint8Array): CoinKey {
  const r = new StorageReader(key.subarray(33));
  return { txid: key.slice(1, 33), vout: r.varInt() };
}

type BatchOp =
  { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

export class CoinsViewDB {
  private constructor(private readonly db: LevelDB) {}

  static async open(db: LevelDB): Promise<CoinsViewDB> {
    if (db === undefined) throw new TypeError('CoinsViewDB: db is required');
    if (db.status !== 'open') await db.open();
    return new CoinsViewDB(db);
  }

  async getCoin(txid: Uint8Array, vout: number): Promise<Coin | undefined> {
    const v = await this.db.get(coinDbKey(txid, vout));
    return v === undefined ? undefined : deserializeCoin(v);
  }

  /** Several coins at once (one LevelDB getMany), undefined where absent. */
  async getCoins(keys: readonly CoinKey[]): Promise<(Coin | undefined)[]> {
    if (keys.length === 0) return [];
    const values = await this.db.getMany(keys.map((k) => coinDbKey(k.txid, k.vout)));
    return values.map((v) => (v === undefined ? undefined : deserializeCoin(v)));
  }

  /** The block the stored coins reflect; undefined on a fresh database. */
  async getBestBlock(): Promise<Uint8Array | undefined> {
    const v = await this.db.get(Uint8Array.of(DB_BEST_BLOCK));
    return v === undefined ? undefined : v.slice();
  }

  /** [new tip, old tip] when a flush was interrupted; empty otherwise. */
  async getHeadBlocks(): Promise<Uint8Array[]> {
    const v = await this.db.get(Uint8Array.of(DB_HEAD_BLOCKS));
    if (v === undefined) return [];
    const r = new StorageReader(v);
    const n = r.compactSize();
    const out: Uint8Array[] = [];
    for (let i = 0; i < n; i++) out.push(r.bytesN(32).slice());
    return out;
  }

  /**
   * Writes changed coins and moves the best block to `bestBlock`, as Core's BatchWrite: one
   * synced batch when small, otherwise several with the 'H' marker bracketing them.
   */
  async batchWrite(
    changes: Iterable<CoinWrite>,
    bestBlock: Uint8Array,
    batchSizeBytes = DEFAULT_DB_BATCH_SIZE_BYTES,
  ): Promise<{ written: number; erased: number }> {
    const oldTip =
      (await this.getHeadBlocks())[1] ?? (await this.getBestBlock()) ?? new Uint8Array(32);
    const heads = new Uint8Array(65);
    heads[0] = 2;
    heads.set(bestBlock, 1);
    heads.set(oldTip, 33);

    let ops: BatchOp[] = [
      { type: 'del', key: Uint8Array.of(DB_BEST_BLOCK) },
      { type: 'put', key: Uint8Array.of(DB_HEAD_BLOCKS), value: heads },
    ];
    let bytes = 0;
    let written = 0;
    let erased = 0;
    for (const c of changes) {
      const key = coinDbKey(c.txid, c.vout);
      if (c.coin === undefined) {
        ops.push({ type: 'del', key });
        bytes += key.length;
        erased++;
      } else {
        const value = serializeCoin(c.coin);
        ops.push({ type: 'put', key, value });
        bytes += key.length + value.length;
        written++;
      }
      if (bytes > batchSizeBytes) {
        await this.db.batch(ops, { sync: false } as object);
        ops = [];
        bytes = 0;
      }
    }
    ops.push({ type: 'del', key: Uint8Array.of(DB_HEAD_BLOCKS) });
    ops.push({ type: 'put', key: Uint8Array.of(DB_BEST_BLOCK), value: bestBlock.slice() });
    await this.db.batch(ops, { sync: true } as object);
    return { written, erased };
  }

  /** Every coin in key order (txid, then vout), as Core's cursor walks them. */
  async *coins(): AsyncGenerator<CoinKey & { coin: Coin }> {
    const it = this.db.iterator({ gte: Uint8Array.of(DB_COIN), lt: Uint8Array.of(DB_COIN + 1) });
    try {
      for await (const [k, v] of it) yield { ...parseCoinKey(k), coin: deserializeCoin(v) };
    } finally {
      await it.close();
    }
  }

  /** Rough on-disk size of the coins (LevelDB's approximate size of the 'C' range). */
  async estimateSizeBytes(): Promise<number> {
    const db = this.db as unknown as {
      approximateSize?: (a: Uint8Array, b: Uint8Array) => Promise<number>;
    };
    if (db.approximateSize === undefined) return 0;
    return db.approximateSize(Uint8Array.of(DB_COIN), Uint8Array.of(DB_COIN + 1));
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
