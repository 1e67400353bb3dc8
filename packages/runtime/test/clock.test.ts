import { describe, expect, it } from 'vitest';
import { systemClock } from '../src/host/index.js';
import { FixedStartClock, MockableClock, type Clock, type Timer } from '../src/index.js';

/** A base clock whose monotonic time the test moves by hand. */
class ManualClock implements Clock {
  mono = 5_000.25;
  nowMs(): number {
    return 1;
  }
  monotonicMs(): number {
    return this.mono;
  }
  setTimeout(): Timer {
    return { cancel() {} };
  }
  setInterval(): Timer {
    return { cancel() {} };
  }
}

describe('system clock', () => {
  it('reads the wall clock and a monotonic clock', () => {
    const clock = systemClock();
    const before = Date.now();
    const now = clock.nowMs();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    const m1 = clock.monotonicMs();
    expect(clock.monotonicMs()).toBeGreaterThanOrEqual(m1);
  });

  it('runs timeouts and intervals, and cancels them', async () => {
    const clock = systemClock();
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 5));
    let cancelledRan = false;
    clock.setTimeout(() => (cancelledRan = true), 1).cancel();
    let ticks = 0;
    const timer = await new Promise<Timer>((resolve) => {
      const t = clock.setInterval(() => {
        ticks += 1;
        if (ticks === 3) resolve(t);
      }, 1);
    });
    timer.cancel();
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 20));
    expect(ticks).toBe(3);
    expect(cancelledRan).toBe(false);
  });
});

describe('fixed-start clock (clock: !mock {time})', () => {
  it('starts at the given time and advances with the monotonic clock', () => {
    const base = new ManualClock();
    const clock = new FixedStartClock(1_700_000_000, base);
    expect(clock.nowMs()).toBe(1_700_000_000_000);
    base.mono += 1_500;
    expect(clock.nowMs()).toBe(1_700_000_001_500);
    expect(clock.monotonicMs()).toBe(base.mono);
  });

  it('is frozen by setmocktime when wrapped in MockableClock, and thaws on 0', () => {
    const base = new ManualClock();
    const clock = new MockableClock(new FixedStartClock(1_700_000_000, base));
    clock.setMockTime(1_600_000_000);
    base.mono += 10_000;
    expect(clock.nowMs()).toBe(1_600_000_000_000);
    clock.setMockTime(0);
    expect(clock.nowMs()).toBe(1_700_000_010_000);
  });

  it('requires a base clock and a positive whole start', () => {
    expect(() => new FixedStartClock(1, undefined as unknown as Clock)).toThrow(TypeError);
    expect(() => new FixedStartClock(0, new ManualClock())).toThrow(RangeError);
    expect(() => new FixedStartClock(1.5, new ManualClock())).toThrow(RangeError);
  });
});
