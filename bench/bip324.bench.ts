/**
 * BIP324 figures: whole v2 packets (length + AEAD, as V2Cipher builds them) encrypted by one
 * side and decrypted by the other, for 1 KiB and 64 KiB contents; ElligatorSwift x-only ECDH
 * and ellswift_create per second (bigint field arithmetic, see packages/p2p/README.md).
 * node:crypto's OpenSSL ChaCha20-Poly1305 on the same sizes is printed as a yardstick.
 */
import { createCipheriv } from 'node:crypto';
import { V2Cipher, ellswiftCreate, ellswiftEcdhXOnly } from '../packages/p2p/src/bip324/index.js';
import type { Report } from './run.js';

function timeIt(minMs: number, fn: () => void): number {
  fn();
  const start = performance.now();
  let ops = 0;
  while (performance.now() - start < minMs) {
    fn();
    ops++;
  }
  return (ops * 1000) / (performance.now() - start);
}

export async function run(report: Report): Promise<void> {
  const privA = new Uint8Array(32).fill(0x11);
  const privB = new Uint8Array(32).fill(0x22);
  const ellA = ellswiftCreate(privA, new Uint8Array(32).fill(1));
  const ellB = ellswiftCreate(privB, new Uint8Array(32).fill(2));
  const magic = Uint8Array.of(0xfa, 0xbf, 0xb5, 0xda);
  const a = new V2Cipher({
    privateKey: privA,
    ourEllswift: ellA,
    theirEllswift: ellB,
    initiator: true,
    magic,
  });
  const b = new V2Cipher({
    privateKey: privB,
    ourEllswift: ellB,
    theirEllswift: ellA,
    initiator: false,
    magic,
  });

  for (const size of [1024, 65536]) {
    const contents = new Uint8Array(size).fill(7);
    const perSec = timeIt(1500, () => {
      const packet = a.encrypt(contents);
      b.decryptLength(packet.subarray(0, 3));
      if (b.decrypt(packet.subarray(3)) === undefined) throw new Error('decrypt failed');
    });
    report(
      `v2 packet enc+dec ${size / 1024} KiB`,
      Math.round(perSec),
      'packets/s',
      `${((perSec * size) / 1e6).toFixed(1)} MB/s`,
    );
  }

  for (const size of [1024, 65536]) {
    const key = new Uint8Array(32).fill(3);
    const nonce = new Uint8Array(12);
    const data = new Uint8Array(size);
    const perSec = timeIt(1000, () => {
      const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
      c.update(data);
      c.final();
      c.getAuthTag();
    });
    report(
      `openssl aead encrypt ${size / 1024} KiB (yardstick)`,
      Math.round(perSec),
      'ops/s',
      `${((perSec * size) / 1e6).toFixed(1)} MB/s`,
    );
  }

  report(
    'ellswift x-only ECDH',
    Math.round(timeIt(2000, () => ellswiftEcdhXOnly(ellB, privA))),
    'ops/s',
  );
  let n = 0;
  const aux = new Uint8Array(32);
  report(
    'ellswift_create',
    Math.round(
      timeIt(2000, () => {
        aux[0] = n++ & 0xff;
        ellswiftCreate(privA, aux);
      }),
    ),
    'ops/s',
  );
  report(
    'V2Cipher setup (ECDH + HKDF)',
    Math.round(
      timeIt(
        2000,
        () =>
          new V2Cipher({
            privateKey: privA,
            ourEllswift: ellA,
            theirEllswift: ellB,
            initiator: true,
            magic,
          }),
      ),
    ),
    'ops/s',
  );
}
