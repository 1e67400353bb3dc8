/**
 * The BIP324 packet cipher for one connection (Core's BIP324Cipher): from our private key, both
 * ElligatorSwift encodings, the role and the network magic it derives the session keys, and then
 * encrypts and decrypts packets ("Packet encryption" in BIP324):
 *
 *   packet = FSChaCha20(L)(LE24(len(contents))) || FSChaCha20Poly1305(P)(aad, header || contents)
 *
 * where header is one byte whose bit 7 is the ignore flag. Sans-I/O: bytes in, bytes out.
 */
import { v2Ecdh } from './ellswift.js';
import { FSChaCha20, FSChaCha20Poly1305 } from './fs-chacha20.js';
import { deriveV2Keys } from './v2-keys.js';

/** Bytes of the encrypted length field. */
export const V2_LENGTH_LEN = 3;
/** Bytes of the (encrypted) header inside the AEAD. */
export const V2_HEADER_LEN = 1;
/** Bytes a packet adds to its contents: length, header and the 16-byte tag. */
export const V2_EXPANSION = V2_LENGTH_LEN + V2_HEADER_LEN + 16;
/** Header bit 7: the receiver must ignore the packet (decoy traffic). */
export const V2_IGNORE_BIT = 0x80;
/** The length field holds 24 bits. */
export const V2_MAX_CONTENTS_LEN = 2 ** 24 - 1;

export interface V2CipherOptions {
  /** Our 32-byte secret key, the one `ourEllswift` encodes the public key of. */
  privateKey: Uint8Array;
  /** Our 64-byte ElligatorSwift public key, as sent to the peer. */
  ourEllswift: Uint8Array;
  /** The 64 bytes the peer sent. */
  theirEllswift: Uint8Array;
  /** True when we opened the connection. */
  initiator: boolean;
  /** The network's 4-byte message start (mainnet f9beb4d9, regtest fabfb5da). */
  magic: Uint8Array;
  /**
   * Test aid, as Core's BIP324Cipher::Initialize(..., self_decrypt): receive with the keys we
   * send with, so a cipher can decrypt its own packets. Never set on a real connection.
   */
  selfDecrypt?: boolean;
}

export interface V2DecryptedPacket {
  ignore: boolean;
  contents: Uint8Array;
}

export class V2Cipher {
  /** Identifies the session; both sides can compare it out of band (BIP324). */
  readonly sessionId: Uint8Array;
  /** The 16 bytes we send after our garbage. */
  readonly sendGarbageTerminator: Uint8Array;
  /** The 16 bytes that end the peer's garbage. */
  readonly recvGarbageTerminator: Uint8Array;

  private readonly sendL: FSChaCha20;
  private readonly sendP: FSChaCha20Poly1305;
  private readonly recvL: FSChaCha20;
  private readonly recvP: FSChaCha20Poly1305;

  constructor(options: V2CipherOptions) {
    for (const name of ['privateKey', 'ourEllswift', 'theirEllswift', 'magic'] as const) {
      if (!(options[name] instanceof Uint8Array)) {
        throw new TypeError(`V2Cipher: ${name} must be a Uint8Array`);
      }
    }
    if (typeof options.initiator !== 'boolean') {
      throw new TypeError('V2Cipher: initiator must be a boolean');
    }
    const { privateKey, ourEllswift, theirEllswift, initiator, magic } = options;
    const selfDecrypt = options.selfDecrypt === true;
    const secret = v2Ecdh(privateKey, theirEllswift, ourEllswift, initiator);
    const keys = deriveV2Keys(secret, magic);
    secret.fill(0);
    this.sessionId = keys.sessionId;
    if (initiator) {
      this.sendL = new FSChaCha20(keys.initiatorL);
      this.sendP = new FSChaCha20Poly1305(keys.initiatorP);
      this.recvL = new FSChaCha20(selfDecrypt ? keys.initiatorL : keys.responderL);
      this.recvP = new FSChaCha20Poly1305(selfDecrypt ? keys.initiatorP : keys.responderP);
      this.sendGarbageTerminator = keys.initiatorGarbageTerminator;
      this.recvGarbageTerminator = keys.responderGarbageTerminator;
    } else {
      this.sendL = new FSChaCha20(keys.responderL);
      this.sendP = new FSChaCha20Poly1305(keys.responderP);
      this.recvL = new FSChaCha20(selfDecrypt ? keys.responderL : keys.initiatorL);
      this.recvP = new FSChaCha20Poly1305(selfDecrypt ? keys.responderP : keys.initiatorP);
      this.sendGarbageTerminator = keys.responderGarbageTerminator;
      this.recvGarbageTerminator = keys.initiatorGarbageTerminator;
    }
    for (const k of [keys.initiatorL, keys.initiatorP, keys.responderL, keys.responderP]) k.fill(0);
  }

  /** One whole packet: V2_EXPANSION + contents.length bytes. */
  encrypt(contents: Uint8Array, aad: Uint8Array = EMPTY, ignore = false): Uint8Array {
    if (contents.length > V2_MAX_CONTENTS_LEN) {
      throw new RangeError(
        `contents: at most ${V2_MAX_CONTENTS_LEN} bytes, got ${contents.length}`,
      );
    }
    const packet = new Uint8Array(V2_EXPANSION + contents.length);
    const length = Uint8Array.of(
      contents.length & 0xff,
      (contents.length >>> 8) & 0xff,
      (contents.length >>> 16) & 0xff,
    );
    packet.set(this.sendL.crypt(length), 0);
    const bodyStart = V2_LENGTH_LEN;
    const bodyEnd = bodyStart + V2_HEADER_LEN + contents.length;
    packet[bodyStart] = ignore ? V2_IGNORE_BIT : 0;
    packet.set(contents, bodyStart + V2_HEADER_LEN);
    this.sendP.encryptInPlace(aad, packet.subarray(bodyStart, bodyEnd), packet.subarray(bodyEnd));
    return packet;
  }

  /**
   * Decrypts the first 3 bytes of a packet: the contents length. The rest of the packet is that
   * many bytes plus V2_HEADER_LEN + 16. Call exactly once per packet, before `decrypt`.
   */
  decryptLength(encryptedLength: Uint8Array): number {
    if (encryptedLength.length !== V2_LENGTH_LEN) {
      throw new RangeError(`length field: expected 3 bytes, got ${encryptedLength.length}`);
    }
    const l = this.recvL.crypt(encryptedLength);
    return l[0]! | (l[1]! << 8) | (l[2]! << 16);
  }

  /**
   * Decrypts the rest of a packet (header, contents, tag). Undefined when authentication
   * fails, which BIP324 treats as fatal for the connection.
   */
  decrypt(input: Uint8Array, aad: Uint8Array = EMPTY): V2DecryptedPacket | undefined {
    if (input.length < V2_HEADER_LEN + 16) return undefined;
    const bodyLength = input.length - 16;
    const body = input.slice(0, bodyLength);
    if (!this.recvP.decryptInPlace(aad, body, input.subarray(bodyLength))) return undefined;
    return {
      ignore: (body[0]! & V2_IGNORE_BIT) !== 0,
      contents: body.subarray(V2_HEADER_LEN),
    };
  }
}

const EMPTY = new Uint8Array(0);
