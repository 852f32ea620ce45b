/**
 * Kinesis Data Streams for DynamoDB as a source: one Lambda Kinesis record, whose base64 `data` is
 * the JSON change record DynamoDB wrote (`tableName`, `eventName`, `userIdentity`, `dynamodb` with
 * `ApproximateCreationDateTime` in micro- or milliseconds, no `SequenceNumber`), turned into the
 * DynamoDB Streams record shape the rest of the pipeline reads.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import { DecodeError } from '../errors.js';
import { jsonSyntaxReason } from '../jsonSyntaxReason.js';
import type { AttributeMap, StreamRecord } from './types.js';

/** `ApproximateCreationDateTimePrecision` of the table's Kinesis streaming destination. */
export type CreationTimePrecision = 'MICROSECOND' | 'MILLISECOND';

/** The JSON DynamoDB writes into each Kinesis record (see the DynamoDB developer guide, "Kinesis Data Streams"). */
export interface KinesisDynamoDbChange {
  awsRegion?: string;
  eventID: string;
  eventName: string;
  userIdentity?: { type?: string; principalId?: string } | null;
  recordFormat?: string;
  tableName: string;
  dynamodb: {
    /** Epoch microseconds (the default precision) or milliseconds. */
    ApproximateCreationDateTime?: number;
    ApproximateCreationDateTimePrecision?: CreationTimePrecision;
    Keys?: AttributeMap;
    NewImage?: AttributeMap;
    OldImage?: AttributeMap;
    SizeBytes?: number;
  };
  eventSource?: string;
}

/** A converted record and what the Kinesis side knows about it. */
export interface KinesisSourcedRecord {
  /** The change in the DynamoDB Streams shape (`SequenceNumber`: the creation time in microseconds). */
  record: StreamRecord;
  /** The Kinesis sequence number: what a Lambda Kinesis mapping checkpoints on. */
  kinesisSequenceNumber: string;
  /** Creation time in epoch microseconds (undefined when the record has none). */
  createdAtMicros: number | undefined;
}

/** Options for {@link fromKinesisDynamoDbRecord}. */
export interface FromKinesisDynamoDbOptions {
  /**
   * The destination's precision when the record does not say. `auto` reads it from the value's
   * magnitude: epoch milliseconds stay below 10^14 until the year 5138, epoch microseconds of any
   * date after 1973 are above it.
   * @default 'auto'
   */
  precision?: CreationTimePrecision | 'auto';
}

const MICROS_THRESHOLD = 1e14;
const KINESIS_ARN = /^arn:([^:]+):kinesis:([^:]*):([^:]*):stream\/(.+)$/;

/** Name of the synthesized stream label, so positions say where the record came from. */
export const KINESIS_STREAM_LABEL = 'kinesis-data-streams';

function fail(message: string, record: unknown): never {
  const id = (record as { eventID?: unknown } | null)?.eventID;
  throw new DecodeError(
    `Kinesis Data Streams for DynamoDB record: ${message}`,
    typeof id === 'string' ? id : undefined,
  );
}

/**
 * Converts one Kinesis record of a table's Kinesis streaming destination. The result's
 * `eventSourceARN` is `arn:<partition>:dynamodb:<region>:<account>:table/<tableName>/stream/kinesis-data-streams`
 * (partition and account from the Kinesis stream's ARN), so event ids — a hash of that ARN, the
 * change's `eventID` and the detail type — are the same for every delivery of the same change.
 * `ApproximateCreationDateTime` becomes epoch seconds (fractional), as Lambda's DynamoDB events carry it.
 *
 * @example
 * ```ts
 * import type { KinesisStreamEvent } from 'aws-lambda';
 * export const handler = async (event: KinesisStreamEvent) => {
 *   for (const { record } of event.Records.map((r) => fromKinesisDynamoDbRecord(r))) console.log(decodeRecord(record).op);
 * };
 * ```
 * @throws DecodeError naming what is wrong (data not base64 JSON, not a DynamoDB change, a bad field)
 */
