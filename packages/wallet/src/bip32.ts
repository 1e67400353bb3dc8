/**
 * BIP32 hierarchical deterministic keys: master key from a seed, private and public child
 * derivation, and the Base58Check serialization (xprv/xpub on main, tprv/tpub on the test
 * networks). Core's CExtKey / CExtPubKey.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import {
  concatBytes,
  decodeBase58Check,
  encodeBase58Check,
  hash160,
  isValidSecretKey,
} from '@bitcoind-lite/consensus';
import { addTweakToPubkey, bigIntTo32, bytesToBigInt, CURVE_ORDER, pubkeyOf } from './secp.js';

export const HARDENED = 0x80000000;

/** BIP32 version bytes. */
export const XPRV_MAIN = 0x0488ade4;
export const XPUB_MAIN = 0x0488b21e;
export const XPRV_TEST = 0x04358394;
export const XPUB_TEST = 0x043587cf;

export class ExtendedKey {
  private cachedPub: Uint8Array | undefined;

  private constructor(
    readonly depth: number,
    readonly parentFingerprint: Uint8Array,
    readonly childNumber: number,
    readonly chainCode: Uint8Array,
    /** The 32-byte secret, absent for a public-only (neutered) key. */
    readonly secret: Uint8Array | undefined,
    pubkey: Uint8Array | undefined,
  ) {
    this.cachedPub = pubkey;
  }

  /** BIP32 "Master key generation": I = HMAC-SHA512("Bitcoin seed", S). */
  static fromSeed(seed: Uint8Array): ExtendedKey {
    if (seed.length < 16 || seed.length > 64) {
      throw new RangeError(`fromSeed: seed must be 16..64 bytes, got ${seed.length}`);
    }
    const i = hmac(sha512, new TextEncoder().encode('Bitcoin seed'), seed);
    const key = i.slice(0, 32);
    if (!isValidSecretKey(key))
      throw new RangeError('fromSeed: invalid master key, use another seed');
    return new ExtendedKey(0, new Uint8Array(4), 0, i.slice(32), key, undefined);
  }

  get isPrivate(): boolean {
    return this.secret !== undefined;
  }

  get pubkey(): Uint8Array {
    this.cachedPub ??= pubkeyOf(this.secret!);
    return this.cachedPub;
  }

  /** The first 4 bytes of HASH160 of the public key (BIP32 "Key identifiers"). */
  fingerprint(): Uint8Array {
    return hash160(this.pubkey).slice(0, 4);
  }

  neutered(): ExtendedKey {
    return new ExtendedKey(
      this.depth,
      this.parentFingerprint,
      this.childNumber,
      this.chainCode,
      undefined,
      this.pubkey,
    );
  }

  /**
   * CKDpriv / CKDpub. A hardened index needs the secret. The rare invalid child (IL >= n or a
   * zero key) throws, as BIP32 says to proceed with the next index; the wallet never hits it in
   * practice and a descriptor cannot skip indexes.
   */
  derive(index: number): ExtendedKey {
    const hardened = index >= HARDENED;
    if (hardened && this.secret === undefined) {
      throw new RangeError('derive: hardened derivation needs a private key');
    }
    const data = new Uint8Array(37);
    if (hardened) data.set(this.secret!, 1);
    else data.set(this.pubkey, 0);
    new DataView(data.buffer).setUint32(33, index >>> 0, false);
    const i = hmac(sha512, this.chainCode, data);
    const il = bytesToBigInt(i.subarray(0, 32));
    if (il >= CURVE_ORDER) throw new RangeError(`derive: invalid child ${index}`);
    const chainCode = i.slice(32);
    const fp = this.fingerprint();
    if (this.secret !== undefined) {
      const k = (il + bytesToBigInt(this.secret)) % CURVE_ORDER;
      if (k === 0n) throw new RangeError(`derive: invalid child ${index}`);
      return new ExtendedKey(this.depth + 1, fp, index >>> 0, chainCode, bigIntTo32(k), undefined);
    }
    const pub = addTweakToPubkey(this.pubkey, il);
    if (pub === undefined) throw new RangeError(`derive: invalid child ${index}`);
    return new ExtendedKey(this.depth + 1, fp, index >>> 0, chainCode, undefined, pub);
  }

  derivePath(path: readonly number[]): ExtendedKey {
    let k: ExtendedKey = this;
    for (const i of path) k = k.derive(i);
    return k;
  }

  /** Base58Check of the 78-byte BIP32 serialization. */
  toBase58(mainnet: boolean, asPrivate = this.isPrivate): string {
    if (asPrivate && this.secret === undefined) throw new TypeError('toBase58: no private key');
    const version = asPrivate ? (mainnet ? XPRV_MAIN : XPRV_TEST) : mainnet ? XPUB_MAIN : XPUB_TEST;
    const out = new Uint8Array(78);
    const view = new DataView(out.buffer);
    view.setUint32(0, version, false);
    out[4] = this.depth;
    out.set(this.parentFingerprint, 5);
    view.setUint32(9, this.childNumber, false);
    out.set(this.chainCode, 13);
    if (asPrivate) out.set(this.secret!, 46);
    else out.set(this.pubkey, 45);
    return encodeBase58Check(out);
  }

  /** Parses an xprv/xpub/tprv/tpub; undefined when malformed or for the wrong network. */
  static fromBase58(s: string, mainnet: boolean): ExtendedKey | undefined {
    const b = decodeBase58Check(s, 78);
    if (b === undefined || b.length !== 78) return undefined;
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const version = view.getUint32(0, false);
    const [prv, pub] = mainnet ? [XPRV_MAIN, XPUB_MAIN] : [XPRV_TEST, XPUB_TEST];
    const depth = b[4]!;
    const fp = b.slice(5, 9);
    const child = view.getUint32(9, false);
    const chainCode = b.slice(13, 45);
    if (version === prv) {
      const key = b.slice(46, 78);
      if (b[45] !== 0 || !isValidSecretKey(key)) return undefined;
      return new ExtendedKey(depth, fp, child, chainCode, key, undefined);
    }
    if (version === pub) {
      const key = b.slice(45, 78);
      if (key[0] !== 2 && key[0] !== 3) return undefined;
      try {
        addTweakToPubkey(key, 1n); // on-curve check
      } catch {
        return undefined;
      }
      return new ExtendedKey(depth, fp, child, chainCode, undefined, key);
    }
    return undefined;
  }
}

/** "84h/1h/0h/0" -> indexes; `h` or `'` marks hardened steps. */
export function parseKeyPath(text: string): number[] | undefined {
  if (text === '') return [];
  const out: number[] = [];
  for (const part of text.split('/')) {
    const m = /^(\d+)(['h]?)$/.exec(part);
    if (!m) return undefined;
    const n = Number(m[1]);
    if (n >= HARDENED) return undefined;
    out.push(m[2] ? n + HARDENED : n);
  }
  return out;
}

/** Indexes -> "84h/1h/0h" (Core's FormatHDKeypath with the `h` marker). */
export function formatKeyPath(path: readonly number[]): string {
  return path.map((i) => (i >= HARDENED ? `${i - HARDENED}h` : String(i))).join('/');
}
