export * from './script-asm.js';
export * from './script-pubkey.js';
export * from './tx-to-json.js';
