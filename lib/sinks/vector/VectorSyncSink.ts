/**
 * The vector sink: hands vector outputs to a {@link VectorSyncWorker} and reports, per output,
 * whether the index now reflects it. Retryable outcomes are retried in rounds with the shared
 * delivery policy; each round re-reads the index, so a retry never overwrites a newer change.
 */
import { type AttemptOutcome, deliverInRounds } from '../../delivery/deliverInRounds.js';
import { type RetryPolicy, resolveRetryPolicy } from '../../delivery/retryPolicy.js';
import type { DeliveryTelemetry } from '../../observability/DeliveryTelemetry.js';
import type { VectorOutput } from '../../routing/types.js';
import type { VectorSyncOutcome } from '../../vector/types.js';
import type { VectorSyncWorker } from '../../vector/VectorSyncWorker.js';
import type { DeliverOptions, DeliveryReport, Sink } from '../types.js';

/** Options for {@link VectorSyncSink}. */
export interface VectorSyncSinkOptions {
  worker: VectorSyncWorker;
  /** Attempts per output within one call. @default DEFAULT_RETRY_POLICY */
  retry?: Partial<RetryPolicy>;
  /** Called with the worker's outcome of every operation, for logs and counters. */
  onOutcome?: (output: VectorOutput, outcome: VectorSyncOutcome) => void;
  /** Counts apply rounds (`requests`), retried outputs and throttled ones under sink `vector`. */
  telemetry?: DeliveryTelemetry;
}

/** Maps the worker's outcome to the delivery vocabulary: every applied or skipped change is accepted. */
export function toAttemptOutcome(outcome: VectorSyncOutcome): AttemptOutcome {
  switch (outcome.status) {
    case 'retryable':
      return outcome.throttled
        ? { status: 'retryable', reason: outcome.reason, throttled: true }
        : { status: 'retryable', reason: outcome.reason };
    case 'rejected':
      return { status: 'rejected', reason: outcome.reason };
    default:
      return { status: 'accepted' };
  }
}

/**
 * A {@link Sink} for vector outputs.
 *
 * @example
 * ```ts
 * const sink = new VectorSyncSink({ worker: new VectorSyncWorker({ index, embedder }) });
 * const { outcomes } = await sink.deliver(outputs.filter((o) => o.sink === 'vector'));
 * ```
 */
export class VectorSyncSink implements Sink<VectorOutput> {
  readonly name = 'vector' as const;
  readonly worker: VectorSyncWorker;
  private readonly policy: RetryPolicy;
  private readonly onOutcome: VectorSyncSinkOptions['onOutcome'];
  private readonly telemetry: DeliveryTelemetry | undefined;

  constructor(options: VectorSyncSinkOptions) {
    this.worker = options.worker;
    this.policy = resolveRetryPolicy(options.retry);
    this.onOutcome = options.onOutcome;
    this.telemetry = options.telemetry;
  }

  async deliver(outputs: readonly VectorOutput[], options: DeliverOptions = {}): Promise<DeliveryReport> {
    const { signal } = options;
    const outcomes = await deliverInRounds(
      outputs,
      async (pending) => {
        this.telemetry?.count(this.name, 'requests');
        const results = await this.worker.apply(
          pending.map((o) => o.payload),
          signal ? { signal } : {},
        );
        return results.map((result, n) => {
          this.onOutcome?.(pending[n]!, result);
          if (result.status === 'retryable' && result.throttled)
            this.telemetry?.count(this.name, 'throttles');
          return toAttemptOutcome(result);
        });
      },
      {
        policy: this.policy,
        ...(signal ? { signal } : {}),
        onRetry: (count) => this.telemetry?.count(this.name, 'retries', count),
      },
    );
    return { outcomes };
  }

  async close(): Promise<void> {
    await this.worker.index.close();
  }
}
