/**
 * Output descriptor basics (Core's script/descriptor.cpp, doc/descriptors.md): the checksum,
 * and the two key-less forms `addr(ADDRESS)` and `raw(HEX)`. Key expressions (pkh, wpkh, tr,
 * ...) belong to the wallet's descriptor parser.
 */
import { isHex, fromHex, toHex } from './bytes.js';
import type { ChainParams } from './chainparams.js';
import { decodeAddress, encodeAddress } from './address.js';

/**
 * The characters a descriptor may contain, in groups of 32: the position within a group is
 * one symbol, the group number another (so case changes and common typos are caught).
 */
const INPUT_CHARSET =
  "0123456789()[],'/*abcdefgh@:$%{}" +
  'IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~' +
  'ijklmnopqrstuvwxyzABCDEFGH`#"\\ ';
const CHECKSUM_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

/** The degree-8 BCH code over GF(32) that Core's descriptor checksum uses. */
function polyMod(c: bigint, val: number): bigint {
  const c0 = c >> 35n;
  c = ((c & 0x7ffffffffn) << 5n) ^ BigInt(val);
  if (c0 & 1n) c ^= 0xf5dee51989n;
  if (c0 & 2n) c ^= 0xa9fdca3312n;
  if (c0 & 4n) c ^= 0x1bab10e32dn;
  if (c0 & 8n) c ^= 0x3706b1677an;
  if (c0 & 16n) c ^= 0x644d626ffdn;
  return c;
}

/** Core's DescriptorChecksum: 8 characters, or undefined if `desc` has a character outside the set. */
export function descriptorChecksum(desc: string): string | undefined {
  let c = 1n;
  let cls = 0;
  let clsCount = 0;
  for (const ch of desc) {
    const pos = INPUT_CHARSET.indexOf(ch);
    if (pos === -1) return undefined;
    c = polyMod(c, pos & 31);
    cls = cls * 3 + (pos >> 5);
    if (++clsCount === 3) {
      c = polyMod(c, cls);
      cls = 0;
      clsCount = 0;
    }
  }
  if (clsCount > 0) c = polyMod(c, cls);
  for (let j = 0; j < 8; j++) c = polyMod(c, 0);
  c ^= 1n;
  let out = '';
  for (let j = 0; j < 8; j++) out += CHECKSUM_CHARSET[Number((c >> BigInt(5 * (7 - j))) & 31n)]!;
  return out;
}

export type DescriptorResult<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Splits off and verifies an optional `#checksum` (Core's CheckChecksum); returns the payload.
 * `requireChecksum` is what `importdescriptors` / `deriveaddresses` ask for.
 */
export function checkDescriptorChecksum(
  desc: string,
  requireChecksum = false,
): DescriptorResult<string> {
  const parts = desc.split('#');
  if (parts.length > 2) return { ok: false, error: "Multiple '#' symbols" };
  if (parts.length === 1 && requireChecksum) return { ok: false, error: 'Missing checksum' };
  if (parts.length === 2 && parts[1]!.length !== 8) {
    return {
      ok: false,
      error: `Expected 8 character checksum, not ${parts[1]!.length} characters`,
    };
  }
  const payload = parts[0]!;
  const computed = descriptorChecksum(payload);
  if (computed === undefined) return { ok: false, error: 'Invalid characters in payload' };
  if (parts.length === 2 && parts[1] !== computed) {
    return {
      ok: false,
      error: `Provided checksum '${parts[1]}' does not match computed checksum '${computed}'`,
    };
  }
  return { ok: true, value: payload };
}

export interface ParsedDescriptor {
  kind: 'addr' | 'raw';
  scriptPubKey: Uint8Array;
  /** The canonical form without checksum (Core's ToString). */
  canonical: string;
}

/** Parses `addr(ADDRESS)` or `raw(HEX)`, with or without a checksum. */
export function parseDescriptor(
  desc: string,
  params: Pick<ChainParams, 'bech32Hrp' | 'base58Prefixes'>,
  requireChecksum = false,
): DescriptorResult<ParsedDescriptor> {
  const checked = checkDescriptorChecksum(desc, requireChecksum);
  if (!checked.ok) return checked;
  const body = checked.value;

  const inner = (name: string): string | undefined =>
    body.startsWith(name + '(') && body.endsWith(')') ? body.slice(name.length + 1, -1) : undefined;

  const addr = inner('addr');
  if (addr !== undefined) {
    const decoded = decodeAddress(addr, params);
    if (!decoded.ok) return { ok: false, error: 'Address is not valid' };
    const canonical = `addr(${encodeAddress(decoded.scriptPubKey, params)!})`;
    return { ok: true, value: { kind: 'addr', scriptPubKey: decoded.scriptPubKey, canonical } };
  }
  const raw = inner('raw');
  if (raw !== undefined) {
    if (!isHex(raw)) return { ok: false, error: 'Raw script is not hex' };
    const script = fromHex(raw);
    return {
      ok: true,
      value: { kind: 'raw', scriptPubKey: script, canonical: `raw(${toHex(script)})` },
    };
  }
  const fn = /^([a-z_]+)\(/.exec(body)?.[1];
  return {
    ok: false,
    error:
      fn === undefined
        ? `'${body}' is not a valid descriptor function`
        : `'${fn}(...)' descriptors are not supported here (only addr() and raw())`,
  };
}

/** The descriptor with its checksum appended (Core's AddChecksum). */
export function addDescriptorChecksum(desc: string): string {
  const c = descriptorChecksum(desc);
  if (c === undefined) throw new RangeError('descriptor has characters outside the checksum set');
  return `${desc}#${c}`;
}

export interface DescriptorInfo {
  descriptor: string;
  checksum: string;
  isrange: boolean;
  issolvable: boolean;
  hasprivatekeys: boolean;
}

/**
 * `getdescriptorinfo` for addr()/raw(): the canonical descriptor with checksum, and the checksum
 * of the input as given (Core reports the checksum of the string it was passed, minus any
 * '#...'). Neither form is ranged, solvable, or holds private keys.
 */
export function getDescriptorInfo(
  desc: string,
  params: Pick<ChainParams, 'bech32Hrp' | 'base58Prefixes'>,
): DescriptorResult<DescriptorInfo> {
  const parsed = parseDescriptor(desc, params);
  if (!parsed.ok) return parsed;
  const payload = desc.split('#')[0]!;
  return {
    ok: true,
    value: {
      descriptor: addDescriptorChecksum(parsed.value.canonical),
      checksum: descriptorChecksum(payload)!,
      isrange: false,
      issolvable: false,
      hasprivatekeys: false,
    },
  };
}
