/**
 * The one back-off and retry classification of memory-cdc: the delivery loop, the archiver's
 * BatchWriteItem, the live tools and the local event source mapping all wait and classify errors
 * here. Their clients run with the SDK's own retries off (`maxAttempts: 1`) so that this is the one
 * retry policy: every retry is visible (reported) and a Ctrl-C or a deadline cuts a wait short.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Throttling error names of DynamoDB and DynamoDB Streams. */
const THROTTLING = new Set([
  'LimitExceededException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'Throttling',
]);

/** Server-side error names that another attempt may get past. */
const TRANSIENT = new Set(['InternalServerError', 'ServiceUnavailable', 'InternalFailure', 'TimeoutError']);

/** Socket errors of a dropped connection (not of a wrong endpoint: ECONNREFUSED fails at once). */
const NETWORK = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

interface AwsErrorShape {
  name?: string;
  code?: string;
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
}

/** True when the error is throttling (the service asks the caller to slow down). */
export function isThrottlingError(error: unknown): boolean {
  const e = error as AwsErrorShape | null;
  return !!e && (THROTTLING.has(e.name ?? '') || e.$retryable?.throttling === true);
}

/** True when another attempt may succeed: throttling, 5xx, or a dropped connection. */
export function isRetryableError(error: unknown): boolean {
  if (isThrottlingError(error)) return true;
  const e = error as AwsErrorShape | null;
  if (!e) return false;
  if (TRANSIENT.has(e.name ?? '') || NETWORK.has(e.code ?? '')) return true;
  const status = e.$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 500;
}

/** Back-off settings. */
export interface BackoffOptions {
  /** First delay's ceiling in ms. @default 100 */
  baseMs?: number;
  /** Largest delay in ms. @default 5000 */
  maxMs?: number;
  /** Consecutive retryable failures tolerated before giving up. @default 10 */
  maxRetries?: number;
}

/** Settings with defaults filled in. */
export type ResolvedBackoff = Required<BackoffOptions>;

/** Fills in {@link BackoffOptions} defaults. */
export function resolveBackoff(options: BackoffOptions = {}): ResolvedBackoff {
  return {
    baseMs: options.baseMs ?? 100,
    maxMs: options.maxMs ?? 5000,
    maxRetries: options.maxRetries ?? 10,
  };
}

/**
 * Delay before retry number `attempt` (1 for the first retry): "full jitter", a random time up to
 * `baseMs * 2^(attempt-1)` capped at `maxMs`, so parallel readers do not retry in step.
 */
export function backoffDelay(
  attempt: number,
  options: ResolvedBackoff,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}

/** Waits `ms`, or less when the signal aborts first. Never rejects. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return;
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if (!signal?.aborted) throw error;
  }
}

/** What {@link retrying} reports before each wait. */
export interface RetryNotice {
  error: unknown;
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
}

/**
 * Runs `call` until it succeeds, waiting with back-off after each retryable failure (see
 * {@link isRetryableError}). Non-retryable errors, and the last retryable one after `maxRetries`,
 * are thrown as they came. When the signal aborts during a wait, the last error is thrown.
 */
export async function retrying<T>(
  call: () => Promise<T>,
  options: { backoff: ResolvedBackoff; signal?: AbortSignal; onRetry?: (notice: RetryNotice) => void },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryableError(error) || attempt > options.backoff.maxRetries || options.signal?.aborted)
        throw error;
      const delayMs = backoffDelay(attempt, options.backoff);
      options.onRetry?.({ error, attempt, delayMs });
      await sleep(delayMs, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}
