/**
 * Bech32 (BIP173) and Bech32m (BIP350) strings, as Core's bech32.cpp, including its error
 * messages for strings that do not decode (LocateErrors), which `validateaddress` reports.
 */

export type Bech32Encoding = 'bech32' | 'bech32m';

export interface Bech32Decoded {
  encoding: Bech32Encoding;
  /** Lowercased human-readable part. */
  hrp: string;
  /** 5-bit values, checksum removed. */
  data: number[];
}

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const CHARSET_REV = new Map<string, number>();
for (let i = 0; i < 32; i++) {
  CHARSET_REV.set(CHARSET[i]!, i);
  CHARSET_REV.set(CHARSET[i]!.toUpperCase(), i);
}

/** The final XOR constant: 1 for Bech32, BIP350's M for Bech32m. */
const ENCODING_CONST: Record<Bech32Encoding, number> = { bech32: 1, bech32m: 0x2bc830a3 };
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
const CHECKSUM_SIZE = 6;
const SEPARATOR = '1';

/** Core's default character limit for a Bech32 string (BIP173's 90). */
export const BECH32_CHAR_LIMIT = 90;

/** BCH checksum remainder over GF(32), starting from `c` (1 for a real checksum). */
function polymod(values: readonly number[], c = 1): number {
  for (const v of values) {
    const top = c >>> 25;
    c = (((c & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) c = (c ^ GENERATOR[i]!) >>> 0;
  }
  return c;
}

function expandHrp(hrp: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) >> 5);
  out.push(0);
  for (let i = 0; i < hrp.length; i++) out.push(hrp.charCodeAt(i) & 31);
  return out;
}

/** Positions of characters outside 33..126, and of letters whose case differs from the first. */
function badCharacters(str: string): number[] {
  const errors: number[] = [];
  let lower = false;
  let upper = false;
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c >= 97 && c <= 122) {
      if (upper) errors.push(i);
      else lower = true;
    } else if (c >= 65 && c <= 90) {
      if (lower) errors.push(i);
      else upper = true;
    } else if (c < 33 || c > 126) errors.push(i);
  }
  return errors;
}

export function encodeBech32(
  encoding: Bech32Encoding,
  hrp: string,
  data: readonly number[],
): string {
  if (hrp !== hrp.toLowerCase()) throw new RangeError(`bech32: hrp must be lowercase: ${hrp}`);
  const enc = [...expandHrp(hrp), ...data, 0, 0, 0, 0, 0, 0];
  const mod = polymod(enc) ^ ENCODING_CONST[encoding];
  let out = hrp + SEPARATOR;
  for (const d of data) out += CHARSET[d]!;
  for (let i = 0; i < CHECKSUM_SIZE; i++) out += CHARSET[(mod >>> (5 * (5 - i))) & 31]!;
  return out;
}

/** Decodes a Bech32 or Bech32m string; undefined when it is neither. */
export function decodeBech32(str: string, limit = BECH32_CHAR_LIMIT): Bech32Decoded | undefined {
  if (str.length > limit || badCharacters(str).length > 0) return undefined;
  const pos = str.lastIndexOf(SEPARATOR);
  if (pos <= 0 || pos + CHECKSUM_SIZE >= str.length) return undefined;
  const values: number[] = [];
  for (let i = pos + 1; i < str.length; i++) {
    const v = CHARSET_REV.get(str[i]!);
    if (v === undefined) return undefined;
    values.push(v);
  }
  const hrp = str.slice(0, pos).toLowerCase();
  const check = polymod([...expandHrp(hrp), ...values]);
  let encoding: Bech32Encoding;
  if (check === ENCODING_CONST.bech32) encoding = 'bech32';
  else if (check === ENCODING_CONST.bech32m) encoding = 'bech32m';
  else return undefined;
  return { encoding, hrp, data: values.slice(0, values.length - CHECKSUM_SIZE) };
}

