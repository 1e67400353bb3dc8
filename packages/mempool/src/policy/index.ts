export * from './policy-constants.js';
export * from './fee-rate.js';
export * from './dust.js';
export * from './is-standard-tx.js';
export * from './inputs-standard.js';
export * from './script-flags.js';
export * from './truc.js';
export {
  getSigOpCount,
  isPushOnly,
  isUnspendableScript,
  pushOnlyStack,
  transactionSigOpCost,
} from './script-helpers.js';
