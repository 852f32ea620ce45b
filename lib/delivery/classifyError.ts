/**
 * What a thrown SDK error means for the outputs of the request that failed: another attempt may
 * succeed (throttling, 5xx, a dropped connection, the deadline), or the request was invalid.
 */
import { isRetryableError, isThrottlingError } from '../retry/backoff.js';
import type { AttemptOutcome } from './deliverInRounds.js';

/**
 * Error names that mean the request itself is invalid: sending it again cannot succeed. Names of
 * missing permissions or resources are not here on purpose: they are configuration, fixed by an
 * operator, and the records must wait for that (the shard blocks and alarms) rather than be
 * dead-lettered by the thousand.
 */
const INVALID_REQUEST = new Set([
  'ValidationException',
  'InvalidArgumentException',
  'InvalidArgument',
  'MalformedDetail',
  'SerializationException',
  'InvalidRequestException',
  'EntityTooLarge',
  'InvalidParameterValueException',
]);

interface ErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Short text naming the error, for logs and dead letters (never item contents). */
export function describeError(error: unknown): string {
  const e = error as ErrorShape | null;
  if (!e || typeof e !== 'object') return String(error);
  const status = e.$metadata?.httpStatusCode;
  return `${e.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${(e.message ?? '').slice(0, 300)}`;
}

/**
 * Classifies an error thrown by a request. `signal` is the deadline signal of the delivery: an
 * abort is always retryable (the next invocation sends the outputs again).
 */
export function classifyError(error: unknown, signal?: AbortSignal): AttemptOutcome {
  const reason = describeError(error);
  if (signal?.aborted || (error as ErrorShape | null)?.name === 'AbortError') {
    return { status: 'retryable', reason: `aborted at deadline: ${reason}` };
  }
  if (isThrottlingError(error)) return { status: 'retryable', reason, throttled: true };
  if (isRetryableError(error)) return { status: 'retryable', reason };
  if (INVALID_REQUEST.has((error as ErrorShape | null)?.name ?? '')) return { status: 'rejected', reason };
  return { status: 'retryable', reason };
}
