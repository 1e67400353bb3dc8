export * from './fs-dir.js';
export * from './read-only-file.js';
