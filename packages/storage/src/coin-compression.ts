/**
 * Core's compact encodings for stored outputs (compressor.h / compressor.cpp), written from the
 * description of the scheme:
 *
 * - amounts: trailing decimal zeros folded into an exponent, so round values take 1-3 bytes;
 * - scripts: six special forms (0 = P2PKH hash160, 1 = P2SH hash160, 2/3 = P2PK with a compressed
 *   key, 4/5 = P2PK with an uncompressed key stored as its x coordinate and y parity); any other
 *   script is VARINT(size + 6) followed by its bytes.
 *
 * Used by the chainstate's coins ('C' records) and by undo data.
 */
import { StorageReader, pushBytes, writeVarInt } from './varint.js';

/** A transaction output as the stores see it (structurally the consensus `TxOut`). */
export interface StoredTxOut {
  value: bigint;
  scriptPubKey: Uint8Array;
}

/** Core's MAX_SCRIPT_SIZE: larger scripts are stored as OP_RETURN (they are unspendable). */
const MAX_SCRIPT_SIZE = 10_000;
const SPECIAL_SCRIPTS = 6;
const OP_DUP = 0x76;
const OP_HASH160 = 0xa9;
const OP_EQUAL = 0x87;
const OP_EQUALVERIFY = 0x88;
const OP_CHECKSIG = 0xac;
const OP_RETURN = 0x6a;

export function compressAmount(value: bigint): bigint {
  let n = value;
  if (n === 0n) return 0n;
  let e = 0n;
  while (n % 10n === 0n && e < 9n) {
    n /= 10n;
    e++;
  }
  if (e < 9n) {
    const d = n % 10n;
    n /= 10n;
    return 1n + (n * 9n + d - 1n) * 10n + e;
  }
  return 1n + (n - 1n) * 10n + 9n;
}

export function decompressAmount(compressed: bigint): bigint {
  let x = compressed;
  if (x === 0n) return 0n;
  x--;
  let e = x % 10n;
  x /= 10n;
  let n: bigint;
  if (e < 9n) {
    const d = (x % 9n) + 1n;
    x /= 9n;
    n = x * 10n + d;
  } else {
    n = x + 1n;
  }
  while (e > 0n) {
    n *= 10n;
    e--;
  }
  return BigInt.asUintN(64, n);
}

// secp256k1 field arithmetic, only to validate an uncompressed key and to recover y from x.
const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;

function modPow(base: bigint, exp: bigint): bigint {
  let result = 1n;
  let b = base % P;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return result;
}

function toBig(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = 0; i < b.length; i++) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

function fromBig(v: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Whether a 65-byte 0x04 key is a point on the curve (Core's CPubKey::IsFullyValid). */
function isValidUncompressedKey(key: Uint8Array): boolean {
  const x = toBig(key.subarray(1, 33));
  const y = toBig(key.subarray(33, 65));
  if (x >= P || y >= P) return false;
  return (y * y) % P === (modPow(x, 3n) + 7n) % P;
}

/** y from x and parity; undefined when x is not on the curve. */
function decompressKey(x32: Uint8Array, odd: boolean): Uint8Array | undefined {
  const x = toBig(x32);
  if (x >= P) return undefined;
  const rhs = (modPow(x, 3n) + 7n) % P;
  let y = modPow(rhs, (P + 1n) / 4n);
  if ((y * y) % P !== rhs) return undefined;
  if ((y & 1n) === 1n) {
    if (!odd) y = P - y;
  } else if (odd) y = P - y;
  const out = new Uint8Array(65);
  out[0] = 4;
  out.set(x32, 1);
  out.set(fromBig(y, 32), 33);
  return out;
}

/** The special form of a script, or undefined when it is stored raw. */
function compressScript(s: Uint8Array): Uint8Array | undefined {
  if (
    s.length === 25 &&
    s[0] === OP_DUP &&
    s[1] === OP_HASH160 &&
    s[2] === 20 &&
    s[23] === OP_EQUALVERIFY &&
    s[24] === OP_CHECKSIG
  ) {
    const out = new Uint8Array(21);
    out.set(s.subarray(3, 23), 1);
    return out;
  }
  if (s.length === 23 && s[0] === OP_HASH160 && s[1] === 20 && s[22] === OP_EQUAL) {
    const out = new Uint8Array(21);
    out[0] = 1;
    out.set(s.subarray(2, 22), 1);
    return out;
  }
  if (s.length === 35 && s[0] === 33 && s[34] === OP_CHECKSIG && (s[1] === 2 || s[1] === 3)) {
    return s.slice(1, 34);
  }
  if (s.length === 67 && s[0] === 65 && s[66] === OP_CHECKSIG && s[1] === 4) {
    if (!isValidUncompressedKey(s.subarray(1, 66))) return undefined;
    const out = new Uint8Array(33);
    out[0] = 4 | (s[65]! & 1);
    out.set(s.subarray(2, 34), 1);
    return out;
  }
  return undefined;
}

export function writeCompressedScript(out: number[], script: Uint8Array): void {
  const special = compressScript(script);
  if (special !== undefined) {
    pushBytes(out, special);
    return;
  }
  writeVarInt(out, script.length + SPECIAL_SCRIPTS);
  pushBytes(out, script);
}

export function readCompressedScript(r: StorageReader): Uint8Array {
  const size = r.varInt();
  if (size === 0 || size === 1) {
    const h = r.bytesN(20);
    const s = new Uint8Array(size === 0 ? 25 : 23);
    if (size === 0) {
      s.set([OP_DUP, OP_HASH160, 20]);
      s.set(h, 3);
      s[23] = OP_EQUALVERIFY;
      s[24] = OP_CHECKSIG;
    } else {
      s.set([OP_HASH160, 20]);
      s.set(h, 2);
      s[22] = OP_EQUAL;
    }
    return s;
  }
  if (size === 2 || size === 3) {
    const s = new Uint8Array(35);
    s[0] = 33;
    s[1] = size;
    s.set(r.bytesN(32), 2);
    s[34] = OP_CHECKSIG;
    return s;
  }
  if (size === 4 || size === 5) {
    const key = decompressKey(r.bytesN(32), size === 5);
    if (key === undefined) throw new RangeError('compressed script: key not on the curve');
    const s = new Uint8Array(67);
    s[0] = 65;
    s.set(key, 1);
    s[66] = OP_CHECKSIG;
    return s;
  }
  const len = size - SPECIAL_SCRIPTS;
  if (len > MAX_SCRIPT_SIZE) {
    // Core keeps only an OP_RETURN for oversized scripts: they can never be spent.
    r.bytesN(len);
    return Uint8Array.of(OP_RETURN);
  }
  return r.bytesN(len).slice();
}

/** Core's TxOutCompression: VARINT(compressed amount) then the compressed script. */
export function writeCompressedTxOut(out: number[], txout: StoredTxOut): void {
  writeVarInt(out, compressAmount(txout.value));
  writeCompressedScript(out, txout.scriptPubKey);
}

export function readCompressedTxOut(r: StorageReader): StoredTxOut {
  const value = decompressAmount(r.varIntBig());
  const scriptPubKey = readCompressedScript(r);
  return { value, scriptPubKey };
}
