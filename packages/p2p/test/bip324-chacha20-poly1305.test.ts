/**
 * The symmetric primitives under BIP324: ChaCha20, Poly1305 and AEAD_CHACHA20_POLY1305 against
 * RFC 8439's examples and against OpenSSL (node:crypto) as an independent implementation;
 * FSChaCha20 / FSChaCha20Poly1305 rekeying against a composition of OpenSSL calls; HKDF-SHA256
 * against RFC 5869 test case 1 and node:crypto's hkdfSync.
 */
import { createCipheriv, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  FSChaCha20,
  FSChaCha20Poly1305,
  Poly1305,
  REKEY_INTERVAL,
  aeadDecrypt,
  aeadEncrypt,
  chacha20,
  chacha20Block,
  hkdfExpand,
  hkdfExtract,
  poly1305,
} from '../src/bip324/index.js';
import { hexBytes, toHexString } from './helpers/bip324-vectors.js';

function opensslChaCha20(key: Uint8Array, nonce: Uint8Array, counter: number, data: Uint8Array) {
  const iv = new Uint8Array(16);
  new DataView(iv.buffer).setUint32(0, counter, true);
  iv.set(nonce, 4);
  return new Uint8Array(createCipheriv('chacha20', key, iv).update(data));
}

function opensslAead(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, data: Uint8Array) {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: data.length });
  return new Uint8Array(Buffer.concat([c.update(data), c.final(), c.getAuthTag()]));
}

function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 17 + (i >> 8)) & 0xff;
  return out;
}

function nonce96(low: number, high: number): Uint8Array {
  const n = new Uint8Array(12);
  new DataView(n.buffer).setUint32(0, low >>> 0, true);
  new DataView(n.buffer).setUint32(4, high, true);
  return n;
}

describe('ChaCha20 (RFC 8439 2.3, 2.4)', () => {
  const key = new Uint8Array(32).map((_, i) => i);

  it('refuses to run the 32-bit block counter past 2^32', () => {
    const nonce = new Uint8Array(12);
    expect(chacha20(key, nonce, 0xffffffff, new Uint8Array(64)).length).toBe(64);
    expect(() => chacha20(key, nonce, 0xffffffff, new Uint8Array(65))).toThrow(RangeError);
  });

  it('block function example of section 2.3.2', () => {
    const block = chacha20Block(key, hexBytes('000000090000004a00000000'), 1);
    expect(toHexString(block)).toBe(
      '10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e' +
        'd2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e',
    );
  });

  it('matches OpenSSL for lengths around block boundaries and counters', () => {
    const nonce = hexBytes('000000000000004a00000000');
    for (const length of [0, 1, 63, 64, 65, 127, 128, 129, 1000, 4096 + 7]) {
      for (const counter of [0, 1, 1000]) {
        const data = bytesOf(length, counter);
        expect(toHexString(chacha20(key, nonce, counter, data)), `${length}@${counter}`).toBe(
          toHexString(opensslChaCha20(key, nonce, counter, data)),
        );
      }
    }
  });
});

describe('Poly1305 and AEAD_CHACHA20_POLY1305 (RFC 8439 2.5, 2.8)', () => {
  it('Poly1305 example of section 2.5.2', () => {
    const key = hexBytes('85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b');
    const tag = poly1305(key, new TextEncoder().encode('Cryptographic Forum Research Group'));
    expect(toHexString(tag)).toBe('a8061dc1305136c6c22b8baf0c0127a9');
  });

  it('Poly1305 gives the same tag however the message is split across update calls', () => {
    const key = hexBytes('85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b');
    const message = new TextEncoder().encode('Cryptographic Forum Research Group');
    for (const split of [[1], [15, 1], [16], [17], [3, 5, 7, 11], [33, 1]]) {
      const mac = new Poly1305(key);
      let pos = 0;
      for (let i = 0; pos < message.length; i++) {
        const take = split[i % split.length]!;
        mac.update(message.subarray(pos, pos + take));
        pos += take;
      }
      expect(toHexString(mac.digest()), split.join('+')).toBe('a8061dc1305136c6c22b8baf0c0127a9');
    }
  });

  it('AEAD matches OpenSSL and round-trips, for many lengths of text and AAD', () => {
    const key = bytesOf(32, 1);
    const nonce = bytesOf(12, 2);
    for (const length of [0, 1, 15, 16, 17, 31, 32, 33, 64, 100, 1024, 65537]) {
      for (const aadLength of [0, 1, 16, 17, 1000]) {
        const data = bytesOf(length, aadLength);
        const aad = bytesOf(aadLength, length);
        const sealed = aeadEncrypt(key, nonce, aad, data);
        expect(toHexString(sealed), `${length}/${aadLength}`).toBe(
          toHexString(opensslAead(key, nonce, aad, data)),
        );
        expect(toHexString(aeadDecrypt(key, nonce, aad, sealed)!)).toBe(toHexString(data));
      }
    }
  });

  it('AEAD decryption refuses a changed tag, ciphertext, AAD or nonce', () => {
    const key = bytesOf(32, 3);
    const nonce = bytesOf(12, 4);
    const aad = bytesOf(20, 5);
    const sealed = aeadEncrypt(key, nonce, aad, bytesOf(50, 6));
    for (const at of [0, 49, 50, 65]) {
      const bad = sealed.slice();
      bad[at]! ^= 0x80;
      expect(aeadDecrypt(key, nonce, aad, bad), `byte ${at}`).toBeUndefined();
    }
    expect(aeadDecrypt(key, nonce, aad.subarray(1), sealed)).toBeUndefined();
    expect(aeadDecrypt(key, bytesOf(12, 7), aad, sealed)).toBeUndefined();
    expect(aeadDecrypt(key, nonce, aad, sealed.subarray(0, 15))).toBeUndefined();
  });
});

