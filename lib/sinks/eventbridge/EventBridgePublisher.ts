/**
 * Publishes EventBridge outputs with PutEvents: packed to the request limits, only failed entries
 * retried, oversize events sent as claim checks.
 */
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import pLimit from 'p-limit';
import type { MemoryEventDetail } from '../../catalog/types.js';
import { classifyError, describeError } from '../../delivery/classifyError.js';
import { type AttemptOutcome, deliverInRounds } from '../../delivery/deliverInRounds.js';
import { packBatches } from '../../delivery/packBatches.js';
import { type RetryPolicy, resolveRetryPolicy } from '../../delivery/retryPolicy.js';
import type { DeliveryTelemetry } from '../../observability/DeliveryTelemetry.js';
import type { EventBridgeOutput } from '../../routing/types.js';
import { claimCheckAll } from '../claimCheck/claimCheckAll.js';
import { claimCheckedDetail } from '../claimCheck/claimCheckedDetail.js';
import type { ClaimCheckStore } from '../claimCheck/types.js';
import type { DeliverOptions, DeliveryOutcome, DeliveryReport, Sink } from '../types.js';
import { entryOutcome } from './entryOutcome.js';
import { DEFAULT_PUT_EVENTS_MAX_BYTES, PUT_EVENTS_MAX_ENTRIES } from './limits.js';
import { putEventsEntrySize } from './putEventsEntrySize.js';

/** Options for {@link EventBridgePublisher}. */
export interface EventBridgePublisherOptions {
  /** The client; give it `maxAttempts: 1` (this publisher does the retrying). */
  client: EventBridgeClient;
  /** EVENT_BUS_NAME: the bus of entries that name none. */
  eventBusName: string;
  /**
   * Size limit of one request: the sum of its entry sizes must stay below it; a single entry at
   * or over it is sent as a claim check. @default 1,000,000 ({@link DEFAULT_PUT_EVENTS_MAX_BYTES})
   */
  maxRequestBytes?: number;
  /** PutEvents requests in flight at once. @default 4 */
  concurrency?: number;
  /** Where oversize details go. Without it an oversize event is rejected (dead-lettered). */
  claimCheck?: ClaimCheckStore;
  /** Retry settings. @default DEFAULT_RETRY_POLICY */
  retry?: Partial<RetryPolicy>;
  /** Counters for the batch summary and metrics. */
  telemetry?: DeliveryTelemetry;
}

/** One output ready to send. */
interface PreparedEntry {
  index: number;
  entry: PutEventsRequestEntry;
  bytes: number;
  /** Sent alone after its request was rejected as a whole (to find the one bad entry). */
  isolate: boolean;
}

/**
 * The EventBridge sink of the router Lambda. Entries are packed in stream order into requests of at
 * most 10 entries and below the size limit; a request's failed entries (per-entry `ErrorCode`) are
 * collected and sent again, re-packed, after a back-off, while accepted ones are never sent twice in
 * one delivery. Invalid entries (`InvalidArgument`, `MalformedDetail`) are reported `rejected`.
 *
 * @example
 * ```ts
 * import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
 *
 * const publisher = new EventBridgePublisher({
 *   client: new EventBridgeClient({ maxAttempts: 1 }),
 *   eventBusName: process.env.EVENT_BUS_NAME!,
 * });
 * const { outcomes } = await publisher.deliver(outputs, { signal });
 * ```
 */
export class EventBridgePublisher implements Sink<EventBridgeOutput> {
  readonly name = 'eventbridge' as const;
  private readonly client: EventBridgeClient;
  private readonly eventBusName: string;
  private readonly maxRequestBytes: number;
  private readonly concurrency: number;
  private readonly claimCheck: ClaimCheckStore | undefined;
  private readonly policy: RetryPolicy;
  private readonly telemetry: DeliveryTelemetry | undefined;

  constructor(options: EventBridgePublisherOptions) {
    this.client = options.client;
    this.eventBusName = options.eventBusName;
    this.maxRequestBytes = options.maxRequestBytes ?? DEFAULT_PUT_EVENTS_MAX_BYTES;
    this.concurrency = options.concurrency ?? 4;
    this.claimCheck = options.claimCheck;
    this.policy = resolveRetryPolicy(options.retry);
    this.telemetry = options.telemetry;
  }

