export * from './rest-block.js';
export * from './rest-dispatcher.js';
export * from './rest-getutxos.js';
export * from './rest-info.js';
export * from './rest-response.js';
export * from './rest-tx.js';
