/**
 * BIP173/BIP350 vectors (../shared/vectors/bech32_vectors.json), one test per row, plus Core's
 * DecodeDestination error messages (key_io.cpp, bech32.cpp LocateErrors).
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeAddress,
  decodeBech32,
  encodeAddress,
  encodeBech32,
  getChainParams,
  locateBech32Errors,
  toHex,
} from '../src/index.js';
import { readSharedJson } from './shared-data.js';

interface Vectors {
  valid_bech32: string[];
  valid_bech32m: string[];
  invalid_bech32: { string: string; reason: string }[];
  invalid_bech32m: { string: string; reason: string }[];
  valid_addresses: { address: string; scriptPubKey: string }[];
  invalid_addresses: { address: string; reason: string }[];
}
const v = readSharedJson<Vectors>('vectors/bech32_vectors.json');
const main = getChainParams('main');
const test = getChainParams('test');
const regtest = getChainParams('regtest');

const counts: Record<string, number> = {};
const count = (k: string): void => {
  counts[k] = (counts[k] ?? 0) + 1;
};
afterAll(() => {
  for (const [k, n] of Object.entries(counts))
    console.log(`bech32_vectors.json ${k}: ${n} rows run`);
});

describe('bech32_vectors.json', () => {
  for (const enc of ['bech32', 'bech32m'] as const) {
    v[`valid_${enc}`].forEach((s, i) => {
      it(`valid_${enc} ${i}`, () => {
        count(`valid_${enc}`);
        const d = decodeBech32(s);
        expect(d?.encoding).toBe(enc);
        // Re-encoding gives the lowercase form back.
        expect(encodeBech32(enc, d!.hrp, d!.data)).toBe(s.toLowerCase());
        expect(locateBech32Errors(s).error).toBe('');
      });
    });
    v[`invalid_${enc}`].forEach(({ string: s, reason }, i) => {
      it(`invalid_${enc} ${i} (${reason})`, () => {
        count(`invalid_${enc}`);
        expect(decodeBech32(s)).toBeUndefined();
        expect(locateBech32Errors(s).error).not.toBe('');
      });
    });
  }
  v.valid_addresses.forEach(({ address, scriptPubKey }, i) => {
    it(`valid_addresses ${i}`, () => {
      count('valid_addresses');
      const params = address.toLowerCase().startsWith('bc1') ? main : test;
      const d = decodeAddress(address, params);
      expect(d.ok, d.ok ? '' : d.error).toBe(true);
      if (d.ok) expect(toHex(d.scriptPubKey)).toBe(scriptPubKey);
      expect(encodeAddress(d.ok ? d.scriptPubKey : new Uint8Array(), params)).toBe(
        address.toLowerCase(),
      );
    });
  });
  v.invalid_addresses.forEach(({ address, reason }, i) => {
    it(`invalid_addresses ${i} (${reason})`, () => {
      count('invalid_addresses');
      for (const params of [main, test]) expect(decodeAddress(address, params).ok).toBe(false);
    });
  });
});

describe("Core's DecodeDestination messages", () => {
  const cases: [string, typeof main, string][] = [
    // From Core's functional test rpc_invalid_address_message.py (regtest).
    [
      'bcrt1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqdmchcc',
      regtest,
      'Version 1+ witness address must use Bech32m checksum',
    ],
    [
      'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7k35mrzd',
      regtest,
      'Version 0 witness address must use Bech32 checksum',
    ],
    [
      'bcrt130xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqynjegk',
      regtest,
      'Invalid Bech32 address witness version',
    ],
    [
      'bcrt1s0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav25430mtr',
      regtest,
      'Invalid Bech32 address program size (41 bytes)',
    ],
    [
      'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kqqq5k3my',
      regtest,
      'Invalid Bech32 v0 address program size (21 bytes), per BIP141',
    ],
    [
      'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx',
      regtest,
      'Invalid or unsupported Segwit (Bech32) or Base58 encoding.',
    ],
    [
      '17VZNX1SN5NtKa8UQFxwQbFeFc3iqRYhem',
      regtest,
      'Invalid or unsupported Base58-encoded address.',
    ],
    ['asfah14i8fajz0123f', regtest, 'Invalid or unsupported Segwit (Bech32) or Base58 encoding.'],
    // A regtest address on mainnet: "bc" is a prefix of "bcrt", so it is tried as Bech32.
    [
      'bcrt1qtmp74ayg7p24uslctssvjm06q5phz4yrxucgnv',
      main,
      'Invalid or unsupported prefix for Segwit (Bech32) address (expected bc, got bcrt).',
    ],
    // One substituted character in a v0 address: located under Bech32.
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', main, 'Invalid Bech32 checksum'],
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', main, ''],
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3tb', main, 'Invalid Base 32 character'],
    ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3t4', main, 'Invalid character or mixed case'],
    ['bc1', main, 'Invalid separator position'],
    // Base58: right checksum, wrong length for the prefix; and a broken checksum.
    [
      '1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62j',
      main,
      'Invalid checksum or length of Base58 address (P2PKH or P2SH)',
    ],
  ];
  cases.forEach(([addr, params, message], i) => {
    it(`case ${i}: ${message || 'valid'}`, () => {
      const d = decodeAddress(addr, params);
      if (message === '') expect(d.ok).toBe(true);
      else expect(d.ok ? 'valid' : d.error).toBe(message);
    });
  });

  it('locates a single substitution', () => {
    const r = locateBech32Errors('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5');
    expect(r.locations).toEqual([41]);
    const two = locateBech32Errors('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f2t5');
    expect(two.error).toBe('Invalid Bech32 checksum');
    expect(two.locations).toEqual([39, 41]);
  });
});
