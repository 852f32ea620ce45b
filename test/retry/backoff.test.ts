import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  isRetryableError,
  isThrottlingError,
  resolveBackoff,
  retrying,
} from '../../lib/retry/backoff.js';

const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra });

describe('backoff', () => {
  it('tells throttling and transient errors from final ones', () => {
    expect(isThrottlingError(named('LimitExceededException'))).toBe(true);
    expect(isThrottlingError(named('ProvisionedThroughputExceededException'))).toBe(true);
    expect(isRetryableError(named('InternalServerError'))).toBe(true);
    expect(isRetryableError(named('Whatever', { $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isRetryableError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryableError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isRetryableError(named('AccessDeniedException', { $metadata: { httpStatusCode: 400 } }))).toBe(
      false,
    );
  });

  it('caps full-jitter delays', () => {
    const options = resolveBackoff({ baseMs: 100, maxMs: 1000 });
    expect(backoffDelay(1, options, () => 1)).toBe(100);
    expect(backoffDelay(3, options, () => 1)).toBe(400);
    expect(backoffDelay(10, options, () => 1)).toBe(1000);
    expect(backoffDelay(10, options, () => 0)).toBe(0);
  });

  it('retries retryable failures up to the limit and throws the last one', async () => {
    let calls = 0;
    const seen: number[] = [];
    const error = await retrying(
      async () => {
        calls++;
        throw named('ThrottlingException');
      },
      { backoff: resolveBackoff({ baseMs: 0, maxRetries: 2 }), onRetry: (n) => seen.push(n.attempt) },
    ).catch((e: unknown) => e);
    expect((error as Error).name).toBe('ThrottlingException');
    expect(calls).toBe(3);
    expect(seen).toEqual([1, 2]);
  });

  it('does not retry a final error', async () => {
    let calls = 0;
    await expect(
      retrying(
        async () => {
          calls++;
          throw named('ValidationException');
        },
        { backoff: resolveBackoff() },
      ),
    ).rejects.toThrow('ValidationException');
    expect(calls).toBe(1);
  });
});
