/**
 * Publishes EventBridge outputs with PutEvents: packed to the request limits, only failed entries
 * retried, oversize events sent as claim checks.
 */
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { type AttemptOutcome, deliverInRounds, NOT_SENT } from '../../delivery/deliverInRounds.js';
import { packSized } from '../../delivery/packBatches.js';
import { OutputPreparer, type PreparedResult } from '../../delivery/prepareOutputs.js';
import { type RetryPolicy, resolveRetryPolicy } from '../../delivery/retryPolicy.js';
import { sendRequest } from '../../delivery/sendRequest.js';
import type { SerializedDetail } from '../../delivery/serializeDetail.js';
import type { DeliveryTelemetry } from '../../observability/DeliveryTelemetry.js';
import type { EventBridgeOutput } from '../../routing/types.js';
import type { ClaimCheckStore } from '../claimCheck/types.js';
import type { DeliverOptions, DeliveryReport, Sink } from '../types.js';
import { entryOutcome } from './entryOutcome.js';
import { entryTimeOf } from './entryTime.js';
import { DEFAULT_PUT_EVENTS_MAX_BYTES, PUT_EVENTS_MAX_ENTRIES } from './limits.js';
import { putEventsEntrySize, rememberingUtf8Bytes } from './putEventsEntrySize.js';

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
export interface PreparedEntry {
  index: number;
  entry: PutEventsRequestEntry;
  bytes: number;
  /** Sent alone after its request was rejected as a whole (to find the one bad entry). */
  isolate: boolean;
  /** Its outcome in the round being sent; cleared when the round ends. */
  result: AttemptOutcome | undefined;
}

// Shared outcomes (outcomes are replaced, never changed).
const DEADLINE_BEFORE_SENDING: AttemptOutcome = Object.freeze({
  status: 'retryable',
  reason: 'deadline reached before sending',
});

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
export class EventBridgePublisher implements Sink<EventBridgeOutput, PreparedResult<PreparedEntry>> {
  readonly name = 'eventbridge' as const;
  private readonly client: EventBridgeClient;
  private readonly eventBusName: string;
  private readonly maxRequestBytes: number;
  private readonly concurrency: number;
  private readonly policy: RetryPolicy;
  private readonly telemetry: DeliveryTelemetry | undefined;
  private readonly preparer: OutputPreparer<EventBridgeOutput, PreparedEntry>;
  private readonly utf8Bytes = rememberingUtf8Bytes();

  constructor(options: EventBridgePublisherOptions) {
    this.client = options.client;
    this.eventBusName = options.eventBusName;
    this.maxRequestBytes = options.maxRequestBytes ?? DEFAULT_PUT_EVENTS_MAX_BYTES;
    this.concurrency = options.concurrency ?? 4;
    this.policy = resolveRetryPolicy(options.retry);
    this.telemetry = options.telemetry;
    this.preparer = new OutputPreparer(
      {
        sink: this.name,
        detailOf: (output) => output.payload.Detail,
        detailName: 'detail',
        prepare: (output, detail) => this.entryFor(output, detail),
        limitBytes: this.maxRequestBytes,
        limitName: 'limit',
        fits: (prepared) => prepared.bytes < this.maxRequestBytes,
      },
      { claimCheck: options.claimCheck, policy: this.policy, telemetry: this.telemetry },
    );
  }

  /**
   * The entry for one output (serialized, sized), or why it is not ready: see `Sink.prepare`.
   * `deliver` takes the results in `prepared`.
   */
  prepare(output: EventBridgeOutput): PreparedResult<PreparedEntry> {
    return this.preparer.prepare(output);
  }

  async deliver(
    outputs: readonly EventBridgeOutput[],
    options: DeliverOptions<PreparedResult<PreparedEntry>> = {},
  ): Promise<DeliveryReport> {
    const { signal } = options;
    const { ready, outcomes } = await this.preparer.prepareAll(outputs, signal, options.prepared);

    const results = await deliverInRounds(ready, (pending) => this.sendRound(pending, signal), {
      policy: this.policy,
      signal,
      onRetry: (count) => this.telemetry?.count(this.name, 'retries', count),
    });
    for (let position = 0; position < ready.length; position++) {
      outcomes[ready[position]!.index] = results[position]!;
    }
    return { outcomes };
  }

  private entryFor(output: EventBridgeOutput, detail: SerializedDetail): PreparedEntry {
    const { payload } = output;
    const time = this.timeOf(payload.Time);
    const entry: PutEventsRequestEntry = {
      Source: payload.Source,
      DetailType: payload.DetailType,
      Detail: detail.json,
      Resources: payload.Resources,
      EventBusName: payload.EventBusName ?? this.eventBusName,
    };
    // An unparseable time is left out: EventBridge then stamps the time of the call.
    if (time !== undefined) entry.Time = time;
    return {
      index: -1,
      entry,
      bytes: putEventsEntrySize(entry, detail.byteLength(), this.utf8Bytes),
      isolate: false,
      result: undefined,
    };
  }

  // The entries of a batch carry few distinct times (stream records share their second): read
  // each once. The Date is only read (the SDK writes it as epoch seconds), so entries may share it.
  private lastTime: { text: string | undefined; date: Date | undefined } = { text: '', date: undefined };

  private timeOf(text: string | undefined): Date | undefined {
    if (text !== this.lastTime.text) this.lastTime = { text, date: entryTimeOf(text) };
    return this.lastTime.date;
  }

  /** One round: packs what is pending into requests and sends them, `concurrency` at a time. */
  private async sendRound(
    pending: readonly PreparedEntry[],
    signal?: AbortSignal,
  ): Promise<AttemptOutcome[]> {
    const isolated = pending.some((p) => p.isolate);
    const together = isolated ? pending.filter((p) => !p.isolate) : pending;
    const requests = packSized(together, {
      maxCount: PUT_EVENTS_MAX_ENTRIES,
      maxBytes: this.maxRequestBytes,
    });
    if (isolated) for (const p of pending) if (p.isolate) requests.push([p]);
    // Each entry is in one request of the round: its outcome is kept on it until the round ends.
    // At most `concurrency` requests in flight, started in order (a small pool, not a queue per round).
    let next = 0;
    const worker = async () => {
      while (next < requests.length) await this.send(requests[next++]!, signal);
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, requests.length) }, worker));
    return pending.map((p) => {
      const result = p.result ?? NOT_SENT;
      p.result = undefined;
      return result;
    });
  }

  private async send(request: PreparedEntry[], signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) {
      for (const p of request) p.result = DEADLINE_BEFORE_SENDING;
      return;
    }
    const outcomes = await sendRequest(
      request,
      async () =>
        (
          await this.client.send(new PutEventsCommand({ Entries: request.map((p) => p.entry) }), {
            abortSignal: signal,
          })
        ).Entries,
      { sink: this.name, itemsName: 'entries', outcomeOf: entryOutcome, signal, telemetry: this.telemetry },
    );
    request.forEach((p, i) => {
      p.result = outcomes[i]!;
    });
  }
}
