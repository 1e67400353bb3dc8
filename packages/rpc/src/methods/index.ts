export * from './blockchain.js';
export * from './block-json.js';
export * from './mining.js';
export * from './network.js';
export * from './node-context.js';
export * from './params.js';
export * from './blockchain-chainstate.js';
