/**
 * Mempool settings by Core's option names (`-maxmempool`, `-mempoolexpiry`, `-minrelaytxfee`,
 * ...), resolved to units. The node's args module fills them; defaults are Core 30's.
 */
import { FeeRate } from './policy/fee-rate.js';
import {
  DEFAULT_ANCESTOR_LIMIT,
  DEFAULT_ANCESTOR_SIZE_LIMIT_KVB,
  DEFAULT_BLOCK_MIN_TX_FEE_SAT_PER_KVB,
  DEFAULT_BYTES_PER_SIGOP,
  DEFAULT_DESCENDANT_LIMIT,
  DEFAULT_DESCENDANT_SIZE_LIMIT_KVB,
  DEFAULT_INCREMENTAL_RELAY_FEE_SAT_PER_KVB,
  DEFAULT_MAX_MEMPOOL_SIZE_MB,
  DEFAULT_MEMPOOL_EXPIRY_HOURS,
  DEFAULT_MIN_RELAY_TX_FEE_SAT_PER_KVB,
  DEFAULT_PERMIT_BARE_MULTISIG,
  DUST_RELAY_TX_FEE_SAT_PER_KVB,
  MAX_OP_RETURN_RELAY_BYTES,
} from './policy/policy-constants.js';

export interface MempoolSettings {
  /** `-maxmempool` (MB, SI) as bytes of estimated memory. */
  maxMempoolBytes?: number;
  /** `-mempoolexpiry` in hours. */
  expiryHours?: number;
  minRelayFeeSatPerKvB?: bigint;
  incrementalRelayFeeSatPerKvB?: bigint;
  dustRelayFeeSatPerKvB?: bigint;
  blockMinTxFeeSatPerKvB?: bigint;
  /** `-acceptnonstdtxn` (regtest/testnet only in Core): skip the standardness rules. */
  acceptNonStdTxn?: boolean;
  /** `-datacarriersize`; null means `-datacarrier=0`. */
  maxDatacarrierBytes?: number | null;
  permitBareMultisig?: boolean;
  /** Core 29 and earlier rejected a second OP_RETURN output ('multi-op-return'). */
  permitMultipleOpReturn?: boolean;
  /** `-mempoolfullrbf` (Core 28; always on from 29). False rejects unsignalled conflicts. */
  fullRbf?: boolean;
  limitAncestorCount?: number;
  limitAncestorSizeKvB?: number;
  limitDescendantCount?: number;
  limitDescendantSizeKvB?: number;
  bytesPerSigOp?: number;
  /** `-persistmempool`. */
  persistMempool?: boolean;
}

export interface ResolvedMempoolSettings {
  maxMempoolBytes: number;
  expiryS: number;
  minRelayFee: FeeRate;
  incrementalRelayFee: FeeRate;
  dustRelayFee: FeeRate;
  blockMinTxFee: FeeRate;
  requireStandard: boolean;
  maxDatacarrierBytes: number | undefined;
  permitBareMultisig: boolean;
  permitMultipleOpReturn: boolean;
  fullRbf: boolean;
  limitAncestorCount: number;
  limitAncestorSizeVbytes: number;
  limitDescendantCount: number;
  limitDescendantSizeVbytes: number;
  bytesPerSigOp: number;
  persistMempool: boolean;
}

export function resolveMempoolSettings(s: MempoolSettings = {}): ResolvedMempoolSettings {
  return {
    maxMempoolBytes: s.maxMempoolBytes ?? DEFAULT_MAX_MEMPOOL_SIZE_MB * 1_000_000,
    expiryS: (s.expiryHours ?? DEFAULT_MEMPOOL_EXPIRY_HOURS) * 3600,
    minRelayFee: new FeeRate(s.minRelayFeeSatPerKvB ?? DEFAULT_MIN_RELAY_TX_FEE_SAT_PER_KVB),
    incrementalRelayFee: new FeeRate(
      s.incrementalRelayFeeSatPerKvB ?? DEFAULT_INCREMENTAL_RELAY_FEE_SAT_PER_KVB,
    ),
    dustRelayFee: new FeeRate(s.dustRelayFeeSatPerKvB ?? DUST_RELAY_TX_FEE_SAT_PER_KVB),
    blockMinTxFee: new FeeRate(s.blockMinTxFeeSatPerKvB ?? DEFAULT_BLOCK_MIN_TX_FEE_SAT_PER_KVB),
    requireStandard: !(s.acceptNonStdTxn ?? false),
    maxDatacarrierBytes:
      s.maxDatacarrierBytes === null
        ? undefined
        : (s.maxDatacarrierBytes ?? MAX_OP_RETURN_RELAY_BYTES),
    permitBareMultisig: s.permitBareMultisig ?? DEFAULT_PERMIT_BARE_MULTISIG,
    permitMultipleOpReturn: s.permitMultipleOpReturn ?? true,
    fullRbf: s.fullRbf ?? true,
    limitAncestorCount: s.limitAncestorCount ?? DEFAULT_ANCESTOR_LIMIT,
    limitAncestorSizeVbytes: (s.limitAncestorSizeKvB ?? DEFAULT_ANCESTOR_SIZE_LIMIT_KVB) * 1000,
    limitDescendantCount: s.limitDescendantCount ?? DEFAULT_DESCENDANT_LIMIT,
    limitDescendantSizeVbytes:
      (s.limitDescendantSizeKvB ?? DEFAULT_DESCENDANT_SIZE_LIMIT_KVB) * 1000,
    bytesPerSigOp: s.bytesPerSigOp ?? DEFAULT_BYTES_PER_SIGOP,
    persistMempool: s.persistMempool ?? true,
  };
}
