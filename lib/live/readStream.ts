/**
 * The read loop `tail` and `capture` share: walk the stream, count what was read, stop after
 * `count` records or when the signal aborts.
 */
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { StreamRecord } from '../stream/types.js';
import type { LiveStats } from './LiveStats.js';
import { ShardWalker } from './ShardWalker.js';
import type { ShardWalkerOptions } from './types.js';

/** Options for {@link readStream}. */
export interface ReadStreamOptions extends ShardWalkerOptions {
  /** Stop after this many records. @default no limit */
  count?: number;
  /** Counts records read (for progress). */
  stats?: LiveStats;
  /** Receives the walker (for shard counts and `caughtUp`). */
  onWalker?(walker: ShardWalker): void;
}

/**
 * Yields batches of Lambda-format records in stream order per shard (parents before children),
 * at most `count` records in all. Returns when the count is reached, the signal aborts, or the
 * disabled stream is read out.
 *
 * @example
 * ```ts
 * for await (const records of readStream(client, { streamArn, startAt: 'latest', count: 100, signal })) {
 *   for (const record of records) console.log(record.eventName, record.dynamodb?.Keys);
 * }
 * ```
 */
export async function* readStream(
  client: DynamoDBStreamsClient,
  options: ReadStreamOptions,
): AsyncGenerator<StreamRecord[], void, undefined> {
  const walker = new ShardWalker(client, options);
  options.onWalker?.(walker);
  let left = options.count ?? Number.POSITIVE_INFINITY;
  if (left <= 0) return;
  for await (const batch of walker.batches()) {
    const records = batch.records.length > left ? batch.records.slice(0, left) : batch.records;
    options.stats?.add(records);
    left -= records.length;
    yield records;
    if (left <= 0) return;
  }
}