export function fromKinesisDynamoDbRecord(
  kinesisRecord: KinesisStreamRecord,
  options: FromKinesisDynamoDbOptions = {},
): KinesisSourcedRecord {
  const kinesis = kinesisRecord?.kinesis;
  if (!kinesis || typeof kinesis.data !== 'string') fail('no kinesis.data', kinesisRecord);
  const sequence = kinesis.sequenceNumber;
  if (typeof sequence !== 'string' || !/^\d{1,128}$/.test(sequence)) {
    fail('kinesis.sequenceNumber is missing or not a decimal string', kinesisRecord);
  }
  let change: KinesisDynamoDbChange;
  try {
    change = JSON.parse(Buffer.from(kinesis.data, 'base64').toString('utf8')) as KinesisDynamoDbChange;
  } catch (error) {
    fail(`kinesis.data is not base64 JSON (${jsonSyntaxReason(error).reason})`, kinesisRecord);
  }
  if (change === null || typeof change !== 'object' || Array.isArray(change)) {
    fail('kinesis.data is not a JSON object', kinesisRecord);
  }
  if (typeof change.eventID !== 'string' || change.eventID === '') fail('eventID is missing', change);
  if (typeof change.eventName !== 'string') fail('eventName is missing', change);
  if (typeof change.tableName !== 'string' || change.tableName === '') fail('tableName is missing', change);
  const data = change.dynamodb;
  if (data === null || typeof data !== 'object') fail('dynamodb is missing', change);
  if (change.eventSource !== undefined && change.eventSource !== 'aws:dynamodb') {
    fail(`eventSource is ${JSON.stringify(change.eventSource)}, not "aws:dynamodb"`, change);
  }

  const createdAtMicros = creationMicros(data, options.precision ?? 'auto', change);
  const arn = KINESIS_ARN.exec(kinesisRecord.eventSourceARN ?? '');
  const region = change.awsRegion ?? arn?.[2] ?? kinesisRecord.awsRegion ?? '';
  const record: StreamRecord = {
    eventID: change.eventID,
    eventName: change.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: `arn:${arn?.[1] ?? 'aws'}:dynamodb:${region}:${arn?.[3] ?? ''}:table/${change.tableName}/stream/${KINESIS_STREAM_LABEL}`,
    dynamodb: {
      ...(data.Keys ? { Keys: data.Keys } : {}),
      ...(data.NewImage ? { NewImage: data.NewImage } : {}),
      ...(data.OldImage ? { OldImage: data.OldImage } : {}),
      ...(createdAtMicros !== undefined ? { ApproximateCreationDateTime: createdAtMicros / 1e6 } : {}),
      // Deterministic for every delivery of the change; Kinesis's own number is kept beside it.
      SequenceNumber: String(createdAtMicros ?? 0),
      ...(typeof data.SizeBytes === 'number' ? { SizeBytes: data.SizeBytes } : {}),
    },
  };
  if (change.userIdentity) record.userIdentity = change.userIdentity;
  return { record, kinesisSequenceNumber: sequence, createdAtMicros };
}

function creationMicros(
  data: KinesisDynamoDbChange['dynamodb'],
  option: CreationTimePrecision | 'auto',
  change: KinesisDynamoDbChange,
): number | undefined {
  const value = data.ApproximateCreationDateTime;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(
      `dynamodb.ApproximateCreationDateTime must be a non-negative number (given ${JSON.stringify(value)})`,
      change,
    );
  }
  const stated = data.ApproximateCreationDateTimePrecision;
  if (stated !== undefined && stated !== 'MICROSECOND' && stated !== 'MILLISECOND') {
    fail(
      `dynamodb.ApproximateCreationDateTimePrecision must be MICROSECOND or MILLISECOND (given ${String(stated)})`,
      change,
    );
  }
  const precision =
    stated ?? (option === 'auto' ? (value >= MICROS_THRESHOLD ? 'MICROSECOND' : 'MILLISECOND') : option);
  return precision === 'MICROSECOND' ? Math.round(value) : Math.round(value * 1000);
}
