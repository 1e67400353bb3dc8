/**
 * Relay policy constants, as Bitcoin Core 30's policy/policy.h and kernel/mempool_options.h. These
 * are a node's local choices (what it relays and mines), not consensus: consensus limits live in
 * @bitcoind-lite/consensus and the chain package. Fee rates are in satoshis per 1000 vbytes.
 */

/** Largest standard transaction, in weight units (a tenth of a block). */
export const MAX_STANDARD_TX_WEIGHT_WU = 400_000;
/** Smallest non-witness serialization accepted (avoids the 64-byte Merkle ambiguity, CVE-2017-12842). */
export const MIN_STANDARD_TX_NONWITNESS_SIZE_BYTES = 65;
/** Core's TX_MIN_STANDARD_VERSION / TX_MAX_STANDARD_VERSION (3 since TRUC, Core 28). */
export const TX_MIN_STANDARD_VERSION = 1;
export const TX_MAX_STANDARD_VERSION = 3;
/** Largest standard scriptSig: a 15-of-15 P2SH multisig spend with compressed keys fits. */
export const MAX_STANDARD_SCRIPTSIG_SIZE_BYTES = 1650;
/** Most sigops a P2SH redeem script may have to be standard to spend. */
export const MAX_P2SH_SIGOPS = 15;
/** Most sigop cost of one standard transaction (a fifth of the block limit). */
export const MAX_STANDARD_TX_SIGOPS_COST = 80_000 / 5;
/** BIP141 P2WSH standardness: stack items, item size, witness script size. */
export const MAX_STANDARD_P2WSH_STACK_ITEMS = 100;
export const MAX_STANDARD_P2WSH_STACK_ITEM_SIZE_BYTES = 80;
export const MAX_STANDARD_P2WSH_SCRIPT_SIZE_BYTES = 3600;
/** BIP342 tapscript stack items larger than this are non-standard. */
export const MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE_BYTES = 80;
/** Core 30: OP_RETURN data across all outputs may fill a standard transaction (100,000 bytes). */
export const MAX_OP_RETURN_RELAY_BYTES = MAX_STANDARD_TX_WEIGHT_WU / 4;
/** Core 30 accepts data carrier outputs by default (`-datacarrier=1`). */
export const DEFAULT_ACCEPT_DATACARRIER = true;
/** Core 28+ relays bare multisig outputs by default (`-permitbaremultisig=1`). */
export const DEFAULT_PERMIT_BARE_MULTISIG = true;
/** Core 29+: at most one dust output, and only in a zero-fee transaction (ephemeral dust). */
export const MAX_DUST_OUTPUTS_PER_TX = 1;
/** Outputs below what spending them would cost at this rate are dust (`-dustrelayfee`). */
export const DUST_RELAY_TX_FEE_SAT_PER_KVB = 3000n;
/** `-minrelaytxfee`: Core 30 lowered it from 1000 to 100 sat/kvB (0.1 sat/vB). */
export const DEFAULT_MIN_RELAY_TX_FEE_SAT_PER_KVB = 100n;
/** `-incrementalrelayfee`: the extra rate a replacement pays and eviction bumps the floor by. */
export const DEFAULT_INCREMENTAL_RELAY_FEE_SAT_PER_KVB = 100n;
/** `-blockmintxfee`: the lowest package rate block assembly takes (Core 30: 1 sat/kvB). */
export const DEFAULT_BLOCK_MIN_TX_FEE_SAT_PER_KVB = 1n;
/** `-bytespersigop`: sigops count as this many vbytes each when larger than the size. */
export const DEFAULT_BYTES_PER_SIGOP = 20;
/** `-limitancestorcount`, `-limitdescendantcount` and the sizes in kvB (pre-cluster limits). */
export const DEFAULT_ANCESTOR_LIMIT = 25;
export const DEFAULT_ANCESTOR_SIZE_LIMIT_KVB = 101;
export const DEFAULT_DESCENDANT_LIMIT = 25;
export const DEFAULT_DESCENDANT_SIZE_LIMIT_KVB = 101;
/** `-maxmempool` in MB (SI: 300,000,000 bytes of estimated memory use). */
export const DEFAULT_MAX_MEMPOOL_SIZE_MB = 300;
/** `-mempoolexpiry` in hours (two weeks). */
export const DEFAULT_MEMPOOL_EXPIRY_HOURS = 336;
/** BIP125 rule 5: most transactions one replacement may evict. */
export const MAX_REPLACEMENT_CANDIDATES = 100;
/** BIP125: an input with nSequence at or below this signals replaceability. */
export const MAX_BIP125_RBF_SEQUENCE = 0xfffffffd;
/** Core's ROLLING_FEE_HALFLIFE: the eviction fee floor halves over 12 hours. */
export const ROLLING_FEE_HALFLIFE_S = 60 * 60 * 12;
/** TRUC (BIP431): a version-3 transaction's limits. */
export const TRUC_VERSION = 3;
export const TRUC_ANCESTOR_LIMIT = 2;
export const TRUC_DESCENDANT_LIMIT = 2;
export const TRUC_MAX_VSIZE = 10_000;
export const TRUC_CHILD_MAX_VSIZE = 1_000;
/** Core's MAX_PACKAGE_COUNT and MAX_PACKAGE_WEIGHT for testmempoolaccept/submitpackage. */
export const MAX_PACKAGE_COUNT = 25;
export const MAX_PACKAGE_WEIGHT_WU = 404_000;
/** Block assembly reserves room for the coinbase (Core's DEFAULT_BLOCK_RESERVED_WEIGHT). */
export const DEFAULT_BLOCK_RESERVED_WEIGHT_WU = 8_000;
/** Coinbase sigops Core's BlockAssembler sets aside. */
export const COINBASE_RESERVED_SIGOPS_COST = 400;
