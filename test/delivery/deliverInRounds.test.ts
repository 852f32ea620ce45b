import { describe, expect, it } from 'vitest';
import { type AttemptOutcome, deliverInRounds } from '../../lib/delivery/deliverInRounds.js';
import { FAST_RETRY } from './outputs.js';

describe('deliverInRounds', () => {
  it('sends only what is still pending in each round, in the original order', async () => {
    const rounds: string[][] = [];
    const failures: Record<string, number> = { b: 2, d: 1 };
    const outcomes = await deliverInRounds(
      ['a', 'b', 'c', 'd'],
      async (pending) => {
        rounds.push([...pending]);
        return pending.map((item): AttemptOutcome => {
          if ((failures[item] ?? 0) > 0) {
            failures[item]!--;
            return { status: 'retryable', reason: 'InternalFailure' };
          }
          return { status: 'accepted' };
        });
      },
      { policy: FAST_RETRY },
    );

    expect(rounds).toEqual([['a', 'b', 'c', 'd'], ['b', 'd'], ['b']]);
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
  });

  it('never retries a rejected item', async () => {
    let calls = 0;
    const outcomes = await deliverInRounds(
      ['x'],
      async () => {
        calls++;
        return [{ status: 'rejected', reason: 'MalformedDetail' }];
      },
      { policy: FAST_RETRY },
    );

    expect(calls).toBe(1);
    expect(outcomes).toEqual([{ status: 'rejected', reason: 'MalformedDetail' }]);
  });

  it('gives up after maxAttempts rounds and keeps the last reason', async () => {
    let calls = 0;
    const outcomes = await deliverInRounds(
      ['x'],
      async () => {
        calls++;
        return [{ status: 'retryable', reason: `throttled ${calls}`, throttled: true }];
      },
      { policy: { ...FAST_RETRY, maxAttempts: 3 } },
    );

    expect(calls).toBe(3);
    expect(outcomes).toEqual([{ status: 'retryable', reason: 'throttled 3' }]);
  });

  it('waits longer after throttling than after other errors (full jitter up to the base)', async () => {
    const waits: number[] = [];
    for (const throttled of [false, true]) {
      await deliverInRounds(
        ['x'],
        async (_, round) =>
          round === 1
            ? [
                throttled
                  ? { status: 'retryable', reason: 't', throttled: true }
                  : { status: 'retryable', reason: 'e' },
              ]
            : [{ status: 'accepted' }],
        {
          policy: { maxAttempts: 2, baseDelayMs: 10, throttlingBaseDelayMs: 50, maxDelayMs: 1000 },
          random: () => 0.5,
          onRetry: (_, delayMs) => waits.push(delayMs),
        },
      );
    }

    expect(waits).toEqual([5, 25]);
  });

  it('starts no round after the signal aborted and says so', async () => {
    const controller = new AbortController();
    let calls = 0;
    const outcomes = await deliverInRounds(
      ['x', 'y'],
      async (pending) => {
        calls++;
        controller.abort();
        return pending.map(() => ({ status: 'retryable', reason: 'InternalFailure' }) as const);
      },
      { policy: { ...FAST_RETRY, baseDelayMs: 10_000, maxDelayMs: 10_000 }, signal: controller.signal },
    );

    expect(calls).toBe(1);
    expect(outcomes[0]).toEqual({ status: 'retryable', reason: 'deadline reached (last: InternalFailure)' });
  });
});
