/**
 * How often and how patiently publishers retry outputs a service did not accept. One policy for
 * every sink; the SDK clients run with their own retries off (`maxAttempts: 1`) so every retry is
 * counted in the metrics and every wait ends when the Lambda deadline nears.
 */

/** Retry settings of one publisher. */
export interface RetryPolicy {
  /** Attempts per output, the first one included. @default 6 */
  maxAttempts: number;
  /** Ceiling of the first wait after a server error or dropped connection, in ms. @default 100 */
  baseDelayMs: number;
  /** Ceiling of the first wait after throttling, in ms. @default 500 */
  throttlingBaseDelayMs: number;
  /** Largest wait, in ms. @default 20000 */
  maxDelayMs: number;
}

/**
 * The defaults: the bases and the cap of the AWS SDK's standard retry mode (100 ms, 500 ms for
 * throttling, 20 s), with more attempts than its 3 because a partial batch costs one request for
 * many outputs.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 6,
  baseDelayMs: 100,
  throttlingBaseDelayMs: 500,
  maxDelayMs: 20_000,
});

/** Fills in {@link DEFAULT_RETRY_POLICY} for the settings not given. */
export function resolveRetryPolicy(policy: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...policy };
}
