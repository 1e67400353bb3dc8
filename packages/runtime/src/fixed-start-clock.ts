/**
 * A clock that starts at a fixed wall time and then runs forward with the base clock's monotonic
 * time: `clock: !mock {time: N}` in the manifest. Two runs started from the same manifest see the
 * same times relative to their start, which is what reproducible regtest runs need (block times
 * advance, so difficulty and median-time-past rules still behave).
 *
 * This differs on purpose from Core's `-mocktime`/`setmocktime`, which freezes time: freezing is
 * `MockableClock` (clock.ts), which the launcher wraps around this one so `setmocktime` works.
 */
import type { Clock, Timer } from './clock.js';

export class FixedStartClock implements Clock {
  private readonly startMs: number;
  private readonly monotonicStartMs: number;

  constructor(
    startSeconds: number,
    private readonly base: Clock,
  ) {
    if (base === undefined) throw new TypeError('FixedStartClock: base clock is required');
    if (!Number.isSafeInteger(startSeconds) || startSeconds <= 0) {
      throw new RangeError(`FixedStartClock: start ${startSeconds} is not a positive integer`);
    }
    this.startMs = startSeconds * 1000;
    this.monotonicStartMs = base.monotonicMs();
  }

  nowMs(): number {
    return this.startMs + Math.floor(this.base.monotonicMs() - this.monotonicStartMs);
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
