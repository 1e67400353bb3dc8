/**
 * Transactions as Core's `CTransaction`: `OutPoint {txid, vout}`, `TxIn {prevout, scriptSig,
 * sequence, witness}`, `TxOut {value, scriptPubKey}`. Serialization follows BIP144: the segwit
 * form (marker 0x00, flag 0x01) is written only when some input has a witness.
 *
 * Hashes are kept in internal (little-endian) byte order; `txidHex()` gives the display order.
 */
import { bytesEqual, reverseBytes, toHex } from './bytes.js';
import { sha256d } from './hash.js';
import { BufferReader, BufferWriter, DecodeError, compactSizeLength } from './serialize.js';

/** Amounts in satoshis. bigint because a decoded output may carry any 64-bit value. */
export type Sats = bigint;

export const SEQUENCE_FINAL = 0xffffffff;
export const NULL_INDEX = 0xffffffff;

export class OutPoint {
  constructor(
    readonly txid: Uint8Array,
    readonly vout: number,
  ) {}

  static null(): OutPoint {
    return new OutPoint(new Uint8Array(32), NULL_INDEX);
  }

  isNull(): boolean {
    return this.vout === NULL_INDEX && this.txid.every((b) => b === 0);
  }

  equals(o: OutPoint): boolean {
    return this.vout === o.vout && bytesEqual(this.txid, o.txid);
  }

  /** A map key: 32-byte txid then vout, as hex. */
  key(): string {
    return toHex(this.txid) + ':' + this.vout;
  }

  serialize(w: BufferWriter): void {
    w.bytes(this.txid).u32(this.vout);
  }
}

export interface TxIn {
  prevout: OutPoint;
  scriptSig: Uint8Array;
  sequence: number;
  /** Witness stack items; empty when the input has no witness. */
  witness: Uint8Array[];
}

export interface TxOut {
  value: Sats;
  scriptPubKey: Uint8Array;
}

export class Transaction {
  private cachedTxid: Uint8Array | undefined;
  private cachedWtxid: Uint8Array | undefined;

  constructor(
    readonly version: number,
    readonly vin: TxIn[],
    readonly vout: TxOut[],
    readonly locktime: number,
  ) {}

  hasWitness(): boolean {
    return this.vin.some((i) => i.witness.length > 0);
  }

  isCoinbase(): boolean {
    return this.vin.length === 1 && this.vin[0]!.prevout.isNull();
  }

  /** txid: double SHA-256 of the serialization without witness (internal byte order). */
  txid(): Uint8Array {
    this.cachedTxid ??= sha256d(this.serialize(false));
    return this.cachedTxid;
  }

  /** wtxid (BIP141): hash of the full serialization; equals txid without witness. */
  wtxid(): Uint8Array {
    if (this.cachedWtxid === undefined) {
      this.cachedWtxid = this.hasWitness() ? sha256d(this.serialize(true)) : this.txid();
    }
    return this.cachedWtxid;
  }

  txidHex(): string {
    return toHex(reverseBytes(this.txid()));
  }

  wtxidHex(): string {
    return toHex(reverseBytes(this.wtxid()));
  }

  serialize(withWitness = true): Uint8Array {
    const w = new BufferWriter(this.estimateSize());
    this.write(w, withWitness);
    return w.toBytes();
  }

  write(w: BufferWriter, withWitness = true): void {
    const segwit = withWitness && this.hasWitness();
    w.u32(this.version);
    if (segwit) w.u8(0).u8(1);
    w.compactSize(this.vin.length);
    for (const i of this.vin) {
      i.prevout.serialize(w);
      w.varBytes(i.scriptSig).u32(i.sequence);
    }
    w.compactSize(this.vout.length);
    for (const o of this.vout) w.i64(o.value).varBytes(o.scriptPubKey);
    if (segwit) {
      for (const i of this.vin) {
        w.compactSize(i.witness.length);
        for (const item of i.witness) w.varBytes(item);
      }
    }
    w.u32(this.locktime);
  }

  private estimateSize(): number {
    let n = 10;
    for (const i of this.vin) n += 41 + i.scriptSig.length + i.witness.length * 2;
    for (const o of this.vout) n += 9 + o.scriptPubKey.length;
    return n;
  }

  /** Serialized size without witness (Core's "stripped" size). */
  baseSize(): number {
    return sizeOf(this, false);
  }

  /** Serialized size with witness. */
  totalSize(): number {
    return sizeOf(this, true);
  }

  /** BIP141 weight: base size * 3 + total size. */
  weight(): number {
    return this.baseSize() * 3 + this.totalSize();
  }

  /** Virtual size in vbytes, rounded up (BIP141). */
  vsize(): number {
    return Math.ceil(this.weight() / 4);
  }

  static decode(bytes: Uint8Array, allowWitness = true): Transaction {
    const r = new BufferReader(bytes);
    const tx = Transaction.read(r, allowWitness);
    if (!r.end()) throw new DecodeError('trailing bytes after transaction');
    return tx;
  }

  /** Reads a transaction as Core's UnserializeTransaction, including its two error cases. */
  static read(r: BufferReader, allowWitness = true): Transaction {
    const version = r.u32();
    let flags = 0;
    let vin = readInputs(r);
    let vout: TxOut[] = [];
    if (vin.length === 0 && allowWitness) {
      flags = r.u8();
      if (flags !== 0) {
        vin = readInputs(r);
        vout = readOutputs(r);
      }
    } else {
      vout = readOutputs(r);
    }
    if ((flags & 1) !== 0 && allowWitness) {
      flags ^= 1;
      for (const i of vin) {
        const n = r.compactSize();
        const items: Uint8Array[] = [];
        for (let k = 0; k < n; k++) items.push(r.varBytes());
        i.witness = items;
      }
      if (!vin.some((i) => i.witness.length > 0)) {
        throw new DecodeError('Superfluous witness record');
      }
    }
    if (flags !== 0) throw new DecodeError('Unknown transaction optional data');
    const locktime = r.u32();
    return new Transaction(version, vin, vout, locktime);
  }
}

function readInputs(r: BufferReader): TxIn[] {
  const n = r.compactSize();
  const out: TxIn[] = [];
  for (let k = 0; k < n; k++) {
    const txid = r.hash().slice();
    const vout = r.u32();
    const scriptSig = r.varBytes().slice();
    const sequence = r.u32();
    out.push({ prevout: new OutPoint(txid, vout), scriptSig, sequence, witness: [] });
  }
  return out;
}

function readOutputs(r: BufferReader): TxOut[] {
  const n = r.compactSize();
  const out: TxOut[] = [];
  for (let k = 0; k < n; k++) {
    const value = r.i64();
    const scriptPubKey = r.varBytes().slice();
    out.push({ value, scriptPubKey });
  }
  return out;
}

function sizeOf(tx: Transaction, withWitness: boolean): number {
  const segwit = withWitness && tx.hasWitness();
  let n = 8 + compactSizeLength(tx.vin.length) + compactSizeLength(tx.vout.length);
  if (segwit) n += 2;
  for (const i of tx.vin) {
    n += 36 + compactSizeLength(i.scriptSig.length) + i.scriptSig.length + 4;
    if (segwit) {
      n += compactSizeLength(i.witness.length);
      for (const item of i.witness) n += compactSizeLength(item.length) + item.length;
    }
  }
  for (const o of tx.vout)
    n += 8 + compactSizeLength(o.scriptPubKey.length) + o.scriptPubKey.length;
  return n;
}
