import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchDeadline } from '../../lib/delivery/deadline.js';

describe('watchDeadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Milliseconds until each signal fires, found by stepping the fake clock. */
  function firesAt(options: Parameters<typeof watchDeadline>[0], horizonMs: number) {
    const deadline = watchDeadline(options);
    const at: { soft?: number; hard?: number } = {};
    for (let ms = 0; ms <= horizonMs; ms += 50) {
      if (at.soft === undefined && deadline.soft.aborted) at.soft = ms;
      if (at.hard === undefined && deadline.hard.aborted) at.hard = ms;
      vi.advanceTimersByTime(50);
    }
    deadline.dispose();
    return at;
  }

  it('stops delivering 5 s before the Lambda deadline by default, and everything 0.5 s before', () => {
    expect(firesAt({ remainingTimeMs: () => 60_000 }, 61_000)).toEqual({ soft: 55_000, hard: 59_500 });
  });

  it('keeps back the reserve it is given', () => {
    expect(firesAt({ remainingTimeMs: () => 30_000, reserveMs: 6_000 }, 31_000)).toEqual({
      soft: 24_000,
      hard: 29_500,
    });
  });

  it('keeps back at most a quarter of a short invocation, so it still delivers', () => {
    expect(firesAt({ remainingTimeMs: () => 4_000 }, 5_000)).toEqual({ soft: 3_000, hard: 3_600 });
  });

  it('never fires without a deadline (local runs)', () => {
    const deadline = watchDeadline({});
    vi.advanceTimersByTime(24 * 3_600_000);
    expect([deadline.soft.aborted, deadline.hard.aborted]).toEqual([false, false]);
  });

  it('fires nothing once disposed', () => {
    const deadline = watchDeadline({ remainingTimeMs: () => 10_000 });
    deadline.dispose();
    vi.advanceTimersByTime(20_000);
    expect(deadline.soft.aborted).toBe(false);
  });
});
