/**
 * The script flags the mempool verifies with, by Core's SCRIPT_VERIFY_* bit positions
 * (script/interpreter.h). MANDATORY is what blocks must satisfy with every soft fork active;
 * STANDARD adds the policy rules, so a failure under STANDARD that passes MANDATORY is a
 * policy ("non-mandatory") failure rather than an invalid transaction.
 */
const P2SH = 1 << 0;
const STRICTENC = 1 << 1;
const DERSIG = 1 << 2;
const LOW_S = 1 << 3;
const NULLDUMMY = 1 << 4;
const MINIMALDATA = 1 << 6;
const DISCOURAGE_UPGRADABLE_NOPS = 1 << 7;
const CLEANSTACK = 1 << 8;
const CHECKLOCKTIMEVERIFY = 1 << 9;
const CHECKSEQUENCEVERIFY = 1 << 10;
const WITNESS = 1 << 11;
const DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM = 1 << 12;
const MINIMALIF = 1 << 13;
const NULLFAIL = 1 << 14;
const WITNESS_PUBKEYTYPE = 1 << 15;
const CONST_SCRIPTCODE = 1 << 16;
const TAPROOT = 1 << 17;
const DISCOURAGE_UPGRADABLE_TAPROOT_VERSION = 1 << 18;
const DISCOURAGE_OP_SUCCESS = 1 << 19;
const DISCOURAGE_UPGRADABLE_PUBKEYTYPE = 1 << 20;

export const MANDATORY_SCRIPT_VERIFY_FLAGS =
  P2SH | DERSIG | NULLDUMMY | CHECKLOCKTIMEVERIFY | CHECKSEQUENCEVERIFY | WITNESS | TAPROOT;

export const STANDARD_SCRIPT_VERIFY_FLAGS =
  MANDATORY_SCRIPT_VERIFY_FLAGS |
  STRICTENC |
  MINIMALDATA |
  DISCOURAGE_UPGRADABLE_NOPS |
  CLEANSTACK |
  MINIMALIF |
  NULLFAIL |
  LOW_S |
  DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM |
  WITNESS_PUBKEYTYPE |
  CONST_SCRIPTCODE |
  DISCOURAGE_UPGRADABLE_TAPROOT_VERSION |
  DISCOURAGE_OP_SUCCESS |
  DISCOURAGE_UPGRADABLE_PUBKEYTYPE;

/** Core's STANDARD_LOCKTIME_VERIFY_FLAGS: BIP68 sequence locks apply to mempool admission. */
export const LOCKTIME_VERIFY_SEQUENCE = 1;
