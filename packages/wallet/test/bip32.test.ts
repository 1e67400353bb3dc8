/** BIP32 test vector 1 and BIP84/BIP86 vectors (the "abandon ... about" mnemonic) on our derivation. */
import { pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  encodeAddress,
  encodeSecret,
  fromHex,
  getChainParams,
  toHex,
} from '@bitcoind-lite/consensus';
import { ExtendedKey, HARDENED, parseKeyPath } from '../src/bip32.js';
import { WalletDescriptor } from '../src/wallet-descriptor.js';

const H = HARDENED;
const MAIN = getChainParams('main');

describe('BIP32 test vector 1', () => {
  const m = ExtendedKey.fromSeed(fromHex('000102030405060708090a0b0c0d0e0f'));
  const table: [number[], string, string][] = [
    [
      [],
      'xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi',
      'xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8',
    ],
    [
      [H],
      'xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8Br5ngLNv1TxvUxt4cV1rGL5hj6KCesnDYUhd7oWgT11eZG7XnxHrnYeSvkzY7d2bhkJ7',
      'xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw',
    ],
    [
      [H, 1],
      'xprv9wTYmMFdV23N2TdNG573QoEsfRrWKQgWeibmLntzniatZvR9BmLnvSxqu53Kw1UmYPxLgboyZQaXwTCg8MSY3H2EU4pWcQDnRnrVA1xe8fs',
      'xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ',
    ],
    [
      [H, 1, H + 2],
      'xprv9z4pot5VBttmtdRTWfWQmoH1taj2axGVzFqSb8C9xaxKymcFzXBDptWmT7FwuEzG3ryjH4ktypQSAewRiNMjANTtpgP4mLTj34bhnZX7UiM',
      'xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5',
    ],
    [
      [H, 1, H + 2, 2, 1000000000],
      'xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6mV6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie1rFSruoUihUZREPSL39UNdE3BBDu76',
      'xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro49S8yGasTvXEYBVPamhGW6cFJodrTHy',
    ],
  ];
  for (const [path, xprv, xpub] of table) {
    it(`m/${path.map((i) => (i >= H ? `${i - H}h` : i)).join('/')}`, () => {
      const k = m.derivePath(path);
      expect(k.toBase58(true)).toBe(xprv);
      expect(k.neutered().toBase58(true)).toBe(xpub);
      expect(ExtendedKey.fromBase58(xprv, true)!.toBase58(true)).toBe(xprv);
    });
  }

  it('public derivation of a non-hardened step equals the private one (m/0h/1/2h/2 -> 1000000000)', () => {
    const parent = m.derivePath([H, 1, H + 2, 2]);
    expect(parent.neutered().derive(1000000000).toBase58(true)).toBe(table[4]![2]);
  });

  it('refuses hardened derivation from a public key and keys for another network', () => {
    expect(() => m.neutered().derive(H)).toThrow(/hardened/);
    expect(ExtendedKey.fromBase58(table[0]![1], false)).toBeUndefined();
  });
});

/** BIP39 seed of the BIP84/BIP86 test mnemonic (PBKDF2-HMAC-SHA512, 2048 rounds, "mnemonic"). */
const MNEMONIC =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const SEED = new Uint8Array(pbkdf2Sync(MNEMONIC, 'mnemonic', 2048, 64, 'sha512'));

describe('BIP84 test vectors', () => {
  const master = ExtendedKey.fromSeed(SEED);
  const recv = WalletDescriptor.fromMaster('wpkh', master, true, false);
  const change = WalletDescriptor.fromMaster('wpkh', master, true, true);

  it('receive 0, receive 1, change 0: keys and addresses', () => {
    const r0 = recv.derive(0);
    expect(toHex(r0.pubkey)).toBe(
      '0330d54fd0dd420a6e5f8d3624f5f3482cae350f79d5f0753bf5beef9c2d91af3c',
    );
    expect(encodeSecret(r0.secret!, true, MAIN)).toBe(
      'KyZpNDKnfs94vbrwhJneDi77V6jF64PWPF8x5cdJb8ifgg2DUc9d',
    );
    expect(encodeAddress(r0.scriptPubKey, MAIN)).toBe('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu');
    expect(encodeAddress(recv.derive(1).scriptPubKey, MAIN)).toBe(
      'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g',
    );
    expect(encodeAddress(change.derive(0).scriptPubKey, MAIN)).toBe(
      'bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el',
    );
  });

  it("Core's normalized public descriptor: origin, account xpub, checksum", () => {
    expect(recv.masterFingerprintHex()).toBe('73c5da0a');
    // The account xpub of the BIP84 text is zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs:
    // the same 78 bytes under the xpub version.
    expect(recv.toPublicString()).toBe(
      'wpkh([73c5da0a/84h/0h/0h]xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V/0/*)#afwvtk2s',
    );
  });

  it('the private and public strings parse back to the same scripts', () => {
    for (const text of [recv.toPrivateString(), recv.toPublicString()]) {
      const d = WalletDescriptor.parse(text, true);
      expect(toHex(d.derive(7).scriptPubKey)).toBe(toHex(recv.derive(7).scriptPubKey));
    }
    expect(WalletDescriptor.parse(recv.toPublicString(), true).hasPrivateKeys).toBe(false);
    const bad = recv.toPublicString().replace(/#.*/, '#qqqqqqqq');
    expect(() => WalletDescriptor.parse(bad, true)).toThrow(/does not match computed checksum/);
  });

  it('parseKeyPath takes h and apostrophe', () => {
    expect(parseKeyPath("84'/1h/0")).toEqual([84 + H, 1 + H, 0]);
    expect(parseKeyPath('x')).toBeUndefined();
  });
});

describe('BIP86 test vectors', () => {
  const master = ExtendedKey.fromSeed(SEED);
  it('receive 0, receive 1 and change 0 (bech32m, key-path output keys)', () => {
    const recv = WalletDescriptor.fromMaster('tr', master, true, false);
    const change = WalletDescriptor.fromMaster('tr', master, true, true);
    const r0 = recv.derive(0);
    expect(toHex(r0.pubkey.subarray(1))).toBe(
      'cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115',
    );
    expect(toHex(r0.scriptPubKey)).toBe(
      '5120a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c',
    );
    expect(encodeAddress(r0.scriptPubKey, MAIN)).toBe(
      'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr',
    );
    expect(encodeAddress(recv.derive(1).scriptPubKey, MAIN)).toBe(
      'bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh',
    );
    expect(encodeAddress(change.derive(0).scriptPubKey, MAIN)).toBe(
      'bc1p3qkhfews2uk44qtvauqyr2ttdsw7svhkl9nkm9s9c3x4ax5h60wqwruhk7',
    );
  });
});
