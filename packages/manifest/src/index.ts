export * from './bitcoind-args.js';
export * from './host-port.js';
export * from './manifest-error.js';
export * from './manifest.js';
export * from './parse-manifest.js';
