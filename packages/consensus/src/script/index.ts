/** Script verification: interpreter, signature hashes, signature checks, sigops, flags. */
export { OP, OPCODE_NAMES, MAX_PUSH_OPCODE } from './opcodes.js';
export {
  SCRIPT_ERROR_STRINGS,
  scriptErrorString,
  ScriptFailure,
  type ScriptErrorName,
} from './script-error.js';
export {
  VERIFY,
  ALL_VERIFY_FLAGS,
  MANDATORY_SCRIPT_VERIFY_FLAGS,
  STANDARD_SCRIPT_VERIFY_FLAGS,
  parseVerifyFlags,
  verifyFlagNames,
  type VerifyFlagName,
} from './verify-flags.js';
export { decodeScriptNumber, encodeScriptNumber, castToBool } from './script-number.js';
export {
  readScriptOp,
  serializePush,
  isMinimalPush,
  isPushOnly,
  isPayToScriptHash,
  getWitnessProgram,
  isOpSuccess,
  findAndDelete,
  type ScriptOp,
  type WitnessProgram,
} from './script-reader.js';
export { parseScriptText, pushInt } from './script-text.js';
export * from './sighash-types.js';
export { PrecomputedTransactionData } from './precomputed-transaction-data.js';
export { legacySignatureHash } from './sighash-legacy.js';
export { witnessV0SigMsg, witnessV0SignatureHash } from './sighash-witness-v0.js';
export { taprootSigMsg, taprootSignatureHash, type TaprootExecData } from './sighash-taproot.js';
export {
  isValidSignatureEncoding,
  parseDerLax,
  isLowS,
  isDefinedHashtypeSignature,
  isCompressedOrUncompressedPubKey,
  isCompressedPubKey,
} from './signature-encoding.js';
export { createNobleVerifier, type SignatureVerifier } from './signature-verifier.js';
export {
  SignatureCache,
  cachingVerifier,
  DEFAULT_SIGNATURE_CACHE_ENTRIES,
} from './signature-cache.js';
export {
  TransactionSignatureChecker,
  NO_SIGNATURES,
  LOCKTIME_THRESHOLD,
  type SignatureChecker,
  type ScriptExecutionData,
} from './signature-checker.js';
export {
  evalScript,
  MAX_SCRIPT_SIZE,
  MAX_SCRIPT_ELEMENT_SIZE,
  MAX_OPS_PER_SCRIPT,
  MAX_STACK_SIZE,
} from './interpreter.js';
export {
  verifyScript,
  computeTapleafHash,
  computeTaprootMerkleRoot,
  witnessSerializedSize,
  type ScriptResult,
} from './verify-script.js';
export {
  getSigOpCount,
  getP2shSigOpCount,
  countWitnessSigOps,
  getLegacySigOpCount,
  getP2shSigOpCountForTx,
  getTransactionSigOpCost,
  WITNESS_SCALE_FACTOR,
} from './sigops.js';
export { verifyInput, type VerifyInputOptions, type VerifyInputResult } from './verify-input.js';
export {
  getBlockScriptFlags,
  SCRIPT_FLAG_EXCEPTIONS,
  type ScriptFlagDeployments,
} from './block-script-flags.js';
export {
  verifyBlockScripts,
  parseSpentOutputs,
  coinbaseHeight,
  type InputVerification,
} from './verify-block-scripts.js';
