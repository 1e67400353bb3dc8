/**
 * The system clock: wall time from `Date.now()`, monotonic time from `performance.now()`, timers
 * from Node's. Made only by the launcher; everything else receives a Clock.
 *
 * Intervals are unref'd: periodic housekeeping (pings, flushes, address relay) must not keep a
 * stopping process alive; the node's life is held by its sockets. One-shot timeouts stay
 * referenced, because code usually awaits them.
 */
import type { Clock, Timer } from '../clock.js';

export class SystemClock implements Clock {
  nowMs(): number {
    return Date.now();
  }

  monotonicMs(): number {
    return performance.now();
  }

  setTimeout(callback: () => void, delayMs: number): Timer {
    const t = setTimeout(callback, delayMs);
    return { cancel: () => clearTimeout(t) };
  }

  setInterval(callback: () => void, periodMs: number): Timer {
    const t = setInterval(callback, periodMs);
    t.unref();
    return { cancel: () => clearInterval(t) };
  }
}

export function systemClock(): Clock {
  return new SystemClock();
}
