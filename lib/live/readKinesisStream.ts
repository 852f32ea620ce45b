/**
 * `readStream` for a Kinesis data stream a table streams to (Kinesis Data Streams for DynamoDB):
 * the same walk (every shard, parents first, throttling backed off), each page converted to
 * DynamoDB Streams records, deduplicated and put in per-item order by the
 * {@link KinesisChangeTracker}, so `tail` and `capture` run the same loop on either source.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { CreationTimePrecision } from '../stream/fromKinesisDynamoDbRecord.js';
import { KinesisChangeTracker } from './KinesisChangeTracker.js';
import { kinesisShardApi } from './kinesisShardApi.js';
import type { ReadStreamOptions } from './readStream.js';
import { ShardWalker } from './ShardWalker.js';
import type { LiveBatch } from './types.js';

/** The table of a converted change's `eventSourceARN` (`…:table/<name>/stream/kinesis-data-streams`). */
const tableOf = (arn: string | undefined) => /:table\/([^/]+)\/stream\//.exec(arn ?? '')?.[1];

/** Options for {@link readKinesisStream}. */
export interface ReadKinesisStreamOptions extends Omit<ReadStreamOptions, 'onWalker'> {
  /** The stream's name (every call names it) and ARN (`streamArn` too; records carry it). */
  streamName: string;
  /** The destination's precision for records that do not state it. @default 'auto' */
  precision?: CreationTimePrecision | 'auto';
  /**
   * Only this table's changes: several tables can stream to one Kinesis stream. The others are
   * skipped and counted (`otherTables`).
   * @default every table's
   */
  tableName?: string;
  /** Receives the walker (for shard counts and `caughtUp`). */
  onWalker?(walker: ShardWalker<KinesisStreamRecord>): void;
}

/**
 * Yields the stream's changes page by page, at most `count` in all (records that are not changes
 * count too). Returns when the count is reached or the signal aborts (a Kinesis stream never ends).
 *
 * @example
 * ```ts
 * for await (const { records, undecodable } of readKinesisStream(kinesis, { streamName, streamArn, startAt: 'trim-horizon', signal })) {
 *   for (const record of records) console.log(record.eventName, record.dynamodb?.Keys);
 * }
 * ```
 */
export async function* readKinesisStream(
  client: KinesisClient,
  options: ReadKinesisStreamOptions,
): AsyncGenerator<LiveBatch, void, undefined> {
  const walker = new ShardWalker(
    kinesisShardApi(client, { name: options.streamName, arn: options.streamArn }),
    options,
  );
  options.onWalker?.(walker);
  const tracker = new KinesisChangeTracker({ precision: options.precision });
  const { tableName } = options;
  let left = options.count ?? Number.POSITIVE_INFINITY;
  if (left <= 0) return;
  for await (const { shardId, records: page } of walker.batches()) {
    const { changes: all, duplicates, undecodable, late } = tracker.accept(page);
    const changes =
      tableName === undefined ? all : all.filter((c) => tableOf(c.record.eventSourceARN) === tableName);
    const otherTables = all.length - changes.length;
    if (duplicates > 0) options.onNotice?.({ type: 'duplicates', shardId, count: duplicates });
    if (late.length > 0) options.onNotice?.({ type: 'late', shardId, eventIds: late });
    const kept = changes.slice(0, Math.max(0, left - undecodable.length));
    const batch: LiveBatch = {
      records: kept.map((c) => c.record),
      kinesisRecords: kept.map((c) => c.kinesisRecord),
      undecodable: undecodable.map(({ kinesisRecord, error }) => ({
        shardId,
        sequenceNumber: kinesisRecord.kinesis.sequenceNumber,
        error,
      })),
      duplicates,
      late: late.filter((id) => kept.some((c) => c.record.eventID === id)),
      otherTables,
    };
    if (batch.records.length === 0 && undecodable.length === 0 && duplicates === 0 && otherTables === 0)
      continue;
    options.stats?.add(batch.records);
    left -= batch.records.length + undecodable.length;
    yield batch;
    if (left <= 0) return;
  }
}
