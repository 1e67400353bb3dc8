/**
 * OP_CHECKSIG / OP_CHECKSIGVERIFY / OP_CHECKSIGADD's single signature check, as Core's
 * EvalChecksig: ECDSA for legacy and segwit v0 scripts (FindAndDelete of the signature in legacy
 * scriptCode, strict encodings, NULLFAIL), and BIP342's rules for tapscript (the validation
 * weight budget, empty keys, unknown key types).
 */
import { fail } from './script-error.js';
import { findAndDelete, serializePush } from './script-reader.js';
import type { ScriptExecutionData, SignatureChecker } from './signature-checker.js';
import { checkPubKeyEncoding, checkSignatureEncoding } from './signature-encoding.js';
import { SigVersion } from './sighash-types.js';
import { VERIFY } from './verify-flags.js';

/** BIP342: each executed signature check costs 50 units of the witness-size budget. */
export const VALIDATION_WEIGHT_PER_SIGOP_PASSED = 50;

/** CHECKSIG's signature check under the rules of the script's version. */
export function evalChecksig(
  sig: Uint8Array,
  pubkey: Uint8Array,
  script: Uint8Array,
  codeHashBegin: number,
  exec: ScriptExecutionData,
  flags: number,
  checker: SignatureChecker,
  sigversion: SigVersion,
): boolean {
  if (sigversion === SigVersion.TAPSCRIPT)
    return evalChecksigTapscript(sig, pubkey, exec, flags, checker);
  let scriptCode = script.subarray(codeHashBegin);
  // Pre-segwit scripts sign themselves minus the signature (FindAndDelete); segwit does not.
  if (sigversion === SigVersion.BASE) {
    const r = findAndDelete(scriptCode, serializePush(sig));
    if (r.found > 0 && (flags & VERIFY.CONST_SCRIPTCODE) !== 0) fail('SIG_FINDANDDELETE');
    scriptCode = r.script;
  }
  checkSignatureEncoding(sig, flags);
  checkPubKeyEncoding(pubkey, flags, sigversion);
  const ok = checker.checkEcdsaSignature(sig, pubkey, scriptCode, sigversion);
  if (!ok && (flags & VERIFY.NULLFAIL) !== 0 && sig.length > 0) fail('NULLFAIL');
  return ok;
}

/** BIP342's order matters: budget first, then empty key, then the signature itself. */
function evalChecksigTapscript(
  sig: Uint8Array,
  pubkey: Uint8Array,
  exec: ScriptExecutionData,
  flags: number,
  checker: SignatureChecker,
): boolean {
  const success = sig.length > 0;
  if (success) {
    exec.validationWeightLeft -= VALIDATION_WEIGHT_PER_SIGOP_PASSED;
    if (exec.validationWeightLeft < 0) fail('TAPSCRIPT_VALIDATION_WEIGHT');
  }
  if (pubkey.length === 0) fail('TAPSCRIPT_EMPTY_PUBKEY');
  if (pubkey.length === 32) {
    if (success) checker.checkSchnorrSignature(sig, pubkey, SigVersion.TAPSCRIPT, exec);
  } else if ((flags & VERIFY.DISCOURAGE_UPGRADABLE_PUBKEYTYPE) !== 0) {
    // Unknown key types succeed (reserved for soft forks) unless policy discourages them.
    fail('DISCOURAGE_UPGRADABLE_PUBKEYTYPE');
  }
  return success;
}
