import pLimit from 'p-limit';
import type { ClaimCheck, MemoryEventDetail } from '../../catalog/types.js';
import { classifyError } from '../../delivery/classifyError.js';
import { type AttemptOutcome, deliverInRounds } from '../../delivery/deliverInRounds.js';
import type { RetryPolicy } from '../../delivery/retryPolicy.js';
import type { DeliveryTelemetry } from '../../observability/DeliveryTelemetry.js';
import type { SinkName } from '../../routing/types.js';
import type { DeliveryOutcome } from '../types.js';
import type { ClaimCheckStore } from './types.js';

/** An oversize detail to park in S3. */
export interface OversizeDetail {
  detail: MemoryEventDetail;
  /** The detail serialized (what the object will hold). */
  body: string;
}

/** Options for {@link claimCheckAll}. */
export interface ClaimCheckAllOptions {
  /** The store; without one an oversize detail is rejected (it can never be published). */
  store: ClaimCheckStore | undefined;
  sink: SinkName;
  /** Size limit the detail broke, for the rejection reason. */
  limitBytes: number;
  policy: RetryPolicy;
  signal?: AbortSignal;
  /** Parallel PutObject calls. @default 4 */
  concurrency?: number;
  telemetry?: DeliveryTelemetry;
}

/** Per detail: the pointer to publish, or why it could not be parked. */
export type ClaimCheckResult = { claimCheck: ClaimCheck } | { outcome: DeliveryOutcome };

/**
 * Writes each oversize detail to the claim-check store, retrying failed writes with the delivery
 * retry policy. Results are in the order of `items`.
 */
export async function claimCheckAll(
  items: readonly OversizeDetail[],
  options: ClaimCheckAllOptions,
): Promise<ClaimCheckResult[]> {
  const { store, sink, telemetry, signal } = options;
  if (!store) {
    return items.map(({ body }) => ({
      outcome: {
        status: 'rejected',
        reason: `${sink}: detail of ${Buffer.byteLength(body)} bytes exceeds the ${options.limitBytes}-byte limit and no claim-check bucket is configured`,
      },
    }));
  }
  const pointers = new Map<OversizeDetail, ClaimCheck>();
  const limit = pLimit(options.concurrency ?? 4);
  const outcomes = await deliverInRounds(
    items,
    (pending) =>
      Promise.all(
        pending.map((item) =>
          limit(async (): Promise<AttemptOutcome> => {
            try {
              const claimCheck = await store.put(item.detail.eventId, item.body, { signal });
              pointers.set(item, claimCheck);
              return { status: 'accepted' };
            } catch (error) {
              return classifyError(error, signal);
            }
          }),
        ),
      ),
    { policy: options.policy, signal, onRetry: (count) => telemetry?.count(sink, 'retries', count) },
  );
  return items.map((item, index) => {
    const claimCheck = pointers.get(item);
    if (claimCheck) {
      telemetry?.count(sink, 'claimChecks');
      telemetry?.count(sink, 'claimCheckBytes', claimCheck.bytes);
      return { claimCheck };
    }
    return { outcome: outcomes[index]! };
  });
}
