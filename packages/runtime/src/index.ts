export * from './clock.js';
export * from './log.js';
export * from './stream.js';
export * from './file-log-sink.js';
export * from './fixed-start-clock.js';
