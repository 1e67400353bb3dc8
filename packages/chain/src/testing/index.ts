export * from './block-builder.js';
