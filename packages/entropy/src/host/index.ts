export * from './os-random.js';
