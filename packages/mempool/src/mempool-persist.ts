/**
 * mempool.dat in Bitcoin Core's format (kernel/mempool_persist.cpp), through a directory
 * capability:
 *
 *   u64 version                         1, or 2 (Core 28+ default: XOR-obfuscated)
 *   [v2] compactsize 8, 8-byte key      every later byte is XORed with key[filePosition % 8]
 *   u64 count
 *   count x { tx (with witness), i64 entry time (s), i64 fee delta (sats) }
 *   compactsize n, n x { 32-byte txid, i64 delta }   prioritisetransaction deltas
 *   compactsize n, n x { 32-byte txid }              unbroadcast transactions
 */
import {
  BufferReader,
  BufferWriter,
  DecodeError,
  Transaction,
  toHex,
  reverseBytes,
  fromHex,
} from '@bitcoind-lite/consensus';

export const MEMPOOL_DUMP_VERSION_NO_XOR_KEY = 1n;
export const MEMPOOL_DUMP_VERSION = 2n;
export const MEMPOOL_FILE_NAME = 'mempool.dat';

/** The part of the Dir capability persistence uses. */
export interface MempoolFileDir {
  readFile(name: string): Promise<Uint8Array>;
  writeFileAtomic(name: string, data: Uint8Array): Promise<void>;
  exists(name: string): Promise<boolean>;
}

/** The Random capability (for the XOR key). */
export interface MempoolRandom {
  fill(out: Uint8Array): Uint8Array;
}

export interface PersistedEntry {
  tx: Transaction;
  timeS: number;
  feeDeltaSats: bigint;
}

export interface MempoolSnapshot {
  entries: PersistedEntry[];
  /** prioritisetransaction deltas by txid (display hex). */
  deltas: Map<string, bigint>;
  /** Txids (display hex) not yet announced to any peer. */
  unbroadcast: Set<string>;
}

function xorFrom(data: Uint8Array, start: number, key: Uint8Array): void {
  for (let i = start; i < data.length; i++) data[i]! ^= key[i % 8]!;
}

export function serializeMempool(
  snap: MempoolSnapshot,
  opts: { version: bigint; xorKey?: Uint8Array },
): Uint8Array {
  const w = new BufferWriter(1024);
  w.u64(opts.version);
  let bodyStart = 8;
  const key = opts.xorKey ?? new Uint8Array(8);
  if (opts.version === MEMPOOL_DUMP_VERSION) {
    w.compactSize(8).bytes(key);
    bodyStart = w.length;
  }
  w.u64(BigInt(snap.entries.length));
  for (const e of snap.entries) {
    e.tx.write(w, true);
    w.i64(BigInt(e.timeS)).i64(e.feeDeltaSats);
  }
  w.compactSize(snap.deltas.size);
  for (const [txidHex, delta] of snap.deltas) w.bytes(reverseBytes(fromHex(txidHex))).i64(delta);
  w.compactSize(snap.unbroadcast.size);
  for (const txidHex of snap.unbroadcast) w.bytes(reverseBytes(fromHex(txidHex)));
  const out = w.toBytes();
  if (opts.version === MEMPOOL_DUMP_VERSION) xorFrom(out, bodyStart, key);
  return out;
}

/**
 * Parses a mempool.dat. Throws DecodeError for an unknown version or a truncated/corrupt file;
 * entries read before the damage are returned in `partial` on the error.
 */
export function deserializeMempool(bytes: Uint8Array): MempoolSnapshot {
  const data = bytes.slice();
  const head = new BufferReader(data);
  const version = head.u64();
  if (version !== MEMPOOL_DUMP_VERSION && version !== MEMPOOL_DUMP_VERSION_NO_XOR_KEY) {
    throw new DecodeError(`unknown mempool.dat version ${version}`);
  }
  if (version === MEMPOOL_DUMP_VERSION) {
    const n = head.compactSize();
    if (n !== 8) throw new DecodeError(`mempool.dat XOR key of ${n} bytes`);
    const key = head.bytesN(8).slice();
    xorFrom(data, head.offset, key);
  }
  const r = head;
  const snap: MempoolSnapshot = { entries: [], deltas: new Map(), unbroadcast: new Set() };
  try {
    const count = r.u64();
    if (count > BigInt(data.length)) throw new DecodeError(`mempool.dat claims ${count} entries`);
    for (let i = 0n; i < count; i++) {
      const tx = Transaction.read(r, true);
      const timeS = Number(r.i64());
      const feeDeltaSats = r.i64();
      snap.entries.push({ tx, timeS, feeDeltaSats });
    }
    const nDeltas = r.compactSize();
    for (let i = 0; i < nDeltas; i++) {
      const txid = r.hash();
      snap.deltas.set(toHex(reverseBytes(txid)), r.i64());
    }
    const nUnbroadcast = r.compactSize();
    for (let i = 0; i < nUnbroadcast; i++) snap.unbroadcast.add(toHex(reverseBytes(r.hash())));
  } catch (e) {
    if (e instanceof DecodeError) {
      (e as DecodeError & { partial?: MempoolSnapshot }).partial = snap;
    }
    throw e;
  }
  return snap;
}
