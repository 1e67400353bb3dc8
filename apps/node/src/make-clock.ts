import type { Manifest } from '@bitcoind-lite/manifest';
import { MockableClock } from '@bitcoind-lite/runtime';
import { systemClock } from '@bitcoind-lite/runtime/host';

/**
 * `clock: !mock {time: N}` is Core's -mocktime=N: the wall clock stands still at N (blocks mined
 * back to back get the same time, so two runs from the same seed mine the same chain), while
 * timers and durations keep running on the monotonic clock. `setmocktime` moves it; 0 returns
 * to the system time, as in Core.
 */
export function makeClock(manifest: Manifest): MockableClock {
  const clock = new MockableClock(systemClock());
  if (manifest.clock !== undefined) clock.setMockTime(manifest.clock.timeSeconds);
  return clock;
}
