export * from './dir.js';
