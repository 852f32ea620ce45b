/**
 * A local stand-in for DynamoDB's Kinesis streaming destination (`EnableKinesisStreamingDestination`,
 * Kinesis Data Streams for DynamoDB), which neither DynamoDB Local nor kinesalite has: it reads a
 * DynamoDB Local table's stream shard by shard (the local event source mapping) and writes each
 * change, in the JSON AWS writes ({@link toKinesisDynamoDbRecord}), to a Kinesis stream (kinesalite)
 * with `PutRecords`, the item's key hash as partition key (every change of an item on one shard).
 *
 * What it shares with the real destination, on purpose: delivery is at least once — when
 * `PutRecords` fails for a record, that record and every later one of the batch are written again,
 * so a consumer sees duplicates (same `eventID`) and, across batches, an item's changes out of
 * order. What differs: DynamoDB Local truncates creation times to the minute, so the bridge keeps
 * them increasing by one microsecond per change in the order it reads them (per-item order survives
 * in `ApproximateCreationDateTime`, as AWS's real microsecond times keep it), and it starts from the
 * stream's oldest record by default (AWS streams the changes made after streaming was enabled).
 */
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  type KinesisClient,
  PutRecordsCommand,
  type PutRecordsCommandOutput,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import type { StreamBatchResponse } from '../delivery/types.js';
import { findLatestStreamArn } from '../live/describeStream.js';
import type { StartPosition, WalkerNotice } from '../live/types.js';
import type { CreationTimePrecision } from '../stream/fromKinesisDynamoDbRecord.js';
import { kinesisPartitionKeyOf } from '../stream/kinesisPartitionKeyOf.js';
import { toKinesisDynamoDbRecord } from '../stream/toKinesisDynamoDbRecord.js';
import type { StreamEvent, StreamRecord } from '../stream/types.js';
import {
  type InvocationReport,
  LocalEventSourceMapping,
  type StreamConsumer,
} from './LocalEventSourceMapping.js';

/** Records per `PutRecords` call (the Kinesis limit). */
const PUT_RECORDS_MAX_RECORDS = 500;
/** Bytes per `PutRecords` call, kept under the 5 MiB every stream accepts. */
const PUT_RECORDS_MAX_BYTES = 4 * 1024 * 1024;

/** Creation times remembered for changes that may be sent again (more than a batch retried holds). */
const REMEMBERED_TIMES = 100_000;

/** How the bridge writes changes, without the reading side. */
export interface KinesisStreamingConsumerOptions {
  /** Client of the Kinesis endpoint (kinesalite: give it an HTTP/1.1 handler, `NodeHttpHandler`). */
  kinesis: KinesisClient;
  /** The Kinesis stream: a name (kinesalite knows streams by name only) or an ARN. */
  kinesisStream: string;
  /** The table's name, written into every change. */
  tableName: string;
  /** The destination's `ApproximateCreationDateTimePrecision`. @default 'MICROSECOND' */
  precision?: CreationTimePrecision;
}

/** Counts of what the bridge did. */
export interface KinesisStreamingStats {
  /** Records written to the Kinesis stream (a change written again after a failure counts again). */
  written: number;
  /** `PutRecords` calls that failed in part or whole (their records were sent again). */
  failedCalls: number;
  /** Changes given up on after the retries ran out (never written). */
  lost: number;
}

/**
 * The bridge as a consumer of a {@link LocalEventSourceMapping}, for runs that already read the
 * table's stream (`dev`): its handler writes a batch and reports the first record `PutRecords` did
 * not take, so the mapping sends that record and the rest of the batch again.
 *
 * @example
 * ```ts
 * const bridge = kinesisStreamingConsumer({ kinesis, kinesisStream: 'agent-memory-changes', tableName: 'agent-memory' });
 * const mapping = new LocalEventSourceMapping({ client: streams, streamArn, consumers: [bridge], signal });
 * await mapping.run();
 * ```
 */
