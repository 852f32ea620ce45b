/**
 * Types of the live stream tools: where a read starts, what the shard walker yields and reports,
 * and the progress numbers `tail` shows.
 */

import type { KinesisStreamRecord } from 'aws-lambda';
import type { BackoffOptions } from '../retry/backoff.js';
import type { StreamRecord } from '../stream/types.js';

/** Where reading starts on the shards that exist when the walk begins. */
export type StartPosition = 'latest' | 'trim-horizon';

/**
 * Records read from one shard by one `GetRecords` call, in Lambda's event format: DynamoDB Streams
 * records for a table's stream, Kinesis records for a Kinesis stream.
 */
export interface ShardBatch<R = StreamRecord> {
  shardId: string;
  records: R[];
}

/** A shard as the stream lists it. */
export interface ListedShard {
  shardId: string;
  /** The shard it was split from, or the first of the two it was merged from. */
  parentShardId?: string;
  /** The second parent of a merged shard (Kinesis only). */
  adjacentParentShardId?: string;
  /** True when the shard takes no more records (it has an ending sequence number). */
  closed: boolean;
}

/** What a failed call means for the walk. */
export type ShardErrorKind =
  /** The iterator is older than its lifetime: acquire another after the last record read. */
  | 'expired-iterator'
  /** The position asked for was trimmed away (DynamoDB Streams): resume at the trim horizon. */
  | 'trimmed'
  /** The shard (or the stream) no longer exists. */
  | 'not-found'
  /** Anything else: retried when retryable, else the walk fails. */
  | 'other';

/**
 * The calls a {@link ShardWalker} makes, for one kind of stream: DynamoDB Streams
 * (`dynamoDbShardApi`) or Kinesis Data Streams (`kinesisShardApi`). Both list shards with parents,
 * hand out iterators and read pages of records the same way; this is what differs.
 */
export interface ShardApi<R> {
  /** The listing call's name, for notices and errors (`DescribeStream`, `ListShards`). */
  readonly listOperation: string;
  /** Every shard the stream lists now; `ended` when the stream takes no more records (disabled). */
  list(signal?: AbortSignal): Promise<{ shards: ListedShard[]; ended: boolean }>;
  /** An iterator at the position (after `afterSequenceNumber` for `AFTER_SEQUENCE_NUMBER`); undefined when the shard has none. */
  iterator(
    shardId: string,
    position: IteratorPosition,
    afterSequenceNumber: string | undefined,
    signal?: AbortSignal,
  ): Promise<string | undefined>;
  /**
   * One page of records. `next` is undefined when a closed shard has been read to its end;
   * `behind` is true when the page is empty only because the reader is behind the shard's tip
   * (Kinesis says so with `MillisBehindLatest`): read again at once.
   */
  read(
    shardId: string,
    iterator: string,
    limit: number,
    signal?: AbortSignal,
  ): Promise<{ records: R[]; next: string | undefined; behind?: boolean }>;
  /** The record's sequence number in its shard (where an iterator resumes after it). */
  sequenceOf(record: R): string | undefined;
  /** What a failed call means. */
  classify(error: unknown): ShardErrorKind;
}

/** How a shard iterator was (re)acquired. */
export type IteratorPosition = 'TRIM_HORIZON' | 'LATEST' | 'AFTER_SEQUENCE_NUMBER';

/** Something the walker did that a user may want to know about. */
export type WalkerNotice =
  /** Reading of a shard began (its parent, if still listed, has been read to its end). */
  | { type: 'shard-opened'; shardId: string; parentShardId?: string; position: IteratorPosition }
  /** A shard was read to its end (the service returned no next iterator). */
  | { type: 'shard-ended'; shardId: string; records: number }
  /** A shard closed before the walk began was not read (`latest` start). */
  | { type: 'shard-skipped'; shardId: string }
  /** A shard disappeared from the stream (trimmed away whole) before it was read to its end. */
  | { type: 'shard-gone'; shardId: string; afterSequenceNumber?: string }
  /** A shard iterator expired (15 minutes unused); it was re-acquired from the last record seen. */
  | { type: 'iterator-expired'; shardId: string; position: IteratorPosition; afterSequenceNumber?: string }
  /**
   * Records were trimmed (older than 24 hours) before they were read: reading resumed at the trim
   * horizon, and records after `afterSequenceNumber` (or from the shard's start) up to it are lost.
   */
  | { type: 'gap'; shardId: string; afterSequenceNumber?: string }
  /** A call was throttled or failed transiently; it is retried after `delayMs`. */
  | { type: 'retry'; operation: string; shardId?: string; attempt: number; delayMs: number; error: string }
  /** Kinesis source: redelivered changes (an eventID already passed on) were dropped. */
  | { type: 'duplicates'; shardId: string; count: number }
  /**
   * Kinesis source: changes older than a change of their item already passed on (an earlier page)
   * were passed on after it: their order against it is not restored.
   */
  | { type: 'late'; shardId: string; eventIds: string[] };

/** Options of {@link ShardWalker}. */
export interface ShardWalkerOptions {
  /** The stream to read. */
  streamArn: string;
  /** Where to start on shards open at start-up; shards found later are read from their start. @default 'latest' */
  startAt?: StartPosition;
  /** Stops the walk: the iterator returns after the calls in flight. */
  signal?: AbortSignal;
  /** Told about shard transitions, expired iterators, gaps and retries. */
  onNotice?: (notice: WalkerNotice) => void;
  /** How often the stream is described again to find new shards, in ms. @default 10000 */
  describeIntervalMs?: number;
  /** Wait before polling a shard again after an empty read, in ms. @default 1000 */
  idlePollMs?: number;
  /** Records per `GetRecords` call (1-1000). @default 1000 */
  limit?: number;
  /** Shards read at the same time. @default 16 */
  maxConcurrentShards?: number;
  /** Shards per `DescribeStream` page (1-100). @default 100 */
  describePageSize?: number;
  /** Back-off for throttling and transient errors. */
  backoff?: BackoffOptions;
}

/** Shard counts for progress displays. */
export interface ShardCounts {
  /** Being read. */
  reading: number;
  /** Waiting for a parent to be read to its end. */
  waiting: number;
  /** Read to the end, skipped or gone. */
  done: number;
}

/** What a stream-reading command gets from one read: the changes, and what the source adds. */
export interface LiveBatch {
  /** The changes in DynamoDB Streams' Lambda format (from a Kinesis source: converted, each once). */
  records: StreamRecord[];
  /** Kinesis source: the Kinesis record each change came from (same order as `records`). */
  kinesisRecords?: KinesisStreamRecord[];
  /** Kinesis source: records that are not DynamoDB change records, with why. */
  undecodable?: { shardId: string; sequenceNumber: string; error: Error }[];
  /** Kinesis source: redelivered changes dropped from this read. */
  duplicates?: number;
  /** Kinesis source: changes of this read older than one of their item already passed on. */
  late?: string[];
  /** Kinesis source with a table given: changes of other tables skipped in this read. */
  otherTables?: number;
}
