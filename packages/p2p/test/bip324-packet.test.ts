/**
 * BIP324 packet_encoding_test_vectors.csv: every row checks every intermediate the BIP gives
 * (both X coordinates, the shared X, the shared secret, the four keys, both garbage terminators,
 * the session id) and the ciphertext of the in_idx-th packet, after in_idx empty packets, as
 * the BIP's run_test_vectors.py does. The network magic is mainnet's (f9beb4d9), as in the
 * BIP's reference. Each row then decrypts its own stream (Core's self_decrypt mode).
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  V2Cipher,
  V2_EXPANSION,
  deriveV2Keys,
  ellswiftCreate,
  ellswiftDecode,
  ellswiftEcdhXOnly,
  v2Ecdh,
  xOnlyPublicKey,
} from '../src/bip324/index.js';
import { bigIntTo32Bytes } from '../src/bip324/field.js';
import { hexBytes, readBip324Csv, toHexString } from './helpers/bip324-vectors.js';

const MAINNET_MAGIC = hexBytes('f9beb4d9');
const rows = readBip324Csv('bip324_packet_encoding_test_vectors.csv');

afterAll(() => {
  console.log(`bip324 packet encoding vectors: ${rows.length} rows`);
});

function contentsOf(row: Record<string, string>): Uint8Array {
  const unit = hexBytes(row.in_contents!);
  const times = Number(row.in_multiply);
  const out = new Uint8Array(unit.length * times);
  for (let i = 0; i < times; i++) out.set(unit, i * unit.length);
  return out;
}

function cipherFor(row: Record<string, string>, selfDecrypt = false): V2Cipher {
  return new V2Cipher({
    privateKey: hexBytes(row.in_priv_ours!),
    ourEllswift: hexBytes(row.in_ellswift_ours!),
    theirEllswift: hexBytes(row.in_ellswift_theirs!),
    initiator: row.in_initiating === '1',
    magic: MAINNET_MAGIC,
    selfDecrypt,
  });
}

describe('BIP324 packet_encoding_test_vectors.csv', () => {
  it('has the 7 rows the vectors README lists', () => {
    expect(rows.length).toBe(7);
  });

  rows.forEach((row, index) => {
    const label = `row ${index}: packet ${row.in_idx}, ${row.in_initiating === '1' ? 'initiator' : 'responder'}, ${row.in_contents!.length / 2}x${row.in_multiply} bytes, aad ${row.in_aad!.length / 2} bytes, ignore=${row.in_ignore}`;

    it(`${label}: keys, terminators, session id, ciphertext`, () => {
      const priv = hexBytes(row.in_priv_ours!);
      const ours = hexBytes(row.in_ellswift_ours!);
      const theirs = hexBytes(row.in_ellswift_theirs!);
      const initiating = row.in_initiating === '1';

      expect(toHexString(xOnlyPublicKey(priv))).toBe(row.mid_x_ours);
      expect(toHexString(bigIntTo32Bytes(ellswiftDecode(ours)))).toBe(row.mid_x_ours);
      expect(toHexString(bigIntTo32Bytes(ellswiftDecode(theirs)))).toBe(row.mid_x_theirs);
      expect(toHexString(ellswiftEcdhXOnly(theirs, priv))).toBe(row.mid_x_shared);

      const secret = v2Ecdh(priv, theirs, ours, initiating);
      expect(toHexString(secret)).toBe(row.mid_shared_secret);

      const keys = deriveV2Keys(secret, MAINNET_MAGIC);
      expect(toHexString(keys.initiatorL)).toBe(row.mid_initiator_l);
      expect(toHexString(keys.initiatorP)).toBe(row.mid_initiator_p);
      expect(toHexString(keys.responderL)).toBe(row.mid_responder_l);
      expect(toHexString(keys.responderP)).toBe(row.mid_responder_p);
      expect(toHexString(keys.sessionId)).toBe(row.out_session_id);

      const cipher = cipherFor(row);
      expect(toHexString(cipher.sendGarbageTerminator)).toBe(row.mid_send_garbage_terminator);
      expect(toHexString(cipher.recvGarbageTerminator)).toBe(row.mid_recv_garbage_terminator);
      expect(toHexString(cipher.sessionId)).toBe(row.out_session_id);

      for (let i = 0; i < Number(row.in_idx); i++) cipher.encrypt(new Uint8Array(0));
      const contents = contentsOf(row);
      const packet = cipher.encrypt(contents, hexBytes(row.in_aad!), row.in_ignore === '1');
      expect(packet.length).toBe(contents.length + V2_EXPANSION);
      const hex = toHexString(packet);
      if (row.out_ciphertext!.length > 0) {
        expect(hex).toBe(row.out_ciphertext);
      } else {
        // Long packets are given by their last bytes only (vectors README).
        expect(row.out_ciphertext_endswith!.length).toBeGreaterThan(0);
        expect(hex.endsWith(row.out_ciphertext_endswith!)).toBe(true);
      }
    });

    it(`${label}: decrypts its own stream; tampering fails`, () => {
      const sender = cipherFor(row);
      const receiver = cipherFor(row, true);
      const aad = hexBytes(row.in_aad!);
      const contents = contentsOf(row);
      const idx = Number(row.in_idx);
      for (let i = 0; i <= idx; i++) {
        const last = i === idx;
        const body = last ? contents : Uint8Array.of(i & 0xff, i >> 8);
        const packet = sender.encrypt(
          body,
          last ? aad : new Uint8Array(0),
          last && row.in_ignore === '1',
        );
        expect(receiver.decryptLength(packet.subarray(0, 3))).toBe(body.length);
        const got = receiver.decrypt(packet.subarray(3), last ? aad : new Uint8Array(0));
        expect(got, `packet ${i}`).toBeDefined();
        expect(toHexString(got!.contents)).toBe(toHexString(body));
        expect(got!.ignore).toBe(last && row.in_ignore === '1');
      }

      // The stream stays in step after a rekey-crossing run: one more packet still decrypts.
      const next = sender.encrypt(Uint8Array.of(1, 2, 3));
      expect(receiver.decryptLength(next.subarray(0, 3))).toBe(3);
      expect(toHexString(receiver.decrypt(next.subarray(3))!.contents)).toBe('010203');

      // A flipped bit anywhere in the AEAD part, or other AAD, fails authentication.
      const packet0 = cipherFor(row).encrypt(contents, aad);
      const fresh = (): V2Cipher => {
        const c = cipherFor(row, true);
        expect(c.decryptLength(packet0.subarray(0, 3))).toBe(contents.length);
        return c;
      };
      for (const at of [3, 4, packet0.length - 1]) {
        const bad = packet0.slice(3);
        bad[at - 3]! ^= 0x01;
        expect(fresh().decrypt(bad, aad), `bit flipped at ${at}`).toBeUndefined();
      }
      expect(fresh().decrypt(packet0.subarray(3), Uint8Array.of(0))).toBeUndefined();
      expect(fresh().decrypt(packet0.subarray(3), aad)).toBeDefined();
    });
  });
});

describe('V2Cipher between two parties', () => {
  const regtestMagic = hexBytes('fabfb5da');
  const privA = hexBytes('0f69aeffeff6172647ee5aa80bfb418ee742f4e9f1a51b463ac7c120d620e37d');
  const privB = hexBytes('c0f15820459f64d98e5c48681d13340572c574533dd9f7161b85fcc8224fdf30');
  const ellA = ellswiftCreate(privA, new Uint8Array(32).fill(0xaa));
  const ellB = ellswiftCreate(privB, new Uint8Array(32).fill(0xbb));
  const make = (magic: Uint8Array): [V2Cipher, V2Cipher] => [
    new V2Cipher({
      privateKey: privA,
      ourEllswift: ellA,
      theirEllswift: ellB,
      initiator: true,
      magic,
    }),
    new V2Cipher({
      privateKey: privB,
      ourEllswift: ellB,
      theirEllswift: ellA,
      initiator: false,
      magic,
    }),
  ];

  it('agree on session id and terminators, and talk both ways across rekeys', () => {
    const [a, b] = make(regtestMagic);
    expect(toHexString(a.sessionId)).toBe(toHexString(b.sessionId));
    expect(toHexString(a.sendGarbageTerminator)).toBe(toHexString(b.recvGarbageTerminator));
    expect(toHexString(a.recvGarbageTerminator)).toBe(toHexString(b.sendGarbageTerminator));
    for (let i = 0; i < 500; i++) {
      const [from, to] = i % 3 === 0 ? [b, a] : [a, b];
      const body = new Uint8Array(i % 300).fill(i & 0xff);
      const packet = from.encrypt(body, new Uint8Array(0), i % 7 === 0);
      expect(to.decryptLength(packet.subarray(0, 3))).toBe(body.length);
      const got = to.decrypt(packet.subarray(3));
      expect(got, `packet ${i}`).toBeDefined();
      expect(got!.ignore).toBe(i % 7 === 0);
      expect(toHexString(got!.contents)).toBe(toHexString(body));
    }
  });

  it('derives different keys on another network', () => {
    const [a] = make(regtestMagic);
    const [m] = make(MAINNET_MAGIC);
    expect(toHexString(a.sessionId)).not.toBe(toHexString(m.sessionId));
  });

  it('names a missing argument, and refuses contents over 2^24-1 bytes', () => {
    expect(
      () =>
        new V2Cipher({
          privateKey: privA,
          ourEllswift: ellA,
          theirEllswift: undefined as unknown as Uint8Array,
          initiator: true,
          magic: regtestMagic,
        }),
    ).toThrow(/theirEllswift/);
    const [a] = make(regtestMagic);
    expect(() => a.encrypt(new Uint8Array(2 ** 24))).toThrow(RangeError);
  });
});
