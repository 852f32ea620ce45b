/**
 * What `capture --format kinesis` writes for one change: a Lambda Kinesis record whose data is the
 * change as Kinesis Data Streams for DynamoDB writes it — the file replays like a Lambda Kinesis
 * event (`replay` deduplicates and orders it as the router does).
 *
 * From a Kinesis source the record is kept as it was read (its data re-encoded only when attributes
 * were redacted). From a DynamoDB stream the change is encoded with {@link toKinesisDynamoDbRecord}
 * and placed in a stand-in Kinesis stream: `arn:<partition>:kinesis:<region>:<account>:stream/<table>`
 * (from the DynamoDB stream's ARN), shard `shardId-000000000000`, the DynamoDB sequence number as
 * the Kinesis one, the item's key hash as partition key.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import type { CreationTimePrecision } from '../stream/fromKinesisDynamoDbRecord.js';
import { kinesisPartitionKeyOf } from '../stream/kinesisPartitionKeyOf.js';
import { toKinesisDynamoDbRecord } from '../stream/toKinesisDynamoDbRecord.js';
import { toLambdaKinesisRecord } from '../stream/toLambdaKinesisRecord.js';
import type { StreamRecord } from '../stream/types.js';

const TABLE_STREAM_ARN = /^arn:([^:]+):dynamodb:([^:]*):([^:]*):table\/([^/]+)\//;

/** Options of {@link toKinesisCaptureRecord}. */
export interface KinesisCaptureOptions {
  /** The Kinesis record the change was read from (Kinesis source). */
  read?: KinesisStreamRecord;
  /** True when the change's attributes were redacted: the data is encoded again from it. */
  redacted?: boolean;
  /** Precision of the creation time when the data is encoded. @default 'MICROSECOND' */
  precision?: CreationTimePrecision;
}

/**
 * One captured change as a Lambda Kinesis record.
 *
 * @example
 * ```ts
 * const records = captured.map((record) => toKinesisCaptureRecord(record));
 * await writeCaptureFile('capture.json', records);
 * ```
 * @throws DecodeError when a change from a DynamoDB stream lacks what the Kinesis format needs
 */
export function toKinesisCaptureRecord(
  record: StreamRecord,
  options: KinesisCaptureOptions = {},
): KinesisStreamRecord {
  const { read } = options;
  if (read && !options.redacted) return read;
  const change = toKinesisDynamoDbRecord(record, { precision: options.precision ?? 'MICROSECOND' });
  const data = JSON.stringify(change);
  if (read) return { ...read, kinesis: { ...read.kinesis, data: Buffer.from(data).toString('base64') } };
  const arn = TABLE_STREAM_ARN.exec(record.eventSourceARN ?? '');
  const created = change.dynamodb.ApproximateCreationDateTime;
  return toLambdaKinesisRecord(data, {
    streamArn: `arn:${arn?.[1] ?? 'aws'}:kinesis:${arn?.[2] ?? change.awsRegion ?? ''}:${arn?.[3] ?? ''}:stream/${change.tableName}`,
    shardId: 'shardId-000000000000',
    sequenceNumber: record.dynamodb?.SequenceNumber ?? '0',
    partitionKey: kinesisPartitionKeyOf(change.dynamodb.Keys!),
    arrivalSeconds:
      created === undefined
        ? 0
        : change.dynamodb.ApproximateCreationDateTimePrecision === 'MILLISECOND'
          ? created / 1e3
          : created / 1e6,
  });
}
