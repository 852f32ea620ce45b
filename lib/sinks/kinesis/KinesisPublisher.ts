/**
 * Publishes Kinesis change-log outputs with PutRecords, keeping the order of every partition key
 * even when a request partly fails.
 */
import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { type AttemptOutcome, deliverInRounds } from '../../delivery/deliverInRounds.js';
import { packBatches } from '../../delivery/packBatches.js';
import { prepareOutputs } from '../../delivery/prepareOutputs.js';
import { type RetryPolicy, resolveRetryPolicy } from '../../delivery/retryPolicy.js';
import { sendRequest } from '../../delivery/sendRequest.js';
import type { SerializedDetail } from '../../delivery/serializeDetail.js';
import type { DeliveryTelemetry } from '../../observability/DeliveryTelemetry.js';
import type { KinesisOutput } from '../../routing/types.js';
import type { ClaimCheckStore } from '../claimCheck/types.js';
import type { DeliverOptions, DeliveryReport, Sink } from '../types.js';
import {
  DEFAULT_KINESIS_MAX_RECORD_BYTES,
  DEFAULT_KINESIS_MAX_REQUEST_BYTES,
  PARTITION_KEY_MAX_LENGTH,
  PUT_RECORDS_MAX_RECORDS,
} from './limits.js';
import { recordOutcome } from './recordOutcome.js';

/** Options for {@link KinesisPublisher}. */
export interface KinesisPublisherOptions {
  /** The client; give it `maxAttempts: 1` (this publisher does the retrying). */
  client: KinesisClient;
  /** CHANGE_LOG_STREAM_NAME: a stream name, or a stream ARN (`arn:…`). */
  stream: string;
  /** Largest record (partition key + data); larger details go as claim checks. @default 1 MiB */
  maxRecordBytes?: number;
  /** Largest request. @default 5 MiB ({@link DEFAULT_KINESIS_MAX_REQUEST_BYTES}) */
  maxRequestBytes?: number;
  /** Where oversize details go. Without it an oversize record is rejected (dead-lettered). */
  claimCheck?: ClaimCheckStore;
  /** Retry settings. @default DEFAULT_RETRY_POLICY */
  retry?: Partial<RetryPolicy>;
  /** Counters for the batch summary and metrics. */
  telemetry?: DeliveryTelemetry;
}

/** One output ready to send. */
interface PreparedRecord {
  index: number;
  key: string;
  eventId: string;
  record: PutRecordsRequestEntry;
  bytes: number;
  /** Sent alone after its request was rejected as a whole (to find the one bad record). */
  isolate: boolean;
}

/**
 * The Kinesis sink of the router Lambda.
 *
 * **Ordering.** PutRecords does not stop at a failed record: a later record of the same partition
 * key in the same request can be written while the earlier one failed, and would then overtake it.
 * So a request never holds two records of one partition key: each request takes the oldest
 * unsent record of every key (up to 500 records and the size limit), and a key's next record is
 * sent only after its previous one was accepted. When a record fails, its key is held for the rest
 * of the round — its successors wait behind it — and the round goes on with the other keys; the
 * next round (after a back-off) starts again from the failed record. A rejected record (invalid,
 * dead-lettered by the caller) releases its successors. The cost: a batch needs at least as many
 * requests as its busiest key has records.
 *
 * @example
 * ```ts
 * import { KinesisClient } from '@aws-sdk/client-kinesis';
 *
 * const publisher = new KinesisPublisher({
 *   client: new KinesisClient({ maxAttempts: 1 }),
 *   stream: process.env.CHANGE_LOG_STREAM_NAME!,
 * });
 * const { outcomes } = await publisher.deliver(outputs, { signal });
 * ```
 */
export class KinesisPublisher implements Sink<KinesisOutput> {
  readonly name = 'kinesis' as const;
  private readonly client: KinesisClient;
  private readonly stream: { StreamName: string } | { StreamARN: string };
  private readonly maxRecordBytes: number;
  private readonly maxRequestBytes: number;
  private readonly claimCheck: ClaimCheckStore | undefined;
  private readonly policy: RetryPolicy;
  private readonly telemetry: DeliveryTelemetry | undefined;

  constructor(options: KinesisPublisherOptions) {
    this.client = options.client;
    this.stream = options.stream.startsWith('arn:')
      ? { StreamARN: options.stream }
      : { StreamName: options.stream };
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_KINESIS_MAX_RECORD_BYTES;
    this.maxRequestBytes = options.maxRequestBytes ?? DEFAULT_KINESIS_MAX_REQUEST_BYTES;
    this.claimCheck = options.claimCheck;
    this.policy = resolveRetryPolicy(options.retry);
    this.telemetry = options.telemetry;
  }

