import { describe, expect, it } from 'vitest';
import {
  Block,
  DecodeError,
  bytesEqual,
  checkProofOfWork,
  concatBytes,
  getChainParams,
  readBlkFile,
  toHex,
} from '../src/index.js';
import { readShared } from './shared-data.js';

const main = getChainParams('main');

describe('block 413567 (../shared/vectors/block413567.raw)', () => {
  const raw = readShared('vectors/block413567.raw');
  const block = Block.decode(raw);

  it('decodes, re-encodes byte for byte, and hashes to the known hash', () => {
    expect(toHex(block.serialize())).toBe(toHex(raw));
    expect(block.hashHex()).toBe(
      '0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069',
    );
    expect(checkProofOfWork(block.hash(), block.header.bits, main.powLimit)).toBe(true);
  });

  it('merkle root recomputes; no witness, so stripped size equals total size', () => {
    const { root, mutated } = block.computeMerkleRoot();
    expect(bytesEqual(root, block.header.merkleRoot)).toBe(true);
    expect(mutated).toBe(false);
    expect(block.baseSize()).toBe(block.totalSize());
    expect(block.totalSize()).toBe(raw.length);
    expect(block.txs.length).toBeGreaterThan(1000);
  });
});

describe('blk framing: mainnet blocks 0..438 (../shared/chain/mainnet-0-438.blocks.dat)', () => {
  const raw = readShared('chain/mainnet-0-438.blocks.dat');

  it('yields 439 blocks that link, whose merkle roots and PoW verify', () => {
    const entries = [...readBlkFile(raw, main.messageStart)];
    expect(entries.length).toBe(439);
    expect(entries[0]!.offset).toBe(0);
    expect(entries[0]!.block.hashHex()).toBe(main.genesisHash);
    let txs = 0;
    entries.forEach(({ block, length }, h) => {
      if (h > 0) {
        const prev = entries[h - 1]!;
        expect(bytesEqual(block.header.prevBlock, prev.block.hash()), `link at ${h}`).toBe(true);
        expect(entries[h]!.offset).toBe(prev.dataOffset + prev.length);
      }
      expect(bytesEqual(block.computeMerkleRoot().root, block.header.merkleRoot)).toBe(true);
      expect(checkProofOfWork(block.hash(), block.header.bits, main.powLimit)).toBe(true);
      expect(block.totalSize()).toBe(length);
      txs += block.txs.length;
    });
    expect(txs).toBe(446);
    // README: tip 0000000025c6b6...4c7a.
    const tip = entries[438]!.block.hashHex();
    expect(tip.startsWith('0000000025c6b6')).toBe(true);
    expect(tip.endsWith('4c7a')).toBe(true);
  });

  it('stops with a clear error on bad magic', () => {
    const bad = raw.slice();
    const second = [...readBlkFile(raw, main.messageStart)][1]!.offset;
    bad[second] = 0x00;
    const it = readBlkFile(bad, main.messageStart);
    expect(it.next().done).toBe(false);
    expect(() => it.next()).toThrow(new RegExp(`bad magic 00beb4d9 at offset ${second}`));
    expect(() => [...readBlkFile(raw, getChainParams('regtest').messageStart)]).toThrow(
      DecodeError,
    );
  });

  it('stops with a clear error on truncation, and ignores trailing zero padding', () => {
    expect(() => [...readBlkFile(raw.subarray(0, raw.length - 10), main.messageStart)]).toThrow(
      /claims \d+ bytes, only \d+ remain/,
    );
    // Genesis is 285 bytes, so its record ends at 293; cut 4 bytes into the next header.
    expect(() => [...readBlkFile(raw.subarray(0, 297), main.messageStart)]).toThrow(
      'blk file: truncated record header at offset 293',
    );
    const padded = concatBytes(raw, new Uint8Array(4096));
    expect([...readBlkFile(padded, main.messageStart)].length).toBe(439);
  });
});
