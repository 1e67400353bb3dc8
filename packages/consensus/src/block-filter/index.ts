export * from './siphash.js';
export * from './golomb-rice.js';
export * from './gcs-filter.js';
export * from './block-filter.js';
