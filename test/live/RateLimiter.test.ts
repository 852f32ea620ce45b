import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../lib/live/backfill/RateLimiter.js';

function fakeTimer() {
  const timer = {
    clock: 0,
    waits: [] as number[],
    now: () => timer.clock,
    sleep: async (ms: number) => {
      timer.waits.push(ms);
      timer.clock += ms;
    },
  };
  return timer;
}

describe('RateLimiter', () => {
  it('lets a one-second burst through, then spaces records at the rate', async () => {
    const timer = fakeTimer();
    const limiter = new RateLimiter(100, timer);
    expect(await limiter.take(100)).toBe(0);
    expect(await limiter.take(50)).toBe(500);
    expect(await limiter.take(50)).toBe(500);
    expect(timer.clock).toBe(1000);
  });

  it('keeps the average over a long run at the rate', async () => {
    const timer = fakeTimer();
    const limiter = new RateLimiter(20, timer);
    for (let i = 0; i < 100; i++) await limiter.take(7);
    // 700 records at 20/s = 35 s, less the one-second burst.
    expect(timer.clock).toBe(34_000);
  });

  it('does not wait after idle time has refilled the burst', async () => {
    const timer = fakeTimer();
    const limiter = new RateLimiter(10, timer);
    await limiter.take(20);
    timer.clock += 10_000;
    expect(await limiter.take(10)).toBe(0);
  });

  it('never waits without a limit, and rejects a rate that is not positive', async () => {
    expect(await new RateLimiter(Number.POSITIVE_INFINITY).take(1_000_000)).toBe(0);
    expect(() => new RateLimiter(0)).toThrow(RangeError);
  });
});
