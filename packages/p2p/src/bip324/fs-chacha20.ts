/**
 * BIP324's forward-secure ciphers ("Rekeying wrappers: FSChaCha20Poly1305 and FSChaCha20"):
 * every REKEY_INTERVAL messages the key is replaced by keystream derived from the old one, so a
 * key captured later cannot decrypt earlier traffic.
 */
import { aeadOpenInPlace, aeadSealInPlace } from './aead-chacha20-poly1305.js';
import { chacha20BlockWords, chacha20State, type ChaCha20State } from './chacha20.js';

/** BIP324: both wrappers rekey after every 224 messages. */
export const REKEY_INTERVAL = 224;

/** 12-byte nonce: 32-bit LE `low` then the 64-bit LE `high` (the rekey counter). */
function nonce96(low: number, high: number): Uint8Array {
  const nonce = new Uint8Array(12);
  const view = new DataView(nonce.buffer);
  view.setUint32(0, low >>> 0, true);
  view.setUint32(4, high >>> 0, true);
  view.setUint32(8, Math.floor(high / 2 ** 32), true);
  return nonce;
}

/**
 * FSChaCha20Poly1305, the packet AEAD. Packet i under a key uses nonce LE32(i mod 224) ||
 * LE64(i div 224); after the 224th packet the key becomes the first 32 bytes of ChaCha20 block 1
 * under nonce 0xffffffff || LE64(i div 224). The counter advances on failed decryption too (as
 * in the BIP's reference and Core), so both sides stay in step until the connection is dropped.
 */
export class FSChaCha20Poly1305 {
  private key: Uint8Array;
  private packetCounter = 0;

  constructor(initialKey: Uint8Array) {
    if (initialKey.length !== 32) {
      throw new RangeError(`FSChaCha20Poly1305 key: expected 32 bytes, got ${initialKey.length}`);
    }
    this.key = initialKey.slice();
  }

  /** Encrypts `data` in place; writes the 16-byte tag to `tagOut`. */
  encryptInPlace(aad: Uint8Array, data: Uint8Array, tagOut: Uint8Array): void {
    aeadSealInPlace(this.key, this.nonce(), aad, data, tagOut);
    this.nextPacket();
  }

  /** Authenticates and decrypts `data` in place; false (data unchanged) on a bad tag. */
  decryptInPlace(aad: Uint8Array, data: Uint8Array, tag: Uint8Array): boolean {
    const ok = aeadOpenInPlace(this.key, this.nonce(), aad, data, tag);
    this.nextPacket();
    return ok;
  }

  private nonce(): Uint8Array {
    return nonce96(
      this.packetCounter % REKEY_INTERVAL,
      Math.floor(this.packetCounter / REKEY_INTERVAL),
    );
  }

  private nextPacket(): void {
    this.packetCounter++;
    if (this.packetCounter % REKEY_INTERVAL !== 0) return;
    const rekeyNonce = nonce96(0xffffffff, this.packetCounter / REKEY_INTERVAL - 1);
    const block = new Uint32Array(16);
    chacha20BlockWords(chacha20State(this.key, rekeyNonce), 1, block);
    this.key = new Uint8Array(block.buffer, 0, 32).slice();
  }
}

/**
 * FSChaCha20, the length-field stream cipher: one continuous ChaCha20 keystream per key (nonce
 * 0 || LE64(rekeys), from block 0) consumed by successive chunks; after the 224th chunk the next
 * 32 keystream bytes become the key and the stream restarts at block 0 under the next nonce.
 */
export class FSChaCha20 {
  private state: ChaCha20State;
  private rekeyCounter = 0;
  private chunkCounter = 0;
  private blockCounter = 0;
  private readonly blockWords = new Uint32Array(16);
  private readonly blockBytes = new Uint8Array(this.blockWords.buffer);
  private blockPos = 64;

  constructor(initialKey: Uint8Array) {
    if (initialKey.length !== 32) {
      throw new RangeError(`FSChaCha20 key: expected 32 bytes, got ${initialKey.length}`);
    }
    this.state = chacha20State(initialKey, nonce96(0, 0));
  }

  /** Encrypts or decrypts one chunk (BIP324 uses it for the 3-byte length). */
  crypt(chunk: Uint8Array): Uint8Array {
    const out = new Uint8Array(chunk.length);
    const keystream = this.keystream(chunk.length);
    for (let i = 0; i < chunk.length; i++) out[i] = chunk[i]! ^ keystream[i]!;
    this.chunkCounter++;
    if (this.chunkCounter % REKEY_INTERVAL === 0) {
      const newKey = this.keystream(32);
      this.rekeyCounter++;
      this.state = chacha20State(newKey, nonce96(0, this.rekeyCounter));
      this.blockCounter = 0;
      this.blockPos = 64;
    }
    return out;
  }

  private keystream(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      if (this.blockPos === 64) {
        chacha20BlockWords(this.state, this.blockCounter++, this.blockWords);
        this.blockPos = 0;
      }
      out[i] = this.blockBytes[this.blockPos++]!;
    }
    return out;
  }
}
