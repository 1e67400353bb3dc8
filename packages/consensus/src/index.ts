export * from './bytes.js';
export * from './hash.js';
export * from './serialize.js';
export * from './transaction.js';
export * from './merkle.js';
export * from './block.js';
export * from './pow.js';
