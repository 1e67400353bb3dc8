/**
 * ChaCha20 as RFC 8439 section 2.3/2.4 defines it: 256-bit key, 96-bit nonce, 32-bit block
 * counter, 20 rounds. The keystream block is produced as sixteen 32-bit words and read back as
 * bytes through a Uint32Array view, so this requires a little-endian host (checked at load).
 */

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error('chacha20: a little-endian host is required');
}

const SIGMA: readonly number[] = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

/** Key and nonce as little-endian words, so repeated blocks do not re-parse them. */
export interface ChaCha20State {
  /** 8 key words. */
  key: Uint32Array;
  /** 3 nonce words. */
  nonce: Uint32Array;
}

function readWordsLE(bytes: Uint8Array, count: number): Uint32Array {
  const out = new Uint32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) out[i] = view.getUint32(4 * i, true);
  return out;
}

export function chacha20State(key: Uint8Array, nonce: Uint8Array): ChaCha20State {
  if (key.length !== 32) throw new RangeError(`chacha20 key: expected 32 bytes, got ${key.length}`);
  if (nonce.length !== 12) {
    throw new RangeError(`chacha20 nonce: expected 12 bytes, got ${nonce.length}`);
  }
  return { key: readWordsLE(key, 8), nonce: readWordsLE(nonce, 3) };
}

/** Writes the 64-byte keystream block for `counter` into `out` (16 words). */
export function chacha20BlockWords(st: ChaCha20State, counter: number, out: Uint32Array): void {
  const k = st.key;
  const n = st.nonce;
  const j0 = SIGMA[0]!;
  const j1 = SIGMA[1]!;
  const j2 = SIGMA[2]!;
  const j3 = SIGMA[3]!;
  const j4 = k[0]!;
  const j5 = k[1]!;
  const j6 = k[2]!;
  const j7 = k[3]!;
  const j8 = k[4]!;
  const j9 = k[5]!;
  const j10 = k[6]!;
  const j11 = k[7]!;
  const j12 = counter >>> 0;
  const j13 = n[0]!;
  const j14 = n[1]!;
  const j15 = n[2]!;
  // prettier-ignore
  let x0 = j0, x1 = j1, x2 = j2, x3 = j3, x4 = j4, x5 = j5, x6 = j6, x7 = j7;
  // prettier-ignore
  let x8 = j8, x9 = j9, x10 = j10, x11 = j11, x12 = j12, x13 = j13, x14 = j14, x15 = j15;
  // prettier-ignore
  for (let i = 0; i < 10; i++) {
    // Column round: quarter rounds on (0,4,8,12) (1,5,9,13) (2,6,10,14) (3,7,11,15).
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 16) | (x12 >>> 16);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 12) | (x4 >>> 20);
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 8) | (x12 >>> 24);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 7) | (x4 >>> 25);
    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 16) | (x13 >>> 16);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 12) | (x5 >>> 20);
    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 8) | (x13 >>> 24);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 7) | (x5 >>> 25);
    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 16) | (x14 >>> 16);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 12) | (x6 >>> 20);
    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 8) | (x14 >>> 24);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 7) | (x6 >>> 25);
    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 16) | (x15 >>> 16);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 12) | (x7 >>> 20);
    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 8) | (x15 >>> 24);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 7) | (x7 >>> 25);
    // Diagonal round: (0,5,10,15) (1,6,11,12) (2,7,8,13) (3,4,9,14).
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 16) | (x15 >>> 16);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 12) | (x5 >>> 20);
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 8) | (x15 >>> 24);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 7) | (x5 >>> 25);
    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 16) | (x12 >>> 16);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 12) | (x6 >>> 20);
    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 8) | (x12 >>> 24);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 7) | (x6 >>> 25);
    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 16) | (x13 >>> 16);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 12) | (x7 >>> 20);
    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 8) | (x13 >>> 24);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 7) | (x7 >>> 25);
    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 16) | (x14 >>> 16);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 12) | (x4 >>> 20);
    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 8) | (x14 >>> 24);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 7) | (x4 >>> 25);
  }
  out[0] = x0 + j0;
  out[1] = x1 + j1;
  out[2] = x2 + j2;
  out[3] = x3 + j3;
  out[4] = x4 + j4;
  out[5] = x5 + j5;
  out[6] = x6 + j6;
  out[7] = x7 + j7;
  out[8] = x8 + j8;
  out[9] = x9 + j9;
  out[10] = x10 + j10;
  out[11] = x11 + j11;
  out[12] = x12 + j12;
  out[13] = x13 + j13;
  out[14] = x14 + j14;
  out[15] = x15 + j15;
}

/** The 64-byte ChaCha20 block function output (RFC 8439 section 2.3). */
export function chacha20Block(key: Uint8Array, nonce: Uint8Array, counter: number): Uint8Array {
  const words = new Uint32Array(16);
  chacha20BlockWords(chacha20State(key, nonce), counter, words);
  return new Uint8Array(words.buffer);
}

/**
 * XORs `input` with the keystream starting at block `counter` (RFC 8439 section 2.4) into
 * `output` (which may be `input`).
 */
export function chacha20XorState(
  st: ChaCha20State,
  counter: number,
  input: Uint8Array,
  output: Uint8Array,
): void {
  const words = new Uint32Array(16);
  const block = new Uint8Array(words.buffer);
  const length = input.length;
  // RFC 8439's block counter is 32 bits; running past it would repeat keystream.
  if (counter + Math.ceil(length / 64) > 2 ** 32) {
    throw new RangeError('chacha20: block counter would pass 2^32');
  }
  let c = counter;
  for (let pos = 0; pos < length; pos += 64) {
    chacha20BlockWords(st, c++, words);
    const end = Math.min(64, length - pos);
    for (let i = 0; i < end; i++) output[pos + i] = input[pos + i]! ^ block[i]!;
  }
}

/** ChaCha20 encryption (= decryption) of `input` under key/nonce, from block `counter`. */
export function chacha20(
  key: Uint8Array,
  nonce: Uint8Array,
  counter: number,
  input: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(input.length);
  chacha20XorState(chacha20State(key, nonce), counter, input, out);
  return out;
}