describe('FSChaCha20Poly1305 and FSChaCha20 rekeying (BIP324)', () => {
  it('FSChaCha20Poly1305: packet nonces and the key change after every 224 packets', () => {
    let key = bytesOf(32, 8);
    const fs = new FSChaCha20Poly1305(key);
    const aad = bytesOf(5, 9);
    for (let packet = 0; packet < 3 * REKEY_INTERVAL + 5; packet++) {
      const epoch = Math.floor(packet / REKEY_INTERVAL);
      const data = bytesOf(packet % 70, packet);
      const tag = new Uint8Array(16);
      const body = data.slice();
      fs.encryptInPlace(aad, body, tag);
      const nonce = nonce96(packet % REKEY_INTERVAL, epoch);
      const expected = opensslAead(key, nonce, aad, data);
      expect(toHexString(body) + toHexString(tag), `packet ${packet}`).toBe(toHexString(expected));
      if ((packet + 1) % REKEY_INTERVAL === 0) {
        // New key: ChaCha20 block 1 under nonce 0xffffffff || LE64(epoch), first 32 bytes.
        key = opensslChaCha20(key, nonce96(0xffffffff, epoch), 1, new Uint8Array(32));
      }
    }
  });

  it('FSChaCha20Poly1305: the receiver advances past a packet that fails to decrypt', () => {
    const key = bytesOf(32, 10);
    const sender = new FSChaCha20Poly1305(key);
    const receiver = new FSChaCha20Poly1305(key);
    const tag = new Uint8Array(16);
    const first = bytesOf(10, 1);
    sender.encryptInPlace(new Uint8Array(0), first, tag);
    expect(receiver.decryptInPlace(new Uint8Array(0), first, new Uint8Array(16))).toBe(false);
    const second = bytesOf(10, 2);
    sender.encryptInPlace(new Uint8Array(0), second, tag);
    expect(receiver.decryptInPlace(new Uint8Array(0), second, tag)).toBe(true);
    expect(toHexString(second)).toBe(toHexString(bytesOf(10, 2)));
  });

  it('FSChaCha20: one keystream per key, rekeyed from the next 32 bytes every 224 chunks', () => {
    let key = bytesOf(32, 11);
    const fs = new FSChaCha20(key);
    let epoch = 0;
    let offset = 0;
    for (let chunk = 0; chunk < 2 * REKEY_INTERVAL + 10; chunk++) {
      const data = bytesOf(3, chunk);
      const stream = opensslChaCha20(key, nonce96(0, epoch), 0, new Uint8Array(offset + 3 + 32));
      const expected = data.map((b, i) => b ^ stream[offset + i]!);
      expect(toHexString(fs.crypt(data)), `chunk ${chunk}`).toBe(toHexString(expected));
      offset += 3;
      if ((chunk + 1) % REKEY_INTERVAL === 0) {
        key = stream.slice(offset, offset + 32);
        epoch++;
        offset = 0;
      }
    }
  });
});

describe('HKDF-SHA256 (RFC 5869)', () => {
  it('test case 1', () => {
    const ikm = new Uint8Array(22).fill(0x0b);
    const salt = hexBytes('000102030405060708090a0b0c');
    const info = hexBytes('f0f1f2f3f4f5f6f7f8f9');
    const prk = hkdfExtract(salt, ikm);
    expect(toHexString(prk)).toBe(
      '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
    );
    expect(toHexString(hkdfExpand(prk, info, 42))).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  it('matches node:crypto hkdfSync for several lengths', () => {
    const ikm = bytesOf(32, 12);
    const salt = new TextEncoder().encode('bitcoin_v2_shared_secret\xfa\xbf\xb5\xda');
    for (const length of [1, 16, 32, 33, 64, 100]) {
      const info = bytesOf(length % 7, length);
      const expected = new Uint8Array(hkdfSync('sha256', ikm, salt, info, length));
      expect(toHexString(hkdfExpand(hkdfExtract(salt, ikm), info, length))).toBe(
        toHexString(expected),
      );
    }
  });
});
