/**
 * The {@link ShardApi} of a Kinesis data stream, for `tail --kinesis-stream`: `ListShards` (every
 * page) for the shards with their parents (a merged shard names two), `GetShardIterator` and
 * `GetRecords`, records wrapped as Lambda's Kinesis records (so the adapter for Lambda reads them).
 * Throttling (`ProvisionedThroughputExceededException`: 5 reads a second per shard) is retried by
 * the walker with back-off.
 */
import {
  DescribeStreamSummaryCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  ResourceNotFoundException,
  type Shard,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import { ConfigError } from '../errors.js';
import { toLambdaKinesisRecord } from '../stream/toLambdaKinesisRecord.js';
import type { ShardApi } from './types.js';

const STREAM_ARN = /^arn:[^:]+:kinesis:([^:]*):[^:]*:stream\/([^/]+)$/;

/** A Kinesis stream named by name or ARN. */
export interface KinesisStreamRef {
  /** The stream's name (what every call names it by: kinesalite knows no ARNs). */
  name: string;
  /** The region of an ARN given. */
  region?: string;
}

/**
 * Reads `--kinesis-stream`: a stream name, or a stream ARN (`arn:aws:kinesis:<region>:<account>:stream/<name>`).
 * @throws ConfigError for anything else
 */
export function parseKinesisStream(value: string): KinesisStreamRef {
  if (value.startsWith('arn:')) {
    const match = STREAM_ARN.exec(value);
    if (!match) {
      throw new ConfigError(
        `--kinesis-stream ${JSON.stringify(value)} is not a Kinesis stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>)`,
      );
    }
    return { name: match[2]!, ...(match[1] ? { region: match[1] } : {}) };
  }
  if (!/^[a-zA-Z0-9_.-]{1,128}$/.test(value)) {
    throw new ConfigError(
      `--kinesis-stream ${JSON.stringify(value)} is not a stream name (1-128 of a-z A-Z 0-9 _ . -) or ARN`,
    );
  }
  return { name: value };
}

/**
 * The stream's ARN (`DescribeStreamSummary`): records read carry it as `eventSourceARN`, as Lambda's
 * do, so event ids are the ones the router computes for the same changes.
 */
export async function kinesisStreamArn(
  client: KinesisClient,
  name: string,
  signal?: AbortSignal,
): Promise<string> {
  const { StreamDescriptionSummary } = await client.send(
    new DescribeStreamSummaryCommand({ StreamName: name }),
    {
      abortSignal: signal,
    },
  );
  const arn = StreamDescriptionSummary?.StreamARN;
  if (!arn) throw new ConfigError(`Kinesis stream ${name}: DescribeStreamSummary returned no StreamARN`);
  return arn;
}

/**
 * The calls of one Kinesis stream.
 *
 * @example
 * ```ts
 * const api = kinesisShardApi(kinesis, { name: 'agent-memory-changes', arn });
 * const walker = new ShardWalker(api, { streamArn: arn, startAt: 'trim-horizon' });
 * ```
 */
export function kinesisShardApi(
  client: KinesisClient,
  stream: { name: string; arn: string },
): ShardApi<KinesisStreamRecord> {
  return {
    listOperation: 'ListShards',
    async list(signal) {
      const shards: Shard[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: stream.name }),
          { abortSignal: signal },
        );
        shards.push(...(page.Shards ?? []));
        nextToken = page.NextToken;
      } while (nextToken);
      return {
        // A Kinesis stream takes records until it is deleted.
        ended: false,
        shards: shards.flatMap((shard) =>
          shard.ShardId
            ? [
                {
                  shardId: shard.ShardId,
                  ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
                  ...(shard.AdjacentParentShardId
                    ? { adjacentParentShardId: shard.AdjacentParentShardId }
                    : {}),
                  closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
                },
              ]
            : [],
        ),
      };
    },
    async iterator(shardId, position, afterSequenceNumber, signal) {
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamName: stream.name,
          ShardId: shardId,
          ShardIteratorType: position,
          ...(position === 'AFTER_SEQUENCE_NUMBER' ? { StartingSequenceNumber: afterSequenceNumber } : {}),
        }),
        { abortSignal: signal },
      );
      return ShardIterator;
    },
    async read(shardId, iterator, limit, signal) {
      const output = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }), {
        abortSignal: signal,
      });
      return {
        records: (output.Records ?? []).map((r) =>
          toLambdaKinesisRecord(r.Data ?? new Uint8Array(), {
            streamArn: stream.arn,
            shardId,
            sequenceNumber: r.SequenceNumber ?? '',
            partitionKey: r.PartitionKey ?? '',
            arrivalSeconds: (r.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
          }),
        ),
        next: output.NextShardIterator ?? undefined,
        behind: (output.MillisBehindLatest ?? 0) > 0,
      };
    },
    sequenceOf: (record) => record.kinesis.sequenceNumber,
    classify(error) {
      if (error instanceof ExpiredIteratorException) return 'expired-iterator';
      if (error instanceof ResourceNotFoundException) return 'not-found';
      return 'other';
    },
  };
}
