/**
 * One request of a batch API (PutEvents, PutRecords) and what became of each item in it.
 */
import type { DeliveryTelemetry } from '../observability/DeliveryTelemetry.js';
import type { SinkName } from '../routing/types.js';
import { classifyError } from './classifyError.js';
import type { AttemptOutcome } from './deliverInRounds.js';

/** An item of a request; `isolate` asks for it to be sent alone next time. */
export interface RequestItem {
  isolate: boolean;
}

/** Options for {@link sendRequest}. */
export interface SendRequestOptions<E> {
  /** The sink, for counters. */
  sink: SinkName;
  /** What the items are called in reasons (`entries`, `records`). */
  itemsName: string;
  /** The outcome of one item from its entry of the response. */
  outcomeOf(result: E | undefined): AttemptOutcome;
  signal?: AbortSignal;
  /** Counts the request and each throttled item. */
  telemetry?: DeliveryTelemetry;
}

/**
 * Sends one request and returns the outcome of each item, in request order: from the response's
 * per-item entries, or, when the call threw, the error classified. A response that does not hold
 * one entry per item makes every item retryable. When the service rejects a request of several
 * items as a whole, each item is marked `isolate` and reported retryable, so the next round sends
 * them one by one and finds the bad one.
 *
 * @example
 * ```ts
 * const outcomes = await sendRequest(
 *   request,
 *   async () => (await client.send(new PutEventsCommand({ Entries: request.map((p) => p.entry) }))).Entries,
 *   { sink: 'eventbridge', itemsName: 'entries', outcomeOf: entryOutcome, signal },
 * );
 * ```
 * @param call sends the request and returns the response's per-item entries
 */
export async function sendRequest<T extends RequestItem, E>(
  request: readonly T[],
  call: () => Promise<readonly E[] | undefined>,
  options: SendRequestOptions<E>,
): Promise<AttemptOutcome[]> {
  const { sink, itemsName, telemetry } = options;
  const counted = (outcome: AttemptOutcome): AttemptOutcome => {
    if ('throttled' in outcome) telemetry?.count(sink, 'throttles');
    return outcome;
  };
  telemetry?.count(sink, 'requests');
  try {
    const results = (await call()) ?? [];
    if (results.length !== request.length) {
      const reason = `response has ${results.length} ${itemsName} for ${request.length} sent`;
      return request.map(() => ({ status: 'retryable', reason }));
    }
    return results.map((result) => counted(options.outcomeOf(result)));
  } catch (error) {
    const outcome = counted(classifyError(error, options.signal));
    if (outcome.status === 'rejected' && request.length > 1) {
      for (const item of request) item.isolate = true;
      return request.map(() => ({
        status: 'retryable',
        reason: `request rejected, retrying ${itemsName} alone: ${outcome.reason}`,
      }));
    }
    return request.map(() => outcome);
  }
}
