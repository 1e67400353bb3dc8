/**
 * The outcome of mempool admission, as Core's TxValidationState and MempoolAcceptResult: a
 * result kind (what a peer is punished for), Core's reject reason and debug message, and for
 * accepted transactions the vsize and fees the RPCs print.
 */

/** Core's TxValidationResult, lower-case. */
export type TxValidationResult =
  | 'consensus'
  | 'inputs-not-standard'
  | 'not-standard'
  | 'missing-inputs'
  | 'premature-spend'
  | 'witness-mutated'
  | 'conflict'
  | 'mempool-policy'
  | 'reconsiderable';

export interface MempoolAcceptResult {
  /** 'valid' (accepted, or would be with testAccept) or 'invalid'. */
  valid: boolean;
  txidHex: string;
  wtxidHex: string;
  result?: TxValidationResult;
  rejectReason?: string;
  debugMessage?: string;
  vsize?: number;
  /** Base fee (without prioritisetransaction deltas). */
  feeSats?: bigint;
  /** Modified fee rate the transaction was judged by, sat/kvB. */
  effectiveFeeRateSatPerKvB?: bigint;
  /** Txids (display hex) of transactions this one replaced. */
  replacedTxids?: string[];
}

export class TxRejection {
  constructor(
    readonly result: TxValidationResult,
    readonly reason: string,
    readonly debug = '',
  ) {}
}

export function reject(result: TxValidationResult, reason: string, debug = ''): TxRejection {
  return new TxRejection(result, reason, debug);
}

/** Core's ValidationState::ToString: "reason" or "reason, debug" (sendrawtransaction errors). */
export function rejectionToString(r: { rejectReason?: string; debugMessage?: string }): string {
  const reason = r.rejectReason ?? '';
  return r.debugMessage ? `${reason}, ${r.debugMessage}` : reason;
}
