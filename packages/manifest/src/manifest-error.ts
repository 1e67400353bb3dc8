/**
 * Every problem with a manifest is one `ManifestError` whose message reads
 * `FILE:LINE:COL: what was wrong; expected what`, so an operator (or a tool that wrote the
 * manifest) can jump straight to the spot. The launcher prints the message and exits non-zero
 * before anything is written.
 */

/** A place in the manifest source; line and column are 1-based, as editors count them. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export function formatLocation(at: SourceLocation): string {
  return `${at.file}:${at.line}:${at.col}`;
}

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  readonly at: SourceLocation;
  /** What was wrong, without the location. */
  readonly problem: string;
  readonly expected: string;

  constructor(
    at: SourceLocation,
    problem: string,
    expected: string,
    options?: { cause?: unknown },
  ) {
    super(`${formatLocation(at)}: ${problem}; expected ${expected}`, options);
    this.at = at;
    this.problem = problem;
    this.expected = expected;
  }
}
