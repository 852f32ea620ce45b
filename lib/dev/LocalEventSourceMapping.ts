/**
 * What Lambda's event source mapping does for a stream, done locally: read the stream shard by
 * shard (the live tools' `ShardWalker`), filter records per consumer, invoke each consumer's
 * handler with Lambda-shaped batches, and honour the partial batch response — records before the
 * lowest reported sequence number are done, the reported one and everything after it are sent
 * again. It reads a DynamoDB stream (give it a DynamoDB Streams client) or a Kinesis data stream
 * (give it `kinesisShardApi(…)`: Lambda Kinesis records, reported by `kinesis.sequenceNumber`).
 * `memory-cdc dev`, the end-to-end tests and the end-to-end benchmark run the Lambdas' handlers
 * through it.
 */
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { StreamBatchResponse } from '../delivery/types.js';
import { dynamoDbShardApi } from '../live/dynamoDbShardApi.js';
import { ShardWalker } from '../live/ShardWalker.js';
import type { ShardApi, ShardCounts, ShardWalkerOptions, WalkerNotice } from '../live/types.js';
import { backoffDelay, resolveBackoff, sleep } from '../retry/backoff.js';
import type { StreamRecord } from '../stream/types.js';

/** A stream consumer, as one Lambda function with its event source mapping. */
export interface StreamConsumer<R = StreamRecord> {
  /** Name for reports (`router`, `archiver`, …). */
  name: string;
  /**
   * The mapping's filter: records for which this returns false are never sent to the handler
   * (e.g. the archiver receives TTL expiries only).
   */
  filter?(record: R): boolean;
  /** The Lambda handler. A thrown error retries the whole batch, as Lambda does. */
  handler(event: { Records: R[] }): Promise<StreamBatchResponse | undefined>;
}

/** What happened to one invocation of one consumer. */
export interface InvocationReport<R = StreamRecord> {
  consumer: string;
  shardId: string;
  /** Records sent in this invocation. */
  records: readonly R[];
  /** The prefix of `records` the handler acknowledged. */
  acknowledged: readonly R[];
  /** 1 for the first attempt on these records. */
  attempt: number;
  /** Set when the handler threw. */
  error?: unknown;
  /** True when the records left unacknowledged are given up on (retries exhausted). */
  gaveUp: boolean;
  /** When the handler returned (epoch ms). */
  finishedAt: number;
  durationMs: number;
}

/** Options for {@link LocalEventSourceMapping}. */
export interface LocalEventSourceMappingOptions<R = StreamRecord>
  extends Pick<ShardWalkerOptions, 'streamArn' | 'startAt' | 'idlePollMs' | 'describeIntervalMs' | 'limit'> {
  /**
   * A DynamoDB Streams client (the stream is `streamArn`), or the calls of a Kinesis data stream
   * (`kinesisShardApi(kinesis, { name, arn })`).
   */
  client: DynamoDBStreamsClient | ShardApi<R>;
  consumers: readonly StreamConsumer<R>[];
  /** Stops reading; the batch in flight finishes first. */
  signal?: AbortSignal;
  /**
   * Retries of a batch that is not fully acknowledged (Lambda's `MaximumRetryAttempts`), after
   * which its unacknowledged records are reported as given up and the shard moves on.
   * @default 10
   */
  maxRetries?: number;
  /** Back-off between retries. @default { baseMs: 100, maxMs: 2000 } */
  retryBackoff?: { baseMs?: number; maxMs?: number };
  /** Every batch read from the stream, before any consumer runs. */
  onRead?(shardId: string, records: readonly R[]): void;
  /** Every invocation of every consumer. */
  onInvocation?(report: InvocationReport<R>): void;
  onNotice?(notice: WalkerNotice): void;
}

