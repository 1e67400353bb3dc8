export * from './dir.js';
export * from './varint.js';
export * from './coin-compression.js';
export * from './coin.js';
export * from './block-undo.js';
export * from './coins-db.js';
export * from './block-tree-db.js';
export * from './block-files.js';
