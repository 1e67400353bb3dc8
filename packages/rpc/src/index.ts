export * from './amount.js';
export * from './auth.js';
export * from './control.js';
export * from './json.js';
export * from './json-rpc.js';
export * from './protocol.js';
export * from './registry.js';
export * from './rpc-server.js';
