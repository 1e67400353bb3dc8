/**
 * Block headers and blocks, as Core's `CBlockHeader` / `CBlock`. The header's hash is the
 * block hash (double SHA-256 of the 80 serialized bytes, internal byte order).
 */
import { reverseBytes, toHex } from './bytes.js';
import { sha256d } from './hash.js';
import { computeMerkleRoot, type MerkleResult } from './merkle.js';
import { BufferReader, BufferWriter, DecodeError } from './serialize.js';
import { Transaction } from './transaction.js';

export const BLOCK_HEADER_SIZE = 80;

export class BlockHeader {
  private cachedHash: Uint8Array | undefined;

  constructor(
    readonly version: number,
    readonly prevBlock: Uint8Array,
    readonly merkleRoot: Uint8Array,
    readonly time: number,
    readonly bits: number,
    readonly nonce: number,
  ) {}

  hash(): Uint8Array {
    this.cachedHash ??= sha256d(this.serialize());
    return this.cachedHash;
  }

  hashHex(): string {
    return toHex(reverseBytes(this.hash()));
  }

  serialize(): Uint8Array {
    const w = new BufferWriter(80);
    this.write(w);
    return w.toBytes();
  }

  write(w: BufferWriter): void {
    w.i32(this.version).bytes(this.prevBlock).bytes(this.merkleRoot);
    w.u32(this.time).u32(this.bits).u32(this.nonce);
  }

  withNonce(nonce: number): BlockHeader {
    return new BlockHeader(
      this.version,
      this.prevBlock,
      this.merkleRoot,
      this.time,
      this.bits,
      nonce,
    );
  }

  static read(r: BufferReader): BlockHeader {
    const version = r.i32();
    const prevBlock = r.hash().slice();
    const merkleRoot = r.hash().slice();
    const time = r.u32();
    const bits = r.u32();
    const nonce = r.u32();
    return new BlockHeader(version, prevBlock, merkleRoot, time, bits, nonce);
  }

  static decode(bytes: Uint8Array): BlockHeader {
    if (bytes.length !== BLOCK_HEADER_SIZE) {
      throw new DecodeError(`block header must be 80 bytes, got ${bytes.length}`);
    }
    return BlockHeader.read(new BufferReader(bytes));
  }
}

export class Block {
  constructor(
    readonly header: BlockHeader,
    readonly txs: Transaction[],
  ) {}

  hash(): Uint8Array {
    return this.header.hash();
  }

  hashHex(): string {
    return this.header.hashHex();
  }

  serialize(withWitness = true): Uint8Array {
    const w = new BufferWriter(1024);
    this.header.write(w);
    w.compactSize(this.txs.length);
    for (const tx of this.txs) tx.write(w, withWitness);
    return w.toBytes();
  }

  /** Merkle root over txids, with Core's mutation flag. */
  computeMerkleRoot(): MerkleResult {
    return computeMerkleRoot(this.txs.map((t) => t.txid()));
  }

  /** BIP141 witness merkle root: over wtxids, with the coinbase's taken as zero. */
  computeWitnessMerkleRoot(): MerkleResult {
    return computeMerkleRoot(this.txs.map((t, i) => (i === 0 ? new Uint8Array(32) : t.wtxid())));
  }

  /** Serialized size without witness data (Core's `TX_NO_WITNESS` size, "strippedsize"). */
  baseSize(): number {
    return this.serialize(false).length;
  }

  totalSize(): number {
    return this.serialize(true).length;
  }

  weight(): number {
    return this.baseSize() * 3 + this.totalSize();
  }

  static read(r: BufferReader): Block {
    const header = BlockHeader.read(r);
    const n = r.compactSize();
    const txs: Transaction[] = [];
    for (let i = 0; i < n; i++) txs.push(Transaction.read(r));
    return new Block(header, txs);
  }

  static decode(bytes: Uint8Array): Block {
    const r = new BufferReader(bytes);
    const block = Block.read(r);
    if (!r.end()) throw new DecodeError('trailing bytes after block');
    return block;
  }
}
