/**
 * The other direction of {@link fromKinesisDynamoDbRecord}: a DynamoDB Streams record turned into
 * the JSON change record a table's Kinesis streaming destination (Kinesis Data Streams for DynamoDB)
 * writes into each Kinesis record. `capture --format kinesis`, the bundled Kinesis fixture and the
 * local streaming-destination bridge (`lib/dev/kinesisStreamingDestination.ts`) write through it.
 *
 * The shape follows records as AWS writes them (the developer guide names the fields; records seen
 * from real tables fix their order): `awsRegion`, `eventID`, `eventName`, `userIdentity` (`null` for
 * a write by a user, the service identity for a TTL deletion), `recordFormat: "application/json"`,
 * `tableName`, `dynamodb` with `ApproximateCreationDateTime` (epoch micro- or milliseconds), `Keys`,
 * `NewImage`, `OldImage`, `SizeBytes` and `ApproximateCreationDateTimePrecision`, then
 * `eventSource: "aws:dynamodb"`. There is no `SequenceNumber`, `eventVersion` or `StreamViewType`.
 */
import { DecodeError } from '../errors.js';
import type { CreationTimePrecision, KinesisDynamoDbChange } from './fromKinesisDynamoDbRecord.js';
import { toLambdaImage } from './toLambdaImage.js';
import type { AttributeMap, StreamRecord } from './types.js';

/** Options for {@link toKinesisDynamoDbRecord}. */
export interface ToKinesisDynamoDbOptions {
  /**
   * The table's name (a Kinesis change names its table; a stream record only carries the stream ARN).
   * @default the table in the record's `eventSourceARN`
   */
  tableName?: string;
  /**
   * The streaming destination's `ApproximateCreationDateTimePrecision`: the creation time is written
   * in epoch microseconds or milliseconds.
   * @default 'MICROSECOND' (the AWS default)
   */
  precision?: CreationTimePrecision;
  /**
   * Write `dynamodb.ApproximateCreationDateTimePrecision`. Records written before DynamoDB offered
   * the setting (2024) carry none; readers then tell the unit by the value's magnitude.
   * @default true
   */
  statePrecision?: boolean;
  /**
   * The creation time in epoch microseconds, when the caller knows it more finely than the stream
   * record's `ApproximateCreationDateTime` (whole seconds from DynamoDB Streams, minutes from
   * DynamoDB Local).
   * @default the record's ApproximateCreationDateTime
   */
  createdAtMicros?: number;
  /** The change's region. @default the record's awsRegion, else the region of its eventSourceARN */
  awsRegion?: string;
}

const TABLE_OF_STREAM_ARN = /^arn:[^:]+:dynamodb:([^:]*):[^:]*:table\/([^/]+)\//;

function fail(message: string, record: StreamRecord): never {
  throw new DecodeError(
    `cannot write as a Kinesis Data Streams for DynamoDB record: ${message}`,
    record.eventID,
  );
}

/** The record's creation time in epoch microseconds (undefined when it carries none). */
function creationMicrosOf(record: StreamRecord, given: number | undefined): number | undefined {
  if (given !== undefined) {
    if (!Number.isFinite(given) || given < 0)
      fail(`createdAtMicros must be a non-negative number (given ${given})`, record);
    return Math.round(given);
  }
  const time = record.dynamodb?.ApproximateCreationDateTime;
  if (time === undefined || time === null) return undefined;
  const seconds = time instanceof Date ? time.getTime() / 1000 : time;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    fail(`dynamodb.ApproximateCreationDateTime is not a time (given ${JSON.stringify(time)})`, record);
  }
  return Math.round(seconds * 1e6);
}

/** Binary values as base64 text (records read with the SDK carry bytes). */
const jsonImage = (image: AttributeMap | undefined) =>
  image ? (toLambdaImage(image as Parameters<typeof toLambdaImage>[0]) as AttributeMap) : undefined;

/**
 * Converts one DynamoDB Streams record (Lambda's format, or SDK-typed) into the change record
 * Kinesis Data Streams for DynamoDB carries. `eventID` is kept, so event ids — which hash the
 * change's `eventID` — are the same whichever source delivered the change. At millisecond precision
 * the time is truncated to the millisecond.
 *
 * @example
 * ```ts
 * import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
 * const change = toKinesisDynamoDbRecord(record, { tableName: 'agent-memory' });
 * await kinesis.send(new PutRecordsCommand({
 *   StreamName: 'agent-memory-changes',
 *   Records: [{ Data: Buffer.from(JSON.stringify(change)), PartitionKey: kinesisPartitionKeyOf(change.dynamodb.Keys!) }],
 * }));
 * ```
 * @throws DecodeError when the record has no eventID, eventName, keys or table name, or a bad time
 */
export function toKinesisDynamoDbRecord(
  record: StreamRecord,
  options: ToKinesisDynamoDbOptions = {},
): KinesisDynamoDbChange {
  if (typeof record?.eventID !== 'string' || record.eventID === '') fail('eventID is missing', record ?? {});
  if (typeof record.eventName !== 'string' || record.eventName === '') fail('eventName is missing', record);
  const data = record.dynamodb;
  if (!data?.Keys) fail('dynamodb.Keys is missing', record);
  const fromArn = TABLE_OF_STREAM_ARN.exec(record.eventSourceARN ?? '');
  const tableName = options.tableName ?? fromArn?.[2];
  if (!tableName) fail('no table name (pass tableName; the record has no table stream ARN)', record);
  const precision = options.precision ?? 'MICROSECOND';
  if (precision !== 'MICROSECOND' && precision !== 'MILLISECOND') {
    fail(`precision must be MICROSECOND or MILLISECOND (given ${String(precision)})`, record);
  }
  const micros = creationMicrosOf(record, options.createdAtMicros);
  const identity = record.userIdentity;
  return {
    awsRegion: options.awsRegion ?? record.awsRegion ?? fromArn?.[1] ?? '',
    eventID: record.eventID,
    eventName: record.eventName,
    userIdentity: identity ? { type: identity.type, principalId: identity.principalId } : null,
    recordFormat: 'application/json',
    tableName,
    dynamodb: {
      ...(micros !== undefined
        ? { ApproximateCreationDateTime: precision === 'MICROSECOND' ? micros : Math.floor(micros / 1000) }
        : {}),
      Keys: jsonImage(data.Keys),
      ...(data.NewImage ? { NewImage: jsonImage(data.NewImage) } : {}),
      ...(data.OldImage ? { OldImage: jsonImage(data.OldImage) } : {}),
      ...(typeof data.SizeBytes === 'number' ? { SizeBytes: data.SizeBytes } : {}),
      ...(options.statePrecision === false || micros === undefined
        ? {}
        : { ApproximateCreationDateTimePrecision: precision }),
    },
    eventSource: 'aws:dynamodb',
  };
}
