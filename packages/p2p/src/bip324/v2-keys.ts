/**
 * BIP324 key derivation ("Shared secret computation" and "Key derivation"): HKDF-SHA256 with
 * salt "bitcoin_v2_shared_secret" || network magic over the ECDH shared secret, one 32-byte
 * output per info label.
 */
import { hkdfExpand, hkdfExtract } from './hkdf.js';

export interface V2Keys {
  initiatorL: Uint8Array;
  initiatorP: Uint8Array;
  responderL: Uint8Array;
  responderP: Uint8Array;
  /** The first 16 bytes of the "garbage_terminators" output. */
  initiatorGarbageTerminator: Uint8Array;
  /** The last 16 bytes of the "garbage_terminators" output. */
  responderGarbageTerminator: Uint8Array;
  sessionId: Uint8Array;
}

const encoder = new TextEncoder();

export function deriveV2Keys(sharedSecret: Uint8Array, magic: Uint8Array): V2Keys {
  if (sharedSecret.length !== 32) {
    throw new RangeError(`sharedSecret: expected 32 bytes, got ${sharedSecret.length}`);
  }
  if (magic.length !== 4) throw new RangeError(`magic: expected 4 bytes, got ${magic.length}`);
  const salt = new Uint8Array(28);
  salt.set(encoder.encode('bitcoin_v2_shared_secret'));
  salt.set(magic, 24);
  const prk = hkdfExtract(salt, sharedSecret);
  const expand = (label: string): Uint8Array => hkdfExpand(prk, encoder.encode(label), 32);
  const terminators = expand('garbage_terminators');
  return {
    initiatorL: expand('initiator_L'),
    initiatorP: expand('initiator_P'),
    responderL: expand('responder_L'),
    responderP: expand('responder_P'),
    initiatorGarbageTerminator: terminators.slice(0, 16),
    responderGarbageTerminator: terminators.slice(16, 32),
    sessionId: expand('session_id'),
  };
}
