/**
 * DynamoDB stream records (Lambda format) as a table's Kinesis streaming destination delivers them
 * to Lambda: base64 JSON data (`tableName`, `eventName`, `userIdentity`, `dynamodb` with
 * `ApproximateCreationDateTime` in microseconds, no `SequenceNumber`), one Kinesis record each, in
 * the given order; and the seeded shuffles and redeliveries the source tests apply to them.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import type { StreamRecord } from '../../lib/stream/types.js';

/** The source stream the records claim to come from. */
export const SOURCE_STREAM_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/agent-memory-source';
const FIRST_SEQUENCE = 49_600_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000n;

/** Options for {@link toKinesisDynamoDbRecords}. */
export interface ToKinesisOptions {
  tableName?: string;
  streamArn?: string;
  /** Added to every sequence number, so two calls give distinct records. @default 0 */
  sequenceOffset?: number;
}

/**
 * One Kinesis record per stream record, sequence numbers ascending; the creation time is the
 * record's (epoch seconds) in microseconds plus its index, so the changes keep their order in time.
 */
export function toKinesisDynamoDbRecords(
  records: readonly StreamRecord[],
  options: ToKinesisOptions = {},
): KinesisStreamRecord[] {
  const streamArn = options.streamArn ?? SOURCE_STREAM_ARN;
  return records.map((record, index) => {
    const data = record.dynamodb ?? {};
    const seconds = Number(data.ApproximateCreationDateTime ?? 0);
    const change = {
      awsRegion: record.awsRegion ?? 'us-east-1',
      eventID: record.eventID,
      eventName: record.eventName,
      userIdentity: record.userIdentity ?? null,
      recordFormat: 'application/json',
      tableName: options.tableName ?? tableNameOf(record),
      dynamodb: {
        ApproximateCreationDateTime: Math.round(seconds * 1e6) + index,
        ApproximateCreationDateTimePrecision: 'MICROSECOND',
        ...(data.Keys ? { Keys: data.Keys } : {}),
        ...(data.NewImage ? { NewImage: data.NewImage } : {}),
        ...(data.OldImage ? { OldImage: data.OldImage } : {}),
        SizeBytes: data.SizeBytes ?? 100,
      },
      eventSource: 'aws:dynamodb',
    };
    const sequence = String(FIRST_SEQUENCE + BigInt((options.sequenceOffset ?? 0) + index) * 1000n);
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: JSON.stringify(data.Keys ?? {}).slice(0, 256),
        sequenceNumber: sequence,
        data: Buffer.from(JSON.stringify(change)).toString('base64'),
        approximateArrivalTimestamp: seconds + 0.5,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${sequence}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/memory-cdc-router',
      awsRegion: 'us-east-1',
      eventSourceARN: streamArn,
    };
  });
}

function tableNameOf(record: StreamRecord): string {
  return /:table\/([^/]+)/.exec(record.eventSourceARN ?? '')?.[1] ?? 'agent-memory';
}

/** A seeded shuffle (mulberry32), so a failure names its seed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * The records shuffled, with every `every`-th one delivered a second time (a new Kinesis record:
 * its own sequence number, the same change inside), and sequence numbers renumbered ascending in
 * the new order — what a Lambda batch from such a stream looks like.
 */
export function shuffledWithRedeliveries(
  records: readonly KinesisStreamRecord[],
  seed: number,
  every = 4,
): KinesisStreamRecord[] {
  const again = records.filter((_, i) => i % every === 0).map((r) => structuredClone(r));
  const mixed = shuffled([...records.map((r) => structuredClone(r)), ...again], seed);
  return mixed.map((record, index) => {
    const sequence = String(FIRST_SEQUENCE + 900_000_000n + BigInt(index) * 1000n);
    return {
      ...record,
      kinesis: { ...record.kinesis, sequenceNumber: sequence },
      eventID: `shardId-000000000000:${sequence}`,
    };
  });
}

/** A Kinesis record whose data is not a DynamoDB change (poison). */
export function poisonKinesisRecord(sequenceNumber: string): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: 'poison',
      sequenceNumber,
      data: Buffer.from('{"not":"a change"').toString('base64'),
      approximateArrivalTimestamp: 1_795_860_000.5,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/memory-cdc-router',
    awsRegion: 'us-east-1',
    eventSourceARN: SOURCE_STREAM_ARN,
  };
}
