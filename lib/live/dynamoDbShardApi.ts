/**
 * The {@link ShardApi} of a DynamoDB stream: `DescribeStream` (every page) for the shards,
 * `GetShardIterator` and `GetRecords` of DynamoDB Streams, records converted to Lambda's format.
 */
import {
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { StreamRecord } from '../stream/types.js';
import { describeStream } from './describeStream.js';
import { toLambdaRecord } from './toLambdaRecord.js';
import type { ShardApi } from './types.js';

/**
 * The calls of one DynamoDB stream.
 *
 * @example
 * ```ts
 * const walker = new ShardWalker(dynamoDbShardApi(client, streamArn), { streamArn, startAt: 'latest' });
 * ```
 * @param pageSize shards per `DescribeStream` call (1-100) @default 100
 */
export function dynamoDbShardApi(
  client: DynamoDBStreamsClient,
  streamArn: string,
  pageSize = 100,
): ShardApi<StreamRecord> {
  return {
    listOperation: 'DescribeStream',
    async list(signal) {
      const description = await describeStream(client, streamArn, { signal, pageSize });
      return {
        ended: description.status === 'DISABLED',
        shards: description.shards.flatMap((shard) =>
          shard.ShardId
            ? [
                {
                  shardId: shard.ShardId,
                  ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
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
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: position,
          SequenceNumber: position === 'AFTER_SEQUENCE_NUMBER' ? afterSequenceNumber : undefined,
        }),
        { abortSignal: signal },
      );
      return ShardIterator;
    },
    async read(_shardId, iterator, limit, signal) {
      const output = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }), {
        abortSignal: signal,
      });
      return {
        records: (output.Records ?? []).map((r) => toLambdaRecord(r, streamArn)),
        next: output.NextShardIterator,
      };
    },
    sequenceOf: (record) => record.dynamodb?.SequenceNumber,
    classify(error) {
      if (error instanceof ExpiredIteratorException) return 'expired-iterator';
      if (error instanceof TrimmedDataAccessException) return 'trimmed';
      if (error instanceof ResourceNotFoundException) return 'not-found';
      return 'other';
    },
  };
}