export function kinesisStreamingConsumer(
  options: KinesisStreamingConsumerOptions,
  stats: KinesisStreamingStats = { written: 0, failedCalls: 0, lost: 0 },
): StreamConsumer {
  const stream = options.kinesisStream.startsWith('arn:')
    ? { StreamARN: options.kinesisStream }
    : { StreamName: options.kinesisStream };
  let lastMicros = 0;
  // A change sent again (after a failure) must carry the time it got the first time.
  const timeOf = new Map<string, number>();
  const microsOf = (record: StreamRecord): number => {
    const id = record.eventID ?? '';
    const known = timeOf.get(id);
    if (known !== undefined) return known;
    const time = record.dynamodb?.ApproximateCreationDateTime;
    const seconds = time instanceof Date ? time.getTime() / 1000 : (time ?? Date.now() / 1000);
    lastMicros = Math.max(Math.round(seconds * 1e6), lastMicros + 1);
    timeOf.set(id, lastMicros);
    if (timeOf.size > REMEMBERED_TIMES) timeOf.delete(timeOf.keys().next().value!);
    return lastMicros;
  };
  const entryOf = (record: StreamRecord): PutRecordsRequestEntry => {
    const change = toKinesisDynamoDbRecord(record, {
      tableName: options.tableName,
      precision: options.precision ?? 'MICROSECOND',
      createdAtMicros: microsOf(record),
    });
    return {
      Data: Buffer.from(JSON.stringify(change)),
      PartitionKey: kinesisPartitionKeyOf(change.dynamodb.Keys!),
    };
  };
  return {
    name: 'kinesis-streaming-destination',
    async handler(event: StreamEvent): Promise<StreamBatchResponse> {
      const records = event.Records;
      const entries = records.map(entryOf);
      for (let start = 0; start < entries.length; ) {
        let end = start;
        let bytes = 0;
        while (end < entries.length && end - start < PUT_RECORDS_MAX_RECORDS) {
          const size = entries[end]!.Data!.byteLength + entries[end]!.PartitionKey!.length;
          if (end > start && bytes + size > PUT_RECORDS_MAX_BYTES) break;
          bytes += size;
          end++;
        }
        let answer: PutRecordsCommandOutput;
        try {
          answer = await options.kinesis.send(
            new PutRecordsCommand({ ...stream, Records: entries.slice(start, end) }),
          );
        } catch (error) {
          stats.failedCalls++;
          if (start === 0) throw error; // the whole batch again
          return { batchItemFailures: [{ itemIdentifier: records[start]!.dynamodb!.SequenceNumber! }] };
        }
        const failed = (answer.Records ?? []).findIndex((r) => r.ErrorCode !== undefined);
        if (failed !== -1) {
          stats.failedCalls++;
          // Kinesis wrote every record but the failed ones, those after the first failure included.
          stats.written += end - start - (answer.FailedRecordCount ?? 1);
          return {
            batchItemFailures: [{ itemIdentifier: records[start + failed]!.dynamodb!.SequenceNumber! }],
          };
        }
        stats.written += end - start;
        start = end;
      }
      return { batchItemFailures: [] };
    },
  };
}

/** Options for {@link KinesisStreamingDestination.start}. */
export interface KinesisStreamingDestinationOptions extends KinesisStreamingConsumerOptions {
  /** Client of DynamoDB Local's Streams endpoint. */
  streams: DynamoDBStreamsClient;
  /** The table's stream. @default the table's newest stream */
  streamArn?: string;
  /** Where reading starts. @default 'trim-horizon' (every change the stream still holds) */
  startAt?: StartPosition;
  /** Wait before polling an idle shard again, in ms. @default 200 */
  idlePollMs?: number;
  /** Retries of a batch `PutRecords` did not take whole, before its rest is given up. @default 10 */
  maxRetries?: number;
  /** Told about shard transitions, gaps and retries of the stream reading. */
  onNotice?(notice: WalkerNotice): void;
  /** Told about every write attempt (records sent, how many were acknowledged, whether given up). */
  onInvocation?(report: InvocationReport): void;
}

/**
 * A running bridge from a DynamoDB Local table's stream to a Kinesis stream. Stop it with
 * {@link stop}; a stream that fails to read ends it, and `stop` (or `done`) then throws that error.
 *
 * @example
 * ```ts
 * const bridge = await KinesisStreamingDestination.start({
 *   streams: new DynamoDBStreamsClient({ endpoint: ddb.endpoint, region: 'us-east-1' }),
 *   kinesis: new KinesisClient({ endpoint: kinesaliteUrl, region: 'us-east-1', requestHandler: new NodeHttpHandler() }),
 *   tableName: 'agent-memory',
 *   kinesisStream: 'agent-memory-changes',
 * });
 * // … write to the table; `memory-cdc tail --kinesis-stream agent-memory-changes` shows the changes …
 * await bridge.stop();
 * ```
 */
export class KinesisStreamingDestination {
  /** What was written so far. */
  readonly stats: KinesisStreamingStats = { written: 0, failedCalls: 0, lost: 0 };
  /** Settles when the bridge ends: resolves after {@link stop}, rejects when reading failed. */
  readonly done: Promise<void>;
  private readonly controller = new AbortController();

  private constructor(options: KinesisStreamingDestinationOptions, streamArn: string) {
    const consumer = kinesisStreamingConsumer(options, this.stats);
    const mapping = new LocalEventSourceMapping({
      client: options.streams,
      streamArn,
      startAt: options.startAt ?? 'trim-horizon',
      idlePollMs: options.idlePollMs ?? 200,
      maxRetries: options.maxRetries ?? 10,
      consumers: [consumer],
      signal: this.controller.signal,
      ...(options.onNotice ? { onNotice: options.onNotice } : {}),
      onInvocation: (report) => {
        if (report.gaveUp) this.stats.lost += report.records.length - report.acknowledged.length;
        options.onInvocation?.(report);
      },
    });
    this.done = mapping.run();
    // Observed by `stop`; keeps an early failure from being an unhandled rejection meanwhile.
    this.done.catch(() => undefined);
  }

  /**
   * Starts reading the table's stream and writing to the Kinesis stream (which must exist).
   * @throws NoStreamError when the table has no stream (and no `streamArn` was given)
   */
  static async start(options: KinesisStreamingDestinationOptions): Promise<KinesisStreamingDestination> {
    const streamArn = options.streamArn ?? (await findLatestStreamArn(options.streams, options.tableName));
    return new KinesisStreamingDestination(options, streamArn);
  }

  /** Stops reading (the write in flight finishes) and resolves when the bridge has ended. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.done;
  }
}
