/**
 * WIF private keys (Core's EncodeSecret / DecodeSecret): Base58Check of the network's secret
 * prefix, the 32-byte key, and 0x01 when the public key is to be compressed.
 */
import { concatBytes } from './bytes.js';
import type { ChainParams } from './chainparams.js';
import { decodeBase58Check, encodeBase58Check } from './base58.js';

/** secp256k1 group order: a valid secret key is in 1..n-1 (Core's CKey::Check). */
export const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export interface DecodedSecret {
  key: Uint8Array;
  compressed: boolean;
}

type KeyParams = Pick<ChainParams, 'base58Prefixes'>;

export function isValidSecretKey(key: Uint8Array): boolean {
  if (key.length !== 32) return false;
  let v = 0n;
  for (const b of key) v = (v << 8n) | BigInt(b);
  return v > 0n && v < SECP256K1_ORDER;
}

/** Decodes a WIF string; undefined when it is not a valid key for this network. */
export function decodeSecret(str: string, params: KeyParams): DecodedSecret | undefined {
  const data = decodeBase58Check(str, 34);
  if (data === undefined || data[0] !== params.base58Prefixes.secret) return undefined;
  const compressed = data.length === 34 && data[33] === 1;
  if (data.length !== 33 && !compressed) return undefined;
  const key = data.slice(1, 33);
  if (!isValidSecretKey(key)) return undefined;
  return { key, compressed };
}

export function encodeSecret(key: Uint8Array, compressed: boolean, params: KeyParams): string {
  if (!isValidSecretKey(key))
    throw new RangeError('encodeSecret: not a valid secp256k1 secret key');
  const parts = [Uint8Array.of(params.base58Prefixes.secret), key];
  if (compressed) parts.push(Uint8Array.of(1));
  return encodeBase58Check(concatBytes(...parts));
}
