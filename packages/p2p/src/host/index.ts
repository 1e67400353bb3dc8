export * from './destination.js';
export * from './direct-connector.js';
export * from './socks5-connector.js';
