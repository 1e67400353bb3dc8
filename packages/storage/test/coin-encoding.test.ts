/** Core's VARINT and coin compression, checked against values from Core's serialize/compress tests. */
import { describe, expect, it } from 'vitest';
import {
  StorageReader,
  compressAmount,
  decompressAmount,
  deserializeBlockUndo,
  deserializeCoin,
  serializeBlockUndo,
  serializeCoin,
  varIntBytes,
} from '../src/index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const COIN = 100_000_000n;

describe('VARINT', () => {
  it.each([
    [0, '00'],
    [0x7f, '7f'],
    [0x80, '8000'],
    [0x1234, 'a334'],
    [0xffff, '82fe7f'],
    [0x123456, 'c7e756'],
    [0x80123456, '86ffc7e756'],
    [0xffffffff, '8efefefe7f'],
  ])('%i encodes as %s and back', (n, h) => {
    expect(hex(varIntBytes(n))).toBe(h);
    expect(new StorageReader(Buffer.from(h, 'hex')).varInt()).toBe(n);
  });
});

describe('amount compression (Core compress_tests)', () => {
  it.each([
    [0n, 0x0n],
    [1n, 0x1n],
    [1_000_000n, 0x7n],
    [COIN, 0x9n],
    [50n * COIN, 0x32n],
    [21_000_000n * COIN, 0x1406f40n],
  ])('%s -> %s', (v, c) => {
    expect(compressAmount(v)).toBe(c);
    expect(decompressAmount(c)).toBe(v);
  });

  it('round-trips every amount shape', () => {
    for (let i = 0n; i < 100_000n; i += 7n) expect(decompressAmount(compressAmount(i))).toBe(i);
    for (let e = 0n; e < 18n; e++) {
      const v = 10n ** e;
      expect(decompressAmount(compressAmount(v))).toBe(v);
    }
  });
});

describe('coin serialization', () => {
  const genesisKey = Buffer.from(
    '04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f',
    'hex',
  );
  const scripts: [string, Uint8Array, number][] = [
    ['p2pkh', Buffer.from('76a914' + '11'.repeat(20) + '88ac', 'hex'), 21],
    ['p2sh', Buffer.from('a914' + '22'.repeat(20) + '87', 'hex'), 21],
    ['p2pk compressed', Buffer.from('21' + '02' + '33'.repeat(32) + 'ac', 'hex'), 33],
    ['p2pk uncompressed', Uint8Array.from([0x41, ...genesisKey, 0xac]), 33],
    ['p2wpkh (raw)', Buffer.from('0014' + '44'.repeat(20), 'hex'), 23],
  ];
  it.each(scripts)('%s is stored in its compact form and restored', (_n, script, scriptBytes) => {
    const coin = {
      out: { value: 50n * COIN, scriptPubKey: new Uint8Array(script) },
      height: 1234,
      isCoinbase: true,
    };
    const bytes = serializeCoin(coin);
    // VARINT(1234*2+1) is 2 bytes, VARINT(0x32) 1 byte.
    expect(bytes.length).toBe(2 + 1 + scriptBytes);
    expect(deserializeCoin(bytes)).toEqual(coin);
  });

  it('block undo round-trips, with the height-0 form', () => {
    const undo = [
      [
        { out: { value: 5n, scriptPubKey: Uint8Array.of(0x51) }, height: 0, isCoinbase: false },
        { out: { value: COIN, scriptPubKey: Uint8Array.of(0x6a) }, height: 77, isCoinbase: true },
      ],
      [],
    ];
    expect(deserializeBlockUndo(serializeBlockUndo(undo))).toEqual(undo);
  });
});
