export * from './block-assembler.js';
export * from './miner.js';
export * from './witness-commitment.js';