function compareSequence(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Index of the record Lambda would resume from: the lowest reported sequence number. */
function resumeIndex<R>(
  records: readonly R[],
  response: StreamBatchResponse | undefined,
  sequenceOf: (record: R) => string | undefined,
): number {
  const failures = response?.batchItemFailures ?? [];
  if (failures.length === 0) return records.length;
  let lowest: string | undefined;
  for (const failure of failures) {
    const id = failure.itemIdentifier;
    // An empty or unknown identifier fails the whole batch, as it does on Lambda.
    if (!id || !/^\d+$/.test(id)) return 0;
    if (lowest === undefined || compareSequence(id, lowest) < 0) lowest = id;
  }
  const index = records.findIndex((r) => sequenceOf(r) === lowest);
  return index === -1 ? 0 : index;
}

/**
 * A local event source mapping over one DynamoDB stream or Kinesis data stream.
 *
 * @example
 * ```ts
 * const mapping = new LocalEventSourceMapping({
 *   client: new DynamoDBStreamsClient({ endpoint: ddb.endpoint, region: 'us-east-1' }),
 *   streamArn,
 *   startAt: 'trim-horizon',
 *   consumers: [
 *     { name: 'router', handler: (event) => routerHandler(event) },
 *     { name: 'archiver', filter: isExpiryRecord, handler: (event) => archiverHandler(event) },
 *   ],
 *   signal,
 * });
 * await mapping.run(); // until the signal aborts
 *
 * // Kinesis Data Streams for DynamoDB as the source: Lambda Kinesis events, one mapping per function.
 * const kinesisMapping = new LocalEventSourceMapping<KinesisStreamRecord>({
 *   client: kinesisShardApi(kinesis, { name: 'agent-memory-changes', arn: sourceArn }),
 *   streamArn: sourceArn,
 *   startAt: 'trim-horizon',
 *   consumers: [{ name: 'router', handler: (event) => routerHandler(event) }],
 *   signal,
 * });
 * ```
 */
export class LocalEventSourceMapping<R = StreamRecord> {
  private walker: ShardWalker<R> | undefined;
  private readonly api: ShardApi<R>;

  constructor(private readonly options: LocalEventSourceMappingOptions<R>) {
    const { client } = options;
    this.api =
      typeof (client as Partial<ShardApi<R>>).list === 'function'
        ? (client as ShardApi<R>)
        : (dynamoDbShardApi(client as DynamoDBStreamsClient, options.streamArn) as unknown as ShardApi<R>);
  }

  /** Shard counts of the walk (for progress displays). */
  counts(): ShardCounts | undefined {
    return this.walker?.counts();
  }

  /** Reads and delivers until the signal aborts (or the disabled stream is read out). */
  async run(): Promise<void> {
    const { options } = this;
    this.walker = new ShardWalker<R>(this.api, {
      streamArn: options.streamArn,
      startAt: options.startAt ?? 'trim-horizon',
      ...(options.idlePollMs !== undefined ? { idlePollMs: options.idlePollMs } : {}),
      ...(options.describeIntervalMs !== undefined ? { describeIntervalMs: options.describeIntervalMs } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    });
    for await (const batch of this.walker.batches()) {
      options.onRead?.(batch.shardId, batch.records);
      await Promise.all(
        options.consumers.map((consumer) => this.deliver(consumer, batch.shardId, batch.records)),
      );
    }
  }

  /** One consumer's share of a batch, retried from the first unacknowledged record. */
  private async deliver(consumer: StreamConsumer<R>, shardId: string, batch: readonly R[]): Promise<void> {
    const { options } = this;
    const maxRetries = options.maxRetries ?? 10;
    const backoff = resolveBackoff({ baseMs: 100, maxMs: 2000, ...options.retryBackoff });
    let pending = consumer.filter ? batch.filter((record) => consumer.filter!(record)) : [...batch];
    for (let attempt = 1; pending.length > 0; attempt++) {
      const started = Date.now();
      let response: StreamBatchResponse | undefined;
      let error: unknown;
      try {
        response = await consumer.handler({ Records: pending });
      } catch (thrown) {
        error = thrown;
      }
      const finishedAt = Date.now();
      const done =
        error === undefined ? resumeIndex(pending, response, (record) => this.api.sequenceOf(record)) : 0;
      const gaveUp = done < pending.length && (attempt > maxRetries || options.signal?.aborted === true);
      options.onInvocation?.({
        consumer: consumer.name,
        shardId,
        records: pending,
        acknowledged: pending.slice(0, done),
        attempt,
        ...(error !== undefined ? { error } : {}),
        gaveUp,
        finishedAt,
        durationMs: finishedAt - started,
      });
      if (gaveUp) return;
      pending = pending.slice(done);
      if (pending.length > 0) await sleep(backoffDelay(attempt, backoff), options.signal);
    }
  }
}
