/**
 * The Clock capability: the only way code reads the time or schedules work. The launcher makes
 * the system clock (`host/system-clock.ts`); tests and reproducible runs use a fixed start.
 */

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Wall-clock milliseconds since the Unix epoch (the node's adjusted time; mockable). */
  nowMs(): number;
  /** Monotonic milliseconds, for measuring durations only. Never mocked. */
  monotonicMs(): number;
  setTimeout(callback: () => void, delayMs: number): Timer;
  setInterval(callback: () => void, periodMs: number): Timer;
}

/** Whole seconds since the epoch, as block times and Core's RPC results use them. */
export function nowSeconds(clock: Clock): number {
  return Math.floor(clock.nowMs() / 1000);
}

/**
 * A clock whose wall time can be pinned, as Core's `setmocktime`: while a mock time is set,
 * `nowMs()` returns it unchanged (time stands still); 0 clears it. Timers and the monotonic
 * clock keep running on the base clock.
 */
export class MockableClock implements Clock {
  private mockMs = 0;

  constructor(private readonly base: Clock) {
    if (base === undefined) throw new TypeError('MockableClock: base clock is required');
  }

  setMockTime(seconds: number): void {
    this.mockMs = seconds * 1000;
  }

  mockTimeSeconds(): number {
    return this.mockMs / 1000;
  }

  nowMs(): number {
    return this.mockMs !== 0 ? this.mockMs : this.base.nowMs();
  }

  monotonicMs(): number {
    return this.base.monotonicMs();
  }

  setTimeout(callback: () => void, delayMs: number): Timer {
    return this.base.setTimeout(callback, delayMs);
  }

  setInterval(callback: () => void, periodMs: number): Timer {
    return this.base.setInterval(callback, periodMs);
  }
}