  async deliver(outputs: readonly KinesisOutput[], options: DeliverOptions = {}): Promise<DeliveryReport> {
    const { signal } = options;
    const { ready, outcomes } = await prepareOutputs(outputs, {
      sink: this.name,
      detailOf: (output) => output.payload.Data,
      detailName: 'data',
      invalid: (output) => {
        const key = output.payload.PartitionKey;
        // UTF-16 length bounds the code points from above: within the range, no need to count them.
        if (key.length >= 1 && key.length <= PARTITION_KEY_MAX_LENGTH) return undefined;
        const keyLength = [...key].length;
        return keyLength < 1 || keyLength > PARTITION_KEY_MAX_LENGTH
          ? `partition key of ${keyLength} characters (Kinesis accepts 1 to ${PARTITION_KEY_MAX_LENGTH})`
          : undefined;
      },
      prepare: (index, output, data) => this.prepare(index, output, data),
      limitBytes: this.maxRecordBytes,
      limitName: 'record limit',
      fits: (prepared) => prepared.bytes <= this.maxRecordBytes,
      claimCheck: this.claimCheck,
      policy: this.policy,
      signal,
      telemetry: this.telemetry,
    });

    // A record whose claim check failed (retryable) must still hold back its key's successors.
    const readyIndexes = new Set(ready.map((r) => r.index));
    const blockedBefore = new Map<string, number>();
    for (const [index, outcome] of outcomes.entries()) {
      const key = outputs[index]!.payload.PartitionKey;
      if (outcome.status === 'retryable' && !readyIndexes.has(index) && !blockedBefore.has(key)) {
        blockedBefore.set(key, index);
      }
    }
    const sendable = ready.filter((r) => {
      const blocker = blockedBefore.get(r.key);
      if (blocker !== undefined && blocker < r.index) {
        outcomes[r.index] = { status: 'retryable', reason: `held back behind ${outputs[blocker]!.eventId}` };
        return false;
      }
      return true;
    });

    const results = await deliverInRounds(sendable, (pending) => this.sendRound(pending, signal), {
      policy: this.policy,
      signal,
      onRetry: (count) => this.telemetry?.count(this.name, 'retries', count),
    });
    sendable.forEach((prepared, position) => {
      outcomes[prepared.index] = results[position]!;
    });
    return { outcomes };
  }

  private prepare(index: number, output: KinesisOutput, data: SerializedDetail): PreparedRecord {
    const key = output.payload.PartitionKey;
    const bytes = data.bytes();
    return {
      index,
      key,
      eventId: output.eventId,
      record: { PartitionKey: key, Data: bytes },
      bytes: Buffer.byteLength(key, 'utf8') + bytes.byteLength,
      isolate: false,
    };
  }

  /**
   * One round: requests of at most one record per partition key, sent one after another until
   * every key is either done or held behind a record that failed in this round.
   */
  private async sendRound(
    pending: readonly PreparedRecord[],
    signal?: AbortSignal,
  ): Promise<AttemptOutcome[]> {
    const results = new Map<PreparedRecord, AttemptOutcome>();
    const queues = new Map<string, PreparedRecord[]>();
    for (const record of pending) {
      const queue = queues.get(record.key);
      if (queue) queue.push(record);
      else queues.set(record.key, [record]);
    }
    const heldBehind = new Map<string, PreparedRecord>();
    while (!signal?.aborted) {
      const heads: PreparedRecord[] = [];
      for (const [key, queue] of queues) {
        const head = queue[0];
        if (head && !heldBehind.has(key)) heads.push(head);
      }
      if (heads.length === 0) break;
      heads.sort((a, b) => a.index - b.index);
      const isolated = heads.find((h) => h.isolate);
      const request = isolated
        ? [isolated]
        : packBatches(
            heads.filter((h) => !h.isolate).map((h) => ({ item: h, bytes: h.bytes })),
            { maxCount: PUT_RECORDS_MAX_RECORDS, maxBytes: this.maxRequestBytes + 1 },
          )[0]!;
      const outcomes = await this.send(request, signal);
      request.forEach((record, i) => {
        const outcome = outcomes[i]!;
        results.set(record, outcome);
        if (outcome.status === 'retryable') {
          heldBehind.set(record.key, record);
          return;
        }
        const queue = queues.get(record.key)!;
        queue.shift();
        if (queue.length === 0) queues.delete(record.key);
      });
    }
    return pending.map((record) => {
      const result = results.get(record);
      if (result) return result;
      const blocker = heldBehind.get(record.key);
      return blocker
        ? { status: 'retryable', reason: `held back behind ${blocker.eventId}` }
        : { status: 'retryable', reason: 'deadline reached before sending' };
    });
  }

  private send(request: PreparedRecord[], signal?: AbortSignal): Promise<AttemptOutcome[]> {
    return sendRequest(
      request,
      async () =>
        (
          await this.client.send(
            new PutRecordsCommand({ ...this.stream, Records: request.map((r) => r.record) }),
            { abortSignal: signal },
          )
        ).Records,
      { sink: this.name, itemsName: 'records', outcomeOf: recordOutcome, signal, telemetry: this.telemetry },
    );
  }
}
