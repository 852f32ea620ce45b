/**
 * Reads a stream's description with every shard: `DescribeStream` returns at most 100 shards a
 * call, and a busy table's stream has more (each shard lives up to 24 hours after it closes).
 */
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ListStreamsCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { ConfigError } from '../errors.js';

/** The table exists (or could not be described) but has no stream to read. */
export class NoStreamError extends ConfigError {
  readonly table: string;
  constructor(table: string, note = '') {
    super(
      `table ${table} has no stream: enable one (StreamSpecification, view type NEW_AND_OLD_IMAGES) or pass --stream-arn${note}`,
    );
    this.table = table;
  }
}

/** A stream and all of its shards. */
export interface StreamDescription {
  streamArn: string;
  tableName: string;
  /** `ENABLING` | `ENABLED` | `DISABLING` | `DISABLED`. */
  status: string;
  viewType: string;
  /** Every shard, in the order the service listed them (parents are listed before children). */
  shards: Shard[];
}

/**
 * Describes a stream, following `LastEvaluatedShardId` until every shard is listed.
 * @param pageSize shards per call (1-100) @default 100
 */
export async function describeStream(
  client: DynamoDBStreamsClient,
  streamArn: string,
  options: { signal?: AbortSignal; pageSize?: number } = {},
): Promise<StreamDescription> {
  const shards: Shard[] = [];
  let exclusiveStart: string | undefined;
  let first: Omit<StreamDescription, 'shards'> | undefined;
  do {
    const { StreamDescription: page } = await client.send(
      new DescribeStreamCommand({
        StreamArn: streamArn,
        Limit: options.pageSize ?? 100,
        ExclusiveStartShardId: exclusiveStart,
      }),
      { abortSignal: options.signal },
    );
    first ??= {
      streamArn: page?.StreamArn ?? streamArn,
      tableName: page?.TableName ?? '',
      status: page?.StreamStatus ?? 'ENABLED',
      viewType: page?.StreamViewType ?? '',
    };
    shards.push(...(page?.Shards ?? []));
    exclusiveStart = page?.LastEvaluatedShardId;
  } while (exclusiveStart);
  return { ...first, shards };
}

/**
 * Finds the newest stream of a table (`ListStreams`, all pages). A table that had its stream
 * turned off and on again has several; the newest is the one being written to.
 * @throws NoStreamError when the table has no stream (or, where ListStreams does not say, does not exist)
 */
export async function findLatestStreamArn(
  client: DynamoDBStreamsClient,
  tableName: string,
  options: { signal?: AbortSignal } = {},
): Promise<string> {
  let newest: { arn: string; label: string } | undefined;
  let exclusiveStart: string | undefined;
  do {
    const page = await client.send(
      new ListStreamsCommand({ TableName: tableName, ExclusiveStartStreamArn: exclusiveStart }),
      { abortSignal: options.signal },
    );
    for (const stream of page.Streams ?? []) {
      if (stream.TableName !== undefined && stream.TableName !== tableName) continue;
      const label = stream.StreamLabel ?? '';
      if (stream.StreamArn && (!newest || label > newest.label)) newest = { arn: stream.StreamArn, label };
    }
    exclusiveStart = page.LastEvaluatedStreamArn;
  } while (exclusiveStart);
  if (!newest) throw new NoStreamError(tableName);
  return newest.arn;
}
