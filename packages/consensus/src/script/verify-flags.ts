/**
 * Script verification flags, with Core's bit positions (`SCRIPT_VERIFY_*` in interpreter.h) so
 * a flags value means the same number here as in Core's logs and libbitcoinconsensus.
 */

export const VERIFY = {
  NONE: 0,
  /** BIP16 */
  P2SH: 1 << 0,
  STRICTENC: 1 << 1,
  /** BIP66 */
  DERSIG: 1 << 2,
  LOW_S: 1 << 3,
  /** BIP147 */
  NULLDUMMY: 1 << 4,
  SIGPUSHONLY: 1 << 5,
  MINIMALDATA: 1 << 6,
  DISCOURAGE_UPGRADABLE_NOPS: 1 << 7,
  CLEANSTACK: 1 << 8,
  /** BIP65 */
  CHECKLOCKTIMEVERIFY: 1 << 9,
  /** BIP112 */
  CHECKSEQUENCEVERIFY: 1 << 10,
  /** BIP141/143 */
  WITNESS: 1 << 11,
  DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM: 1 << 12,
  MINIMALIF: 1 << 13,
  NULLFAIL: 1 << 14,
  WITNESS_PUBKEYTYPE: 1 << 15,
  CONST_SCRIPTCODE: 1 << 16,
  /** BIP341/342 */
  TAPROOT: 1 << 17,
  DISCOURAGE_UPGRADABLE_TAPROOT_VERSION: 1 << 18,
  DISCOURAGE_OP_SUCCESS: 1 << 19,
  DISCOURAGE_UPGRADABLE_PUBKEYTYPE: 1 << 20,
} as const;

export type VerifyFlagName = keyof typeof VERIFY;

/** Every flag set; the tx_valid vectors start from this and remove the excluded ones. */
export const ALL_VERIFY_FLAGS = (1 << 21) - 1;

/** Core's MANDATORY_SCRIPT_VERIFY_FLAGS: what a block must satisfy once every soft fork is active. */
export const MANDATORY_SCRIPT_VERIFY_FLAGS =
  VERIFY.P2SH |
  VERIFY.DERSIG |
  VERIFY.NULLDUMMY |
  VERIFY.CHECKLOCKTIMEVERIFY |
  VERIFY.CHECKSEQUENCEVERIFY |
  VERIFY.WITNESS |
  VERIFY.TAPROOT;

/** Core's STANDARD_SCRIPT_VERIFY_FLAGS: mandatory plus the policy rules the mempool applies. */
export const STANDARD_SCRIPT_VERIFY_FLAGS =
  MANDATORY_SCRIPT_VERIFY_FLAGS |
  VERIFY.STRICTENC |
  VERIFY.MINIMALDATA |
  VERIFY.DISCOURAGE_UPGRADABLE_NOPS |
  VERIFY.CLEANSTACK |
  VERIFY.MINIMALIF |
  VERIFY.NULLFAIL |
  VERIFY.LOW_S |
  VERIFY.DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM |
  VERIFY.WITNESS_PUBKEYTYPE |
  VERIFY.CONST_SCRIPTCODE |
  VERIFY.DISCOURAGE_UPGRADABLE_TAPROOT_VERSION |
  VERIFY.DISCOURAGE_OP_SUCCESS |
  VERIFY.DISCOURAGE_UPGRADABLE_PUBKEYTYPE;

/** Parses Core's comma-separated flag list ("" and "NONE" mean no flags). */
export function parseVerifyFlags(text: string): number {
  let flags = 0;
  for (const word of text.split(',')) {
    const name = word.trim();
    if (name === '' || name === 'NONE') continue;
    if (!(name in VERIFY))
      throw new RangeError(`script flags: unknown flag ${JSON.stringify(name)}`);
    flags |= VERIFY[name as VerifyFlagName];
  }
  return flags;
}

export function verifyFlagNames(flags: number): VerifyFlagName[] {
  return (Object.keys(VERIFY) as VerifyFlagName[]).filter(
    (k) => VERIFY[k] !== 0 && (flags & VERIFY[k]) !== 0,
  );
}