  async deliver(
    outputs: readonly EventBridgeOutput[],
    options: DeliverOptions = {},
  ): Promise<DeliveryReport> {
    const { signal } = options;
    const outcomes: DeliveryOutcome[] = outputs.map(() => ({ status: 'retryable', reason: 'not sent' }));
    const ready: PreparedEntry[] = [];
    const oversize: { index: number; detail: MemoryEventDetail; body: string }[] = [];

    outputs.forEach((output, index) => {
      let detailJson: string;
      try {
        detailJson = JSON.stringify(output.payload.Detail);
      } catch (error) {
        outcomes[index] = {
          status: 'rejected',
          reason: `detail is not serializable: ${describeError(error)}`,
        };
        return;
      }
      const prepared = this.prepare(index, output, detailJson);
      if (prepared.bytes < this.maxRequestBytes) ready.push(prepared);
      else oversize.push({ index, detail: output.payload.Detail, body: detailJson });
    });

    if (oversize.length > 0) {
      const parked = await claimCheckAll(oversize, {
        store: this.claimCheck,
        sink: this.name,
        limitBytes: this.maxRequestBytes,
        policy: this.policy,
        signal,
        telemetry: this.telemetry,
      });
      parked.forEach((result, position) => {
        const { index, detail } = oversize[position]!;
        if ('outcome' in result) {
          outcomes[index] = result.outcome;
          return;
        }
        const summary = JSON.stringify(claimCheckedDetail(detail, result.claimCheck));
        const prepared = this.prepare(index, outputs[index]!, summary);
        if (prepared.bytes < this.maxRequestBytes) ready.push(prepared);
        else {
          outcomes[index] = {
            status: 'rejected',
            reason: `claim-check summary of ${prepared.bytes} bytes still exceeds the ${this.maxRequestBytes}-byte limit`,
          };
        }
      });
      ready.sort((a, b) => a.index - b.index);
    }

    const results = await deliverInRounds(ready, (pending) => this.sendRound(pending, signal), {
      policy: this.policy,
      signal,
      onRetry: (count) => this.telemetry?.count(this.name, 'retries', count),
    });
    ready.forEach((prepared, position) => {
      outcomes[prepared.index] = results[position]!;
    });
    return { outcomes };
  }

  private prepare(index: number, output: EventBridgeOutput, detailJson: string): PreparedEntry {
    const { payload } = output;
    const time = new Date(payload.Time);
    const entry: PutEventsRequestEntry = {
      Source: payload.Source,
      DetailType: payload.DetailType,
      Detail: detailJson,
      Resources: payload.Resources,
      EventBusName: payload.EventBusName ?? this.eventBusName,
      // An unparseable time is left out: EventBridge then stamps the time of the call.
      ...(Number.isNaN(time.getTime()) ? {} : { Time: time }),
    };
    return { index, entry, bytes: putEventsEntrySize(entry), isolate: false };
  }

  /** One round: packs what is pending into requests and sends them, `concurrency` at a time. */
  private async sendRound(
    pending: readonly PreparedEntry[],
    signal?: AbortSignal,
  ): Promise<AttemptOutcome[]> {
    const together = pending.filter((p) => !p.isolate);
    const requests = [
      ...packBatches(
        together.map((p) => ({ item: p, bytes: p.bytes })),
        { maxCount: PUT_EVENTS_MAX_ENTRIES, maxBytes: this.maxRequestBytes },
      ),
      ...pending.filter((p) => p.isolate).map((p) => [p]),
    ];
    const results = new Map<PreparedEntry, AttemptOutcome>();
    const limit = pLimit(this.concurrency);
    await Promise.all(requests.map((request) => limit(() => this.send(request, results, signal))));
    return pending.map((p) => results.get(p) ?? { status: 'retryable', reason: 'not sent' });
  }

  private async send(
    request: PreparedEntry[],
    results: Map<PreparedEntry, AttemptOutcome>,
    signal?: AbortSignal,
  ): Promise<void> {
    if (signal?.aborted) {
      for (const p of request)
        results.set(p, { status: 'retryable', reason: 'deadline reached before sending' });
      return;
    }
    this.telemetry?.count(this.name, 'requests');
    try {
      const response = await this.client.send(
        new PutEventsCommand({ Entries: request.map((p) => p.entry) }),
        {
          abortSignal: signal,
        },
      );
      const entries = response.Entries ?? [];
      if (entries.length !== request.length) {
        const reason = `response has ${entries.length} entries for ${request.length} sent`;
        for (const p of request) results.set(p, { status: 'retryable', reason });
        return;
      }
      request.forEach((p, i) => {
        const outcome = entryOutcome(entries[i]);
        if ('throttled' in outcome) this.telemetry?.count(this.name, 'throttles');
        results.set(p, outcome);
      });
    } catch (error) {
      const outcome = classifyError(error, signal);
      if ('throttled' in outcome) this.telemetry?.count(this.name, 'throttles');
      if (outcome.status === 'rejected' && request.length > 1) {
        // The request as a whole was invalid: send its entries one by one to find the bad one.
        for (const p of request) {
          p.isolate = true;
          results.set(p, {
            status: 'retryable',
            reason: `request rejected, retrying entries alone: ${outcome.reason}`,
          });
        }
        return;
      }
      for (const p of request) results.set(p, outcome);
    }
  }
}
