import { describe, expect, it } from 'vitest';
import { OP } from '../src/script/opcodes.js';
import {
  buildScript,
  decodeScriptNum,
  encodeScriptNum,
  fromHex,
  getBlockSubsidy,
  getChainParams,
  multisigScript,
  nullDataScript,
  p2pkScript,
  p2pkhScript,
  p2shScript,
  p2trScript,
  p2wpkhScript,
  p2wshScript,
  pushScriptNumber,
  solveScript,
  toHex,
  witnessProgramScript,
} from '../src/index.js';

const PK33 = fromHex('02' + '11'.repeat(32));
const PK65 = fromHex('04' + '22'.repeat(64));
const H20 = fromHex('33'.repeat(20));
const H32 = fromHex('44'.repeat(32));

describe('script templates and Solver (Core script/solver.cpp)', () => {
  const cases: [string, Uint8Array, string][] = [
    ['p2pk compressed', p2pkScript(PK33), 'pubkey'],
    ['p2pk uncompressed', p2pkScript(PK65), 'pubkey'],
    ['p2pkh', p2pkhScript(H20), 'pubkeyhash'],
    ['p2sh', p2shScript(H20), 'scripthash'],
    ['p2wpkh', p2wpkhScript(H20), 'witness_v0_keyhash'],
    ['p2wsh', p2wshScript(H32), 'witness_v0_scripthash'],
    ['p2tr', p2trScript(H32), 'witness_v1_taproot'],
    ['anchor', fromHex('51024e73'), 'anchor'],
    ['v1 2-byte non-anchor', witnessProgramScript(1, fromHex('4e74')), 'witness_unknown'],
    ['v2 program', witnessProgramScript(2, H20), 'witness_unknown'],
    ['v0 of 21 bytes', witnessProgramScript(0, fromHex('55'.repeat(21))), 'nonstandard'],
    ['1-of-2 multisig', multisigScript(1, [PK33, PK65]), 'multisig'],
    ['nulldata', nullDataScript(fromHex('deadbeef')), 'nulldata'],
    ['bare OP_RETURN', Uint8Array.of(OP.RETURN), 'nulldata'],
    [
      'OP_RETURN OP_RESERVED counts as push-only',
      Uint8Array.of(OP.RETURN, OP.RESERVED),
      'nulldata',
    ],
    ['OP_RETURN then an opcode', Uint8Array.of(OP.RETURN, OP.NOP), 'nonstandard'],
    ['OP_RETURN truncated push', Uint8Array.of(OP.RETURN, 0x05, 0x01), 'nonstandard'],
    ['p2pk with a bad key prefix', p2pkScript(fromHex('05' + '11'.repeat(32))), 'nonstandard'],
    [
      'multisig m > n',
      buildScript([{ num: 2 }, PK33, { num: 1 }, OP.CHECKMULTISIG]),
      'nonstandard',
    ],
    ['empty', new Uint8Array(0), 'nonstandard'],
    ['OP_TRUE', Uint8Array.of(OP['1']), 'nonstandard'],
  ];
  for (const [name, script, type] of cases) {
    it(`${name} -> ${type}`, () => expect(solveScript(script).type).toBe(type));
  }

  it('builds the exact bytes Core builds', () => {
    expect(toHex(p2pkhScript(H20))).toBe('76a914' + '33'.repeat(20) + '88ac');
    expect(toHex(p2shScript(H20))).toBe('a914' + '33'.repeat(20) + '87');
    expect(toHex(p2wpkhScript(H20))).toBe('0014' + '33'.repeat(20));
    expect(toHex(p2trScript(H32))).toBe('5120' + '44'.repeat(32));
    const ms = solveScript(multisigScript(1, [PK33, PK65]));
    expect(ms.solutions.map(toHex)).toEqual(['01', toHex(PK33), toHex(PK65), '02']);
    expect(() => p2pkhScript(H32)).toThrow(RangeError);
  });

  it("Core's default signet challenge is a 1-of-2 bare multisig", () => {
    expect(solveScript(getChainParams('signet').signetChallenge!).type).toBe('multisig');
  });
});

describe('CScriptNum pushes (BIP34 heights)', () => {
  const cases: [number, string][] = [
    [0, '00'],
    [1, '51'],
    [16, '60'],
    [-1, '4f'],
    [17, '0111'],
    [127, '017f'],
    [128, '028000'],
    [255, '02ff00'],
    [256, '020001'],
    [-128, '028080'],
    [227931, '035b7a03'],
    [500000, '0320a107'],
    [0x7fffffff, '04ffffff7f'],
  ];
  for (const [n, hex] of cases) {
    it(`${n} -> ${hex}`, () => {
      expect(toHex(pushScriptNumber(n))).toBe(hex);
      if (n < -1 || n > 16) expect(decodeScriptNum(encodeScriptNum(n))).toBe(BigInt(n));
    });
  }
  it('uses PUSHDATA1/2 for long data', () => {
    expect(toHex(buildScript([new Uint8Array(76)])).slice(0, 4)).toBe('4c4c');
    expect(toHex(buildScript([new Uint8Array(256)])).slice(0, 6)).toBe('4d0001');
  });
});

describe('GetBlockSubsidy', () => {
  const main = getChainParams('main');
  const regtest = getChainParams('regtest');
  it('halves every interval and reaches zero', () => {
    expect(getBlockSubsidy(0, main)).toBe(5_000_000_000n);
    expect(getBlockSubsidy(209999, main)).toBe(5_000_000_000n);
    expect(getBlockSubsidy(210000, main)).toBe(2_500_000_000n);
    expect(getBlockSubsidy(840000, main)).toBe(312_500_000n);
    expect(getBlockSubsidy(210000 * 33, main)).toBe(0n);
    expect(getBlockSubsidy(210000 * 32, main)).toBe(1n);
    expect(getBlockSubsidy(210000 * 64, main)).toBe(0n);
    expect(getBlockSubsidy(210000 * 1000, main)).toBe(0n);
    expect(getBlockSubsidy(149, regtest)).toBe(5_000_000_000n);
    expect(getBlockSubsidy(150, regtest)).toBe(2_500_000_000n);
  });
  it('total supply stays under 21 million BTC (Core validation_tests)', () => {
    let sum = 0n;
    for (let h = 0; h < 14_000_000; h += 1000) sum += getBlockSubsidy(h, main) * 1000n;
    expect(sum).toBe(2_099_999_997_690_000n);
  });
});
