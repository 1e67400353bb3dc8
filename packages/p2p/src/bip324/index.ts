// BIP324 v2 transport cryptography. Field and group internals stay private to this folder.
export {
  ellswiftCreate,
  ellswiftDecode,
  ellswiftEcdhXOnly,
  v2Ecdh,
  xOnlyPublicKey,
  xswiftec,
  xswiftecInv,
} from './ellswift.js';
export { chacha20, chacha20Block } from './chacha20.js';
export { Poly1305, poly1305 } from './poly1305.js';
export * from './aead-chacha20-poly1305.js';
export * from './fs-chacha20.js';
export { hkdfExpand, hkdfExtract } from './hkdf.js';
export * from './v2-keys.js';
export * from './v2-cipher.js';
