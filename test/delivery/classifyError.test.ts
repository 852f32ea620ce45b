import { describe, expect, it } from 'vitest';
import { classifyError } from '../../lib/delivery/classifyError.js';

/** An error shaped like the AWS SDK's service exceptions. */
const sdkError = (name: string, status: number) =>
  Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode: status } });

describe('classifyError', () => {
  it.each([
    ['AccessDeniedException', 400],
    ['AccessDenied', 403],
    ['ResourceNotFoundException', 400],
    ['NoSuchBucket', 404],
  ])(
    'keeps %s retryable: configuration an operator fixes, so the records wait instead of being dead-lettered',
    (name, status) => {
      expect(classifyError(sdkError(name, status)).status).toBe('retryable');
    },
  );

  it('keeps a call that timed out retryable', () => {
    expect(classifyError(Object.assign(new Error('timed out'), { name: 'TimeoutError' })).status).toBe(
      'retryable',
    );
  });

  it.each([['ValidationException'], ['MalformedDetail'], ['EntityTooLarge']])(
    'rejects %s: the request itself is invalid and would fail again',
    (name) => {
      expect(classifyError(sdkError(name, 400)).status).toBe('rejected');
    },
  );

  it('treats everything once the deadline fired as retryable', () => {
    const outcome = classifyError(sdkError('ValidationException', 400), AbortSignal.abort());
    expect(outcome).toMatchObject({
      status: 'retryable',
      reason: expect.stringMatching(/^aborted at deadline/),
    });
  });
});
