/**
 * The wallet's LevelDB (one per wallet, in `<wallets>/<name>/`), in the spirit of Core's
 * walletdb records. Values are JSON; private keys live only in `desc/` records and are never
 * logged.
 *
 * | key                | value                                                          |
 * | ------------------ | -------------------------------------------------------------- |
 * | `walletinfo`       | {version, birthTimeS, birthHeight, network}                    |
 * | `desc/<id>`        | {desc (private string), type, internal, nextIndex, timestampS} |
 * | `tx/<txid>`        | {hex, state, timeReceivedS, orderPos}                          |
 * | `bestblock`        | {hash, height}: the last block whose effects are written       |
 *
 * A block's transactions and the new `bestblock` go in one batch, so a crash leaves either
 * both or neither (Core writes its best-block locator after the transactions it covers).
 */
import type { LevelDB } from '@bitcoind-lite/storage';
import type { DescriptorType } from './wallet-descriptor.js';
import type { TxState } from './wallet-tx.js';

export const WALLET_DB_VERSION = 1;

export interface WalletInfoRecord {
  version: number;
  birthTimeS: number;
  birthHeight: number;
  network: string;
}

export interface DescriptorRecord {
  id: string;
  desc: string;
  type: DescriptorType;
  internal: boolean;
  nextIndex: number;
  timestampS: number;
}

export interface TxRecord {
  hex: string;
  state: TxState;
  timeReceivedS: number;
  orderPos: number;
}

export interface BestBlockRecord {
  hash: string;
  height: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const key = (s: string) => enc.encode(s);
const value = (v: unknown) => enc.encode(JSON.stringify(v));

export type WalletBatchOp = { type: 'put'; key: Uint8Array; value: Uint8Array };

/** Collects writes; `WalletDB.write` applies them atomically. */
export class WalletBatch {
  readonly ops: WalletBatchOp[] = [];
  putDescriptor(r: DescriptorRecord): this {
    this.ops.push({ type: 'put', key: key(`desc/${r.id}`), value: value(r) });
    return this;
  }
  putTx(txid: string, r: TxRecord): this {
    this.ops.push({ type: 'put', key: key(`tx/${txid}`), value: value(r) });
    return this;
  }
  putBestBlock(r: BestBlockRecord): this {
    this.ops.push({ type: 'put', key: key('bestblock'), value: value(r) });
    return this;
  }
  putWalletInfo(r: WalletInfoRecord): this {
    this.ops.push({ type: 'put', key: key('walletinfo'), value: value(r) });
    return this;
  }
  get empty(): boolean {
    return this.ops.length === 0;
  }
}

export class WalletDB {
  constructor(readonly db: LevelDB) {
    if (db === undefined) throw new TypeError('WalletDB: db is required');
  }

  async write(batch: WalletBatch): Promise<void> {
    if (batch.empty) return;
    await this.db.batch(batch.ops, { sync: true } as never);
  }

  private async get<T>(k: string): Promise<T | undefined> {
    const v = await this.db.get(key(k));
    return v === undefined ? undefined : (JSON.parse(dec.decode(v)) as T);
  }

  private async scan<T>(prefix: string): Promise<T[]> {
    const out: T[] = [];
    for await (const v of this.db.values({ gte: key(prefix), lt: key(prefix + '\xff') })) {
      out.push(JSON.parse(dec.decode(v)) as T);
    }
    return out;
  }

  walletInfo(): Promise<WalletInfoRecord | undefined> {
    return this.get('walletinfo');
  }
  bestBlock(): Promise<BestBlockRecord | undefined> {
    return this.get('bestblock');
  }
  descriptors(): Promise<DescriptorRecord[]> {
    return this.scan('desc/');
  }
  txs(): Promise<TxRecord[]> {
    return this.scan('tx/');
  }
  close(): Promise<void> {
    return this.db.close();
  }
}
