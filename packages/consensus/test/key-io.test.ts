/**
 * Core's key_io_valid.json / key_io_invalid.json (src/test/key_io_tests.cpp semantics) and
 * base58_encode_decode.json. Each row is its own test case, named by index.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  NETWORKS,
  decodeAddress,
  decodeBase58,
  decodeBase58Check,
  decodeSecret,
  encodeAddress,
  encodeBase58,
  encodeSecret,
  fromHex,
  getChainParams,
  toHex,
  type Network,
} from '../src/index.js';
import { readSharedJson } from './shared-data.js';

const counts: Record<string, number> = {};
const count = (file: string): void => {
  counts[file] = (counts[file] ?? 0) + 1;
};
afterAll(() => {
  for (const [file, n] of Object.entries(counts)) console.log(`${file}: ${n} rows run`);
});

function flipCase(s: string): string {
  return [...s].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
}

describe('base58_encode_decode.json', () => {
  const rows = readSharedJson<[string, string][]>('vectors/base58_encode_decode.json');
  it('has rows', () => expect(rows.length).toBe(21));
  rows.forEach(([hex, b58], i) => {
    it(`row ${i}`, () => {
      count('base58_encode_decode.json');
      expect(encodeBase58(fromHex(hex))).toBe(b58);
      expect(toHex(decodeBase58(b58)!)).toBe(hex.toLowerCase());
    });
  });
  it("Core's extra cases: bad characters fail, surrounding whitespace is skipped", () => {
    expect(decodeBase58('invalid')).toBeUndefined();
    expect(decodeBase58('invalid\0')).toBeUndefined();
    expect(decodeBase58('\0invalid')).toBeUndefined();
    expect(toHex(decodeBase58(' \t\n\v\f\r skip \r\f\v\n\t ') ?? Uint8Array.of(1))).toBe('971a55');
    expect(decodeBase58(' \t\n\v\f\r skip \r\f\v\n\t a')).toBeUndefined();
    expect(decodeBase58Check('3vQB7B6MrGQZaxCuFg4oh', 100)).toBeDefined();
    expect(decodeBase58Check('3vQB7B6MrGQZaxCuFg4oi', 100)).toBeUndefined();
    expect(decodeBase58Check('3vQB7B6MrGQZaxCuFg4oh0IOl', 100)).toBeUndefined();
    expect(decodeBase58Check('3vQB7B6MrGQZaxCuFg4oh\0' + '0IOl', 100)).toBeUndefined();
    // The length limit applies to the payload.
    const payload = decodeBase58Check('3vQB7B6MrGQZaxCuFg4oh', 100)!;
    expect(decodeBase58Check('3vQB7B6MrGQZaxCuFg4oh', payload.length)).toBeDefined();
    expect(decodeBase58Check('3vQB7B6MrGQZaxCuFg4oh', payload.length - 1)).toBeUndefined();
  });
});

type ValidRow = [
  string,
  string,
  { chain: Network; isPrivkey: boolean; isCompressed?: boolean; tryCaseFlip?: boolean },
];

describe('key_io_valid.json', () => {
  const rows = readSharedJson<ValidRow[]>('vectors/key_io_valid.json');
  it('has rows', () => expect(rows.length).toBe(70));
  rows.forEach(([str, payloadHex, meta], i) => {
    it(`row ${i} (${meta.chain}, ${meta.isPrivkey ? 'privkey' : 'address'})`, () => {
      count('key_io_valid.json');
      const params = getChainParams(meta.chain);
      if (meta.isPrivkey) {
        // Parse direction: a valid key of the right compression; not an address.
        const secret = decodeSecret(str, params);
        expect(secret).toBeDefined();
        expect(toHex(secret!.key)).toBe(payloadHex);
        expect(secret!.compressed).toBe(meta.isCompressed);
        expect(decodeAddress(str, params).ok).toBe(false);
        // Generate direction.
        expect(encodeSecret(fromHex(payloadHex), meta.isCompressed!, params)).toBe(str);
        return;
      }
      // Parse direction.
      const decoded = decodeAddress(str, params);
      expect(decoded.ok, decoded.ok ? '' : decoded.error).toBe(true);
      if (decoded.ok) expect(toHex(decoded.scriptPubKey)).toBe(payloadHex);
      // The case-flipped string decodes only where Core's vector says it may (Bech32).
      const flipped = flipCase(str);
      const flippedDecoded = decodeAddress(flipped, params);
      expect(flippedDecoded.ok).toBe(meta.tryCaseFlip ?? false);
      if (flippedDecoded.ok) expect(toHex(flippedDecoded.scriptPubKey)).toBe(payloadHex);
      expect(decodeSecret(flipped, params)).toBeUndefined();
      expect(decodeSecret(str, params)).toBeUndefined();
      // Generate direction.
      expect(encodeAddress(fromHex(payloadHex), params)).toBe(str);
    });
  });
});

describe('key_io_invalid.json (rejected on every chain)', () => {
  const rows = readSharedJson<[string][]>('vectors/key_io_invalid.json');
  it('has rows', () => expect(rows.length).toBe(70));
  rows.forEach(([str], i) => {
    it(`row ${i}`, () => {
      count('key_io_invalid.json');
      for (const n of NETWORKS) {
        const params = getChainParams(n);
        const decoded = decodeAddress(str, params);
        expect(decoded.ok, `${n}: address ${str}`).toBe(false);
        if (!decoded.ok) expect(decoded.error.length).toBeGreaterThan(0);
        expect(decodeSecret(str, params), `${n}: secret ${str}`).toBeUndefined();
      }
    });
  });
});
