export * from './fd-log-sink.js';
export * from './system-clock.js';
export * from './tcp-listener.js';
