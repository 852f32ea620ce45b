/**
 * A rate limiter for backfill: at most `perSecond` records on average, with up to one second's
 * worth in a burst. It is the generic cell rate algorithm (GCRA): one "theoretical arrival time"
 * moves forward by `n / perSecond` per take, and a take waits while it runs more than the burst
 * ahead of the clock. Shared by all scan segments, so `--rate` bounds the whole backfill.
 */
import { sleep } from '../../retry/backoff.js';

/** Clock and sleep, injectable so tests need no real time. */
export interface Timer {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realTimer: Timer = { now: () => Date.now(), sleep };

export class RateLimiter {
  private theoreticalArrival = 0;
  private readonly burstMs: number;

  /**
   * @param perSecond records per second (> 0); `Infinity` never waits
   * @param timer clock and sleep @default the real ones
   */
  constructor(
    readonly perSecond: number,
    private readonly timer: Timer = realTimer,
  ) {
    if (!(perSecond > 0))
      throw new RangeError(`rate must be a positive number of records per second (given ${perSecond})`);
    this.burstMs = 1000;
  }

  /**
   * Waits until `n` more records fit the rate, then counts them. Returns the time waited (ms).
   * Resolves early (without waiting the rest) when the signal aborts.
   */
  async take(n: number, signal?: AbortSignal): Promise<number> {
    if (n <= 0 || this.perSecond === Number.POSITIVE_INFINITY) return 0;
    const now = this.timer.now();
    this.theoreticalArrival = Math.max(this.theoreticalArrival, now) + (n * 1000) / this.perSecond;
    const wait = this.theoreticalArrival - now - this.burstMs;
    if (wait <= 0) return 0;
    await this.timer.sleep(wait, signal);
    return wait;
  }
}
