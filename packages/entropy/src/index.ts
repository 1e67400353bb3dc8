export * from './random.js';
export * from './seeded-random.js';
