/**
 * The wallet's ranged single-key descriptors (Core's DescriptorScriptPubKeyMan over a
 * BIP32PubkeyProvider): `wpkh(KEY/path/*)` for bech32 (BIP84) and `tr(KEY/path/*)` for bech32m
 * key-path-only taproot (BIP86). Strings follow Core's descriptor forms: the private form keeps
 * the master key and the whole path; the public form is Core's normalized one, with the
 * hardened prefix moved into the key origin `[fingerprint/84h/1h/0h]` and the account xpub.
 */
import {
  addDescriptorChecksum,
  checkDescriptorChecksum,
  hash160,
  p2trScript,
  p2wpkhScript,
  toHex,
} from '@bitcoind-lite/consensus';
import { ExtendedKey, formatKeyPath, HARDENED, parseKeyPath } from './bip32.js';
import { taprootOutputKey } from './secp.js';

export type DescriptorType = 'wpkh' | 'tr';

/** A key derived from a descriptor at one index, with what Core's signing provider knows. */
export interface DerivedKey {
  index: number;
  pubkey: Uint8Array;
  scriptPubKey: Uint8Array;
  /** The full path from the origin's master key (Core's hdkeypath). */
  path: number[];
  /** Present when the descriptor holds private keys. */
  secret: Uint8Array | undefined;
}

export class WalletDescriptor {
  private accountKey: ExtendedKey | undefined;

  private constructor(
    readonly type: DescriptorType,
    /** The key as written: a master key (depth 0) or a key with a known origin. */
    readonly key: ExtendedKey,
    /** The origin of `key`: master fingerprint and path to it; empty for a master key. */
    readonly originFingerprint: Uint8Array,
    readonly originPath: number[],
    /** Steps after `key`, before the `*`. */
    readonly path: number[],
    readonly mainnet: boolean,
  ) {}

  /** A fresh BIP84/BIP86 descriptor for account 0: `TYPE(master/purpose'/coin'/0'/internal/*)`. */
  static fromMaster(
    type: DescriptorType,
    master: ExtendedKey,
    mainnet: boolean,
    internal: boolean,
  ): WalletDescriptor {
    const purpose = type === 'wpkh' ? 84 : 86;
    const coin = mainnet ? 0 : 1;
    const path = [purpose + HARDENED, coin + HARDENED, HARDENED, internal ? 1 : 0];
    return new WalletDescriptor(type, master, master.fingerprint(), [], path, mainnet);
  }

  /**
   * Parses `wpkh(...)` / `tr(...)` with one ranged BIP32 key and an optional origin and
   * checksum. Other descriptor forms are refused with a message naming what is supported.
   */
  static parse(text: string, mainnet: boolean): WalletDescriptor {
    const checked = checkDescriptorChecksum(text);
    if (!checked.ok) throw new RangeError(checked.error);
    const m =
      /^(wpkh|tr)\((?:\[([0-9a-f]{8})((?:\/\d+['h]?)*)\])?([1-9A-HJ-NP-Za-km-z]+)((?:\/\d+['h]?)*)\/\*\)$/.exec(
        checked.value,
      );
    if (!m) throw new RangeError(`unsupported descriptor (only ranged wpkh() and tr() keys)`);
    const key = ExtendedKey.fromBase58(m[4]!, mainnet);
    if (key === undefined) throw new RangeError(`key '${m[4]}' is not valid`);
    const originPath = parseKeyPath((m[3] ?? '').slice(1));
    const path = parseKeyPath(m[5]!.slice(1));
    if (originPath === undefined || path === undefined) throw new RangeError('bad key path');
    const fp = m[2] ? Uint8Array.from(Buffer.from(m[2], 'hex')) : key.fingerprint();
    return new WalletDescriptor(
      m[1] as DescriptorType,
      key,
      fp,
      m[2] ? originPath : [],
      path,
      mainnet,
    );
  }

  get hasPrivateKeys(): boolean {
    return this.key.isPrivate;
  }

  /** The key at the end of `path`, cached: every index derives one step from it. */
  private parent(): ExtendedKey {
    this.accountKey ??= this.key.derivePath(this.path);
    return this.accountKey;
  }

  derive(index: number): DerivedKey {
    const child = this.parent().derive(index);
    const pubkey = child.pubkey;
    const scriptPubKey =
      this.type === 'wpkh' ? p2wpkhScript(hash160(pubkey)) : p2trScript(taprootOutputKey(pubkey));
    return {
      index,
      pubkey,
      scriptPubKey,
      path: [...this.originPath, ...this.path, index],
      secret: child.secret,
    };
  }

  /** The master fingerprint as hex (Core's hdmasterfingerprint). */
  masterFingerprintHex(): string {
    return toHex(this.originFingerprint);
  }

  private origin(path: readonly number[]): string {
    const p = formatKeyPath(path);
    return `[${toHex(this.originFingerprint)}${p ? '/' + p : ''}]`;
  }

  /** Core's ToPrivateString: the key as given, with its secret; with checksum. */
  toPrivateString(): string {
    if (!this.key.isPrivate) throw new TypeError('toPrivateString: descriptor has no private keys');
    const origin = this.originPath.length > 0 ? this.origin(this.originPath) : '';
    return addDescriptorChecksum(
      `${this.type}(${origin}${this.key.toBase58(this.mainnet, true)}${this.tail(this.path)})`,
    );
  }

  /**
   * Core's ToNormalizedString: the hardened steps go into the origin and the key becomes the
   * xpub at the last hardened step, so the string holds no secret and derives the same scripts.
   */
  toPublicString(): string {
    let lastHardened = -1;
    this.path.forEach((s, i) => {
      if (s >= HARDENED) lastHardened = i;
    });
    const hardened = this.path.slice(0, lastHardened + 1);
    const rest = this.path.slice(lastHardened + 1);
    const fullOrigin = [...this.originPath, ...hardened];
    const key = this.key.derivePath(hardened);
    const origin = fullOrigin.length > 0 ? this.origin(fullOrigin) : '';
    return addDescriptorChecksum(
      `${this.type}(${origin}${key.toBase58(this.mainnet, false)}${this.tail(rest)})`,
    );
  }

  private tail(path: readonly number[]): string {
    const p = formatKeyPath(path);
    return `${p ? '/' + p : ''}/*`;
  }

  /** The single-key descriptor of one derived script, as getaddressinfo's `desc` shows it. */
  inferredString(d: DerivedKey): string {
    const key = this.type === 'tr' ? toHex(d.pubkey.subarray(1)) : toHex(d.pubkey);
    return addDescriptorChecksum(`${this.type}(${this.origin(d.path)}${key})`);
  }
}
