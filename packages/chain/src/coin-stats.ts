/**
 * UTXO set statistics (Core's kernel/coinstats.cpp, gettxoutsetinfo). hash_serialized_3 is
 * sha256d over every coin in database order, each serialized as Core's TxOutSer: outpoint
 * (txid, u32 vout), u32 (height * 2 + coinbase), then the output (i64 value, script with its
 * CompactSize length). muhash is MuHash3072 over the same serialization of each coin.
 */
import { BufferWriter, reverseBytes, toHex } from '@bitcoind-lite/consensus';
import type { CoinsViewDB } from '@bitcoind-lite/storage';
import { createHash } from 'node:crypto';
import { MuHash3072 } from './muhash.js';

/** Core's CoinStatsHashType, by its RPC names. */
export type CoinStatsHashType = 'hash_serialized_3' | 'muhash' | 'none';

export interface CoinsStats {
  /** Number of unspent outputs. */
  txouts: number;
  /** Transactions with at least one unspent output. */
  transactions: number;
  /** Core's bogosize: a size estimate independent of the storage format. */
  bogosize: number;
  /** Display hex of hash_serialized_3 (empty unless that hash type was asked for). */
  hashSerialized3: string;
  /** Display hex of the MuHash3072 digest (present when hash type `muhash` was asked for). */
  muhash?: string;
  totalAmountSats: bigint;
  diskSizeBytes: number;
}

export async function computeCoinsStats(
  db: CoinsViewDB,
  hashType: CoinStatsHashType = 'hash_serialized_3',
): Promise<CoinsStats> {
  const hasher = createHash('sha256');
  const muhash = hashType === 'muhash' ? new MuHash3072() : undefined;
  let txouts = 0;
  let transactions = 0;
  let bogosize = 0;
  let total = 0n;
  let lastTxid: Uint8Array | undefined;
  for await (const c of db.coins()) {
    if (lastTxid === undefined || toHex(lastTxid) !== toHex(c.txid)) transactions++;
    lastTxid = c.txid;
    const w = new BufferWriter(64 + c.coin.out.scriptPubKey.length);
    w.bytes(c.txid).u32(c.vout);
    w.u32(c.coin.height * 2 + (c.coin.isCoinbase ? 1 : 0));
    w.i64(c.coin.out.value).varBytes(c.coin.out.scriptPubKey);
    if (hashType === 'hash_serialized_3') hasher.update(w.toBytes());
    else if (muhash !== undefined) muhash.insert(w.toBytes());
    txouts++;
    total += c.coin.out.value;
    bogosize += 32 + 4 + 4 + 8 + 2 + c.coin.out.scriptPubKey.length;
  }
  const hash = new Uint8Array(createHash('sha256').update(hasher.digest()).digest());
  return {
    txouts,
    transactions,
    bogosize,
    hashSerialized3: hashType === 'hash_serialized_3' ? toHex(reverseBytes(hash)) : '',
    ...(muhash !== undefined && { muhash: toHex(reverseBytes(muhash.finalize())) }),
    totalAmountSats: total,
    diskSizeBytes: await db.estimateSizeBytes(),
  };
}
