/**
 * The outcome of validating a header or block (Core's BlockValidationState): valid, or invalid
 * with a result kind (drives peer punishment), Core's exact reject reason and a debug message.
 */

export type BlockValidationResult =
  | 'consensus'
  | 'cached-invalid'
  | 'invalid-header'
  | 'mutated'
  | 'missing-prev'
  | 'invalid-prev'
  | 'time-future'
  | 'headers-low-work';

export interface ValidationState {
  valid: boolean;
  result?: BlockValidationResult;
  rejectReason?: string;
  debugMessage?: string;
}

export function validState(): ValidationState {
  return { valid: true };
}

export function invalidState(
  result: BlockValidationResult,
  rejectReason: string,
  debugMessage?: string,
): ValidationState {
  const s: ValidationState = { valid: false, result, rejectReason };
  if (debugMessage !== undefined) s.debugMessage = debugMessage;
  return s;
}

/** Core's BlockValidationState::ToString: "reason" or "reason, debug message". */
export function stateToString(s: ValidationState): string {
  if (s.valid) return 'Valid';
  if (s.debugMessage !== undefined && s.debugMessage !== '') {
    return `${s.rejectReason}, ${s.debugMessage}`;
  }
  return s.rejectReason ?? 'invalid';
}
