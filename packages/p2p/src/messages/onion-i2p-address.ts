/**
 * Text forms of Tor v3 and I2P addresses, as Core's CNetAddr::ToStringAddr and SetSpecial:
 * Tor v3 is base32(pubkey || checksum || version) + ".onion", with checksum the first two bytes
 * of SHA3-256(".onion checksum" || pubkey || version) and version 3 (rend-spec-v3 §6); I2P is
 * base32(the 32-byte destination hash) + ".b32.i2p". Base32 is RFC 4648's alphabet, lowercase,
 * without padding.
 */
import { createHash } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const TORV3_VERSION = 3;

export function base32Encode(data: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Uint8Array | undefined {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text.toLowerCase()) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return undefined;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

function torV3Checksum(pubkey: Uint8Array): Uint8Array {
  const h = createHash('sha3-256');
  h.update('.onion checksum');
  h.update(pubkey);
  h.update(Uint8Array.of(TORV3_VERSION));
  return new Uint8Array(h.digest()).subarray(0, 2);
}

export function formatTorV3(pubkey: Uint8Array): string {
  const body = new Uint8Array(35);
  body.set(pubkey, 0);
  body.set(torV3Checksum(pubkey), 32);
  body[34] = TORV3_VERSION;
  return `${base32Encode(body)}.onion`;
}

/** The 32-byte public key of a valid Tor v3 ".onion" name; undefined otherwise. */
export function parseTorV3(host: string): Uint8Array | undefined {
  const m = /^([a-z2-7]{56})\.onion$/i.exec(host);
  if (!m) return undefined;
  const body = base32Decode(m[1]!);
  if (body === undefined || body.length !== 35 || body[34] !== TORV3_VERSION) return undefined;
  const pubkey = body.subarray(0, 32);
  const sum = torV3Checksum(pubkey);
  if (body[32] !== sum[0] || body[33] !== sum[1]) return undefined;
  return pubkey.slice();
}

export function formatI2p(hash: Uint8Array): string {
  return `${base32Encode(hash)}.b32.i2p`;
}

/** The 32-byte hash of a ".b32.i2p" name; undefined otherwise. */
export function parseI2p(host: string): Uint8Array | undefined {
  const m = /^([a-z2-7]{52})\.b32\.i2p$/i.exec(host);
  if (!m) return undefined;
  const hash = base32Decode(m[1]!);
  return hash !== undefined && hash.length === 32 ? hash : undefined;
}
