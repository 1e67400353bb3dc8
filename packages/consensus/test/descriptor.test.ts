import { describe, expect, it } from 'vitest';
import {
  addDescriptorChecksum,
  descriptorChecksum,
  encodeAddress,
  solveScript,
  getChainParams,
  getDescriptorInfo,
  parseDescriptor,
  toHex,
} from '../src/index.js';

const main = getChainParams('main');
const regtest = getChainParams('regtest');

describe('descriptor checksum (BIP380 / Core DescriptorChecksum)', () => {
  it('matches the BIP380 vector and a published addr() checksum', () => {
    expect(descriptorChecksum('raw(deadbeef)')).toBe('89f8spxm');
    expect(addDescriptorChecksum('addr(1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62i)')).toBe(
      'addr(1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62i)#ns3f5w84',
    );
  });

  // BIP380's checksum test vectors, with Core's error strings.
  const bad: [string, string][] = [
    ['raw(deadbeef)#', 'Expected 8 character checksum, not 0 characters'],
    ['raw(deadbeef)#89f8spxmx', 'Expected 8 character checksum, not 9 characters'],
    ['raw(deadbeef)#89f8spx', 'Expected 8 character checksum, not 7 characters'],
    [
      'raw(deedbeef)#89f8spxm',
      `Provided checksum '89f8spxm' does not match computed checksum '${descriptorChecksum('raw(deedbeef)')}'`,
    ],
    ['raw(deadbeef)##9f8spxm', "Multiple '#' symbols"],
    ['raw(Ü)#00000000', 'Invalid characters in payload'],
  ];
  for (const [desc, error] of bad) {
    it(`rejects ${desc}`, () => {
      const r = parseDescriptor(desc, main);
      expect(r.ok ? 'ok' : r.error).toBe(error);
    });
  }

  it('requires a checksum only when asked', () => {
    expect(parseDescriptor('raw(deadbeef)', main).ok).toBe(true);
    const r = parseDescriptor('raw(deadbeef)', main, true);
    expect(r.ok ? 'ok' : r.error).toBe('Missing checksum');
  });
});

describe('addr() and raw()', () => {
  it('parses addr() to the address script, with or without checksum', () => {
    for (const d of [
      'addr(1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62i)',
      'addr(1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62i)#ns3f5w84',
    ]) {
      const r = parseDescriptor(d, main);
      expect(r.ok).toBe(true);
      expect(r.ok && solveScript(r.value.scriptPubKey).type).toBe('pubkeyhash');
      if (r.ok)
        expect(encodeAddress(r.value.scriptPubKey, main)).toBe(
          '1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62i',
        );
    }
    const bad = parseDescriptor('addr(1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62j)', main);
    expect(bad.ok ? 'ok' : bad.error).toBe('Address is not valid');
    const wrongNet = parseDescriptor('addr(1AGNa15ZQXAZUgFiqJ2i7Z2DPU2J6hW62i)', regtest);
    expect(wrongNet.ok ? 'ok' : wrongNet.error).toBe('Address is not valid');
  });

  it('parses raw() hex', () => {
    const r = parseDescriptor('raw(DEADBEEF)', main);
    expect(r.ok && toHex(r.value.scriptPubKey)).toBe('deadbeef');
    const bad = parseDescriptor('raw(xyz)', main);
    expect(bad.ok ? 'ok' : bad.error).toBe('Raw script is not hex');
  });

  it('getdescriptorinfo output', () => {
    const info = getDescriptorInfo('raw(deadbeef)', main);
    expect(info).toEqual({
      ok: true,
      value: {
        descriptor: 'raw(deadbeef)#89f8spxm',
        checksum: '89f8spxm',
        isrange: false,
        issolvable: false,
        hasprivatekeys: false,
      },
    });
    // A bech32 address given in upper case comes back canonical (lower case) in "descriptor",
    // while "checksum" is that of the string as given.
    const upper = 'addr(BCRT1QTMP74AYG7P24USLCTSSVJM06Q5PHZ4YRXUCGNV)';
    const r = getDescriptorInfo(upper, regtest);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.descriptor).toBe(
        addDescriptorChecksum(upper.replace(/\(.*\)/, (s) => s.toLowerCase())),
      );
      expect(r.value.checksum).toBe(descriptorChecksum(upper));
    }
  });
});