/** Regroups bits (Core's ConvertBits); undefined when `pad` is false and padding is invalid. */
export function convertBits(
  input: ArrayLike<number>,
  fromBits: number,
  toBits: number,
  pad: boolean,
): number[] | undefined {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  const maxv = (1 << toBits) - 1;
  for (let i = 0; i < input.length; i++) {
    acc = ((acc << fromBits) | input[i]!) & 0xffffff;
    bits += fromBits;
    while (bits >= toBits) {
      bits -= toBits;
      out.push((acc >> bits) & maxv);
    }
  }
  if (pad) {
    if (bits > 0) out.push((acc << (toBits - bits)) & maxv);
  } else if (bits >= fromBits || ((acc << (toBits - bits)) & maxv) !== 0) {
    return undefined;
  }
  return out;
}

export interface Bech32ErrorReport {
  /** Empty when the string is a valid Bech32/Bech32m string. */
  error: string;
  /** Character positions Core would point at (ascending). */
  locations: number[];
}

/**
 * Why a string is not valid Bech32(m), with Core's messages. For a bad checksum it locates up
 * to two substituted characters in the data part under each encoding and names the encoding
 * that explains the string with fewer errors ("Invalid Bech32 checksum" / "Invalid Bech32m
 * checksum"), or "Invalid checksum" when neither does. Core finds them by syndrome decoding;
 * here the (unique, the code having distance 5) solution of weight <= 2 is found by a table of
 * each single substitution's effect on the checksum residue, which gives the same answer.
 */
export function locateBech32Errors(str: string, limit = BECH32_CHAR_LIMIT): Bech32ErrorReport {
  if (str.length > limit) {
    const locations: number[] = [];
    for (let i = limit; i < str.length; i++) locations.push(i);
    return { error: 'Bech32 string too long', locations };
  }
  const bad = badCharacters(str);
  if (bad.length > 0) return { error: 'Invalid character or mixed case', locations: bad };
  const pos = str.lastIndexOf(SEPARATOR);
  if (pos === -1) return { error: 'Missing separator', locations: [] };
  if (pos === 0 || pos + CHECKSUM_SIZE >= str.length) {
    return { error: 'Invalid separator position', locations: [pos] };
  }
  const hrp = str.slice(0, pos).toLowerCase();
  const values: number[] = [];
  for (let i = pos + 1; i < str.length; i++) {
    const v = CHARSET_REV.get(str[i]!);
    if (v === undefined) return { error: 'Invalid Base 32 character', locations: [i] };
    values.push(v);
  }

  const length = values.length;
  // effect[d][e-1]: how XOR-ing e into the symbol d places from the end changes the residue.
  const effect: number[][] = [];
  const byEffect = new Map<number, [number, number]>();
  for (let d = 0; d < length; d++) {
    const row: number[] = [];
    for (let e = 1; e < 32; e++) {
      const r = polymod([e, ...new Array<number>(d).fill(0)], 0);
      row.push(r);
      byEffect.set(r, [d, e]);
    }
    effect.push(row);
  }

  const raw = polymod([...expandHrp(hrp), ...values]);
  let locations: number[] = [];
  let errorEncoding: Bech32Encoding | undefined;
  for (const encoding of ['bech32', 'bech32m'] as const) {
    const residue = (raw ^ ENCODING_CONST[encoding]) >>> 0;
    if (residue === 0) return { error: '', locations: [] };
    const possible = solveUpToTwo(residue, effect, byEffect, length, str.length);
    if (locations.length === 0 || (possible.length > 0 && possible.length < locations.length)) {
      locations = possible;
      if (locations.length > 0) errorEncoding = encoding;
    }
  }
  const error =
    errorEncoding === 'bech32m'
      ? 'Invalid Bech32m checksum'
      : errorEncoding === 'bech32'
        ? 'Invalid Bech32 checksum'
        : 'Invalid checksum';
  return { error, locations };
}

function solveUpToTwo(
  residue: number,
  effect: number[][],
  byEffect: Map<number, [number, number]>,
  length: number,
  strLength: number,
): number[] {
  const one = byEffect.get(residue);
  if (one !== undefined) return [strLength - one[0] - 1];
  for (let d1 = 0; d1 < length; d1++) {
    for (let e1 = 1; e1 < 32; e1++) {
      const other = byEffect.get((residue ^ effect[d1]![e1 - 1]!) >>> 0);
      if (other !== undefined && other[0] !== d1) {
        return [strLength - Math.max(d1, other[0]) - 1, strLength - Math.min(d1, other[0]) - 1];
      }
    }
  }
  return [];
}
