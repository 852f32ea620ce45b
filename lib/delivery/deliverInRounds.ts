/**
 * The one retry loop of the publishers: send what is pending, keep what was not accepted, wait with
 * back-off, send again — only the outputs that failed, never the ones already accepted.
 */
import { backoffDelay, sleep } from '../retry/backoff.js';
import type { DeliveryOutcome } from '../sinks/types.js';
import type { RetryPolicy } from './retryPolicy.js';

/** A delivery outcome as a publisher reports it for one attempt; `throttled` lengthens the wait. */
export type AttemptOutcome = DeliveryOutcome | { status: 'retryable'; reason: string; throttled: true };

/** An output's outcome until it is sent or refused (one shared object: outcomes are replaced, never changed). */
export const NOT_SENT: DeliveryOutcome = Object.freeze({ status: 'retryable', reason: 'not sent' });

/** Options for {@link deliverInRounds}. */
export interface DeliverInRoundsOptions {
  policy: RetryPolicy;
  /** Aborted when the Lambda deadline nears: no new round starts and a wait ends at once. */
  signal?: AbortSignal;
  /** Called before each wait with the number of outputs the next round retries and the wait. */
  onRetry?: (count: number, delayMs: number) => void;
  /** Random source for the jitter (tests pass a fixed one). @default Math.random */
  random?: () => number;
}

/**
 * Delivers `items` in rounds. `sendRound` gets the items still pending (in their original order)
 * and returns one outcome per item. Accepted and rejected items are final; retryable ones go into
 * the next round after a "full jitter" wait (a random time up to `base * 2^(round-1)`, capped),
 * with the throttling base when any failure of the round was throttling. After
 * `policy.maxAttempts` rounds, or when the signal aborts, what is still pending stays retryable.
 *
 * @example
 * ```ts
 * const outcomes = await deliverInRounds(entries, async (pending) => sendBatch(pending), {
 *   policy: DEFAULT_RETRY_POLICY,
 *   signal,
 * });
 * ```
 * @returns one final outcome per item, in the order of `items`
 */
export async function deliverInRounds<T>(
  items: readonly T[],
  sendRound: (pending: readonly T[], round: number) => Promise<readonly AttemptOutcome[]>,
  options: DeliverInRoundsOptions,
): Promise<DeliveryOutcome[]> {
  const { policy, signal } = options;
  const outcomes: DeliveryOutcome[] = new Array(items.length).fill(NOT_SENT);
  let pending = items.map((_, index) => index);
  for (let round = 1; pending.length > 0 && round <= policy.maxAttempts; round++) {
    if (signal?.aborted) break;
    const results = await sendRound(
      // The first round sends every item, in order: no need to copy them.
      pending.length === items.length ? items : pending.map((index) => items[index]!),
      round,
    );
    const next: number[] = [];
    let throttled = false;
    pending.forEach((index, position) => {
      const result = results[position] ?? NO_RESULT;
      outcomes[index] = toDeliveryOutcome(result);
      if (result.status === 'retryable') {
        next.push(index);
        if ('throttled' in result) throttled = true;
      }
    });
    pending = next;
    if (pending.length === 0 || round === policy.maxAttempts || signal?.aborted) break;
    const delayMs = backoffDelay(
      round,
      {
        baseMs: throttled ? policy.throttlingBaseDelayMs : policy.baseDelayMs,
        maxMs: policy.maxDelayMs,
        maxRetries: policy.maxAttempts - 1,
      },
      options.random,
    );
    options.onRetry?.(pending.length, delayMs);
    await sleep(delayMs, signal);
  }
  if (signal?.aborted) {
    for (const index of pending) {
      const last = outcomes[index]!;
      const reason = last.status === 'retryable' ? last.reason : 'not sent';
      outcomes[index] = { status: 'retryable', reason: `deadline reached (last: ${reason})` };
    }
  }
  return outcomes;
}

// Shared outcomes: outcomes are replaced, never changed.
const NO_RESULT: DeliveryOutcome = Object.freeze({ status: 'retryable', reason: 'no result for output' });

function toDeliveryOutcome(outcome: AttemptOutcome): DeliveryOutcome {
  return outcome.status === 'retryable' ? { status: 'retryable', reason: outcome.reason } : outcome;
}
