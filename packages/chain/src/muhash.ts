/**
 * MuHash3072 (Core's crypto/muhash.cpp), the rolling set hash behind `gettxoutsetinfo muhash`:
 * each element is SHA256'd, expanded to 3072 bits with the ChaCha20 keystream (that hash as
 * key, zero nonce), read little-endian, and multiplied into the set modulo 2^3072 - 1103717.
 * Removal multiplies the denominator. The digest is SHA256 of the 384-byte little-endian
 * numerator / denominator.
 */
import { createCipheriv, createHash } from 'node:crypto';

const MODULUS = (1n << 3072n) - 1103717n;
const BYTES = 384;

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return r;
}

function fromLe(bytes: Uint8Array): bigint {
  let hex = '';
  for (let i = bytes.length - 1; i >= 0; i--) hex += bytes[i]!.toString(16).padStart(2, '0');
  return BigInt('0x' + hex);
}

function toLe(n: bigint): Uint8Array {
  const out = new Uint8Array(BYTES);
  let v = n;
  for (let i = 0; i < BYTES; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Core's MuHash3072::ToNum3072. */
function toNum3072(data: Uint8Array): bigint {
  const key = createHash('sha256').update(data).digest();
  // OpenSSL's chacha20 takes a 16-byte IV: a 32-bit little-endian block counter, then the nonce.
  const cipher = createCipheriv('chacha20', key, Buffer.alloc(16));
  return fromLe(cipher.update(Buffer.alloc(BYTES))) % MODULUS;
}

export class MuHash3072 {
  private numerator = 1n;
  private denominator = 1n;

  insert(data: Uint8Array): this {
    this.numerator = (this.numerator * toNum3072(data)) % MODULUS;
    return this;
  }

  remove(data: Uint8Array): this {
    this.denominator = (this.denominator * toNum3072(data)) % MODULUS;
    return this;
  }

  /** The 32-byte digest in internal byte order (display hex is its reverse). */
  finalize(): Uint8Array {
    const inv = modPow(this.denominator, MODULUS - 2n, MODULUS);
    const value = (this.numerator * inv) % MODULUS;
    return new Uint8Array(createHash('sha256').update(toLe(value)).digest());
  }
}
