/**
 * Counters the publishers bump while they work (requests sent, outputs retried, claim checks). One
 * instance lives as long as the Lambda container; the batch processor resets it when a batch starts
 * and reads it when the batch ends. Lambda runs one invocation at a time per container, so the
 * counts of a batch are its own.
 */
import type { SinkName } from '../routing/types.js';

/** What a publisher counts. */
export interface PublisherCounters {
  /** API calls made (PutEvents, PutRecords, PutObject for claim checks excluded). */
  requests: number;
  /** Outputs sent again after a failed attempt. */
  retries: number;
  /** Outputs whose detail went to S3 because it was too large. */
  claimChecks: number;
  /** Bytes written to S3 by those claim checks. */
  claimCheckBytes: number;
  /** Requests or entries that came back throttled. */
  throttles: number;
}

/** The counter names of {@link PublisherCounters}. */
export type PublisherCounter = keyof PublisherCounters;

/** Zeroed counters. */
export function emptyCounters(): PublisherCounters {
  return { requests: 0, retries: 0, claimChecks: 0, claimCheckBytes: 0, throttles: 0 };
}

/**
 * Per-sink counters shared by the publishers and the batch processor.
 *
 * @example
 * ```ts
 * const telemetry = new DeliveryTelemetry();
 * const publisher = new KinesisPublisher({ client, streamName, telemetry });
 * // ... after a batch:
 * telemetry.snapshot().kinesis?.requests;
 * ```
 */
export class DeliveryTelemetry {
  private readonly counters = new Map<SinkName, PublisherCounters>();

  /** Adds `amount` to one counter of one sink. */
  count(sink: SinkName, counter: PublisherCounter, amount = 1): void {
    let counters = this.counters.get(sink);
    if (!counters) {
      counters = emptyCounters();
      this.counters.set(sink, counters);
    }
    counters[counter] += amount;
  }

  /** Zeroes every counter (the processor calls this when a batch starts). */
  reset(): void {
    this.counters.clear();
  }

  /** A copy of the counters of the sinks that counted anything. */
  snapshot(): Partial<Record<SinkName, PublisherCounters>> {
    const copy: Partial<Record<SinkName, PublisherCounters>> = {};
    for (const [sink, counters] of this.counters) copy[sink] = { ...counters };
    return copy;
  }
}
