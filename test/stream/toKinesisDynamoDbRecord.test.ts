/**
 * toKinesisDynamoDbRecord writes what fromKinesisDynamoDbRecord reads: a property test over random
 * stream records (every attribute type, binary as bytes or base64, both precisions, with and without
 * the precision field, TTL identities) says the round trip keeps every field the pipeline reads.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../lib/errors.js';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';
import { fromKinesisDynamoDbRecord } from '../../lib/stream/fromKinesisDynamoDbRecord.js';
import { kinesisPartitionKeyOf } from '../../lib/stream/kinesisPartitionKeyOf.js';
import { toKinesisDynamoDbRecord } from '../../lib/stream/toKinesisDynamoDbRecord.js';
import { toLambdaKinesisRecord } from '../../lib/stream/toLambdaKinesisRecord.js';
import type { AttributeMap, AttributeValue, StreamRecord } from '../../lib/stream/types.js';

const RUNS = Number(process.env.MEMORY_CDC_PROPERTY_RUNS ?? 2_000);
const STREAM_ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/changes';

const bytes = fc.uint8Array({ minLength: 1, maxLength: 12 });
const { value } = fc.letrec<{ value: AttributeValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string().map((S) => ({ S })),
    fc.integer().map((n) => ({ N: String(n) })),
    fc
      .oneof(
        bytes,
        bytes.map((b) => Buffer.from(b).toString('base64')),
      )
      .map((B) => ({ B })),
    fc.boolean().map((BOOL) => ({ BOOL })),
    fc.constant({ NULL: true as const }),
    fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 3 }).map((SS) => ({ SS })),
    fc.uniqueArray(fc.integer(), { minLength: 1, maxLength: 3 }).map((ns) => ({ NS: ns.map(String) })),
    // A binary set's members are distinct, as DynamoDB requires (compared by content, not by reference).
    fc
      .uniqueArray(bytes, { minLength: 1, maxLength: 2, selector: (b) => Buffer.from(b).toString('base64') })
      .map((BS) => ({ BS })),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 3 }).map((M) => ({ M })),
    fc.array(tie('value'), { maxLength: 3 }).map((L) => ({ L })),
  ) as fc.Arbitrary<AttributeValue>,
}));
const image = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), value, { maxKeys: 5 });
const keys = fc.record({
  pk: fc.string({ minLength: 1 }).map((S) => ({ S })),
  sk: fc.string().map((S) => ({ S })),
});

const streamRecord: fc.Arbitrary<StreamRecord> = fc
  .record({
    eventID: fc.stringMatching(/^[0-9a-f]{32}$/),
    eventName: fc.constantFrom('INSERT', 'MODIFY', 'REMOVE'),
    keys,
    newImage: image,
    oldImage: image,
    // Whole seconds (DynamoDB Streams) up to 2100, or a Date as the SDK gives it.
    seconds: fc.integer({ min: 100_000_000, max: 4_102_444_800 }),
    asDate: fc.boolean(),
    size: fc.integer({ min: 1, max: 400_000 }),
    ttl: fc.boolean(),
  })
  .map((r) => ({
    eventID: r.eventID,
    eventName: r.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    eventSourceARN:
      'arn:aws:dynamodb:eu-west-1:123456789012:table/agent-memory/stream/2026-01-01T00:00:00.000',
    ...(r.ttl ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } } : {}),
    dynamodb: {
      ApproximateCreationDateTime: r.asDate ? new Date(r.seconds * 1000) : r.seconds,
      Keys: r.keys,
      // Images as the event name has them (a NEW_AND_OLD_IMAGES stream).
      ...(r.eventName !== 'REMOVE' ? { NewImage: { ...r.newImage, ...r.keys } } : {}),
      ...(r.eventName !== 'INSERT' ? { OldImage: { ...r.oldImage, ...r.keys } } : {}),
      SequenceNumber: '100000000000000000001',
      SizeBytes: r.size,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  }));

/** Binary as base64 text, as in a Lambda event. */
function lambdaForm(map: AttributeMap | undefined): unknown {
  return map === undefined
    ? undefined
    : JSON.parse(
        JSON.stringify(map, (_key, v) =>
          v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : v,
        ),
      );
}

const viaKinesis = (change: object, partitionKey = 'P') =>
  toLambdaKinesisRecord(JSON.stringify(change), {
    streamArn: STREAM_ARN,
    shardId: 'shardId-000000000000',
    sequenceNumber: '49600000000000000000000000000000000000000000000000000001',
    partitionKey,
    arrivalSeconds: 1_800_000_000.5,
  });

describe('toKinesisDynamoDbRecord', () => {
  it('round-trips through fromKinesisDynamoDbRecord keeping every field the pipeline reads', () => {
    fc.assert(
      fc.property(
        streamRecord,
        fc.constantFrom('MICROSECOND', 'MILLISECOND') as fc.Arbitrary<'MICROSECOND' | 'MILLISECOND'>,
        fc.boolean(),
        (record, precision, statePrecision) => {
          const change = toKinesisDynamoDbRecord(record, { precision, statePrecision });
          const kinesisRecord = viaKinesis(change, kinesisPartitionKeyOf(change.dynamodb.Keys!));
          const { record: back, createdAtMicros } = fromKinesisDynamoDbRecord(kinesisRecord, {
            precision: statePrecision ? 'auto' : precision,
          });
          const data = record.dynamodb!;
          const time = data.ApproximateCreationDateTime;
          const seconds = time instanceof Date ? time.getTime() / 1000 : time!;
          expect(back.eventID).toBe(record.eventID);
          expect(back.eventName).toBe(record.eventName);
          expect(back.userIdentity).toEqual(record.userIdentity);
          expect(back.dynamodb?.Keys).toEqual(lambdaForm(data.Keys));
          expect(back.dynamodb?.NewImage).toEqual(lambdaForm(data.NewImage));
          expect(back.dynamodb?.OldImage).toEqual(lambdaForm(data.OldImage));
          expect(back.dynamodb?.SizeBytes).toBe(data.SizeBytes);
          expect(createdAtMicros).toBe(seconds * 1e6);
          expect(back.dynamodb?.ApproximateCreationDateTime).toBe(seconds);
          const decoded = decodeRecord(back);
          expect(decoded.position.table).toBe('agent-memory');
          expect(decoded.position.region).toBe('eu-west-1');
          expect(decoded.position.approximateCreationEpochMs).toBe(seconds * 1000);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('writes the fields in the order AWS writes them, with no SequenceNumber', () => {
    const change = toKinesisDynamoDbRecord(
      {
        eventID: 'e1',
        eventName: 'MODIFY',
        awsRegion: 'us-east-1',
        eventSourceARN: 'arn:aws:dynamodb:us-east-1:1:table/t/stream/x',
        dynamodb: {
          ApproximateCreationDateTime: 1_795_860_022.25,
          Keys: { pk: { S: 'a' } },
          NewImage: { pk: { S: 'a' }, n: { N: '2' } },
          OldImage: { pk: { S: 'a' }, n: { N: '1' } },
          SequenceNumber: '1',
          SizeBytes: 40,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      },
      { precision: 'MILLISECOND' },
    );
    expect(Object.keys(change)).toEqual([
      'awsRegion',
      'eventID',
      'eventName',
      'userIdentity',
      'recordFormat',
      'tableName',
      'dynamodb',
      'eventSource',
    ]);
    expect(Object.keys(change.dynamodb)).toEqual([
      'ApproximateCreationDateTime',
      'Keys',
      'NewImage',
      'OldImage',
      'SizeBytes',
      'ApproximateCreationDateTimePrecision',
    ]);
    expect(change).toMatchObject({
      userIdentity: null,
      recordFormat: 'application/json',
      tableName: 't',
      eventSource: 'aws:dynamodb',
      dynamodb: {
        ApproximateCreationDateTime: 1_795_860_022_250,
        ApproximateCreationDateTimePrecision: 'MILLISECOND',
      },
    });
    expect(
      toKinesisDynamoDbRecord(
        { eventID: 'e', eventName: 'INSERT', dynamodb: { Keys: { pk: { S: 'a' } } } },
        {
          tableName: 't',
          createdAtMicros: 1_795_860_022_250_123,
        },
      ).dynamodb,
    ).toEqual({
      ApproximateCreationDateTime: 1_795_860_022_250_123,
      Keys: { pk: { S: 'a' } },
      ApproximateCreationDateTimePrecision: 'MICROSECOND',
    });
  });

  it.each<[string, StreamRecord, object, RegExp]>([
    ['no eventID', { eventName: 'INSERT', dynamodb: { Keys: {} } }, { tableName: 't' }, /eventID is missing/],
    ['no keys', { eventID: 'e', eventName: 'INSERT', dynamodb: {} }, { tableName: 't' }, /Keys is missing/],
    [
      'no table name',
      { eventID: 'e', eventName: 'INSERT', dynamodb: { Keys: { pk: { S: 'a' } } } },
      {},
      /no table name/,
    ],
    [
      'a time that is not one',
      {
        eventID: 'e',
        eventName: 'INSERT',
        dynamodb: { Keys: { pk: { S: 'a' } }, ApproximateCreationDateTime: Number.NaN },
      },
      { tableName: 't' },
      /ApproximateCreationDateTime is not a time/,
    ],
    [
      'an unknown precision',
      { eventID: 'e', eventName: 'INSERT', dynamodb: { Keys: { pk: { S: 'a' } } } },
      { tableName: 't', precision: 'SECOND' },
      /precision must be MICROSECOND or MILLISECOND \(given SECOND\)/,
    ],
  ])('refuses a record with %s with a DecodeError', (_, record, options, message) => {
    const call = () => toKinesisDynamoDbRecord(record, options);
    expect(call).toThrow(DecodeError);
    expect(call).toThrow(message);
  });
});

describe('kinesisPartitionKeyOf', () => {
  it('gives an item the same 32-hex-digit key whatever the order of its key attributes', () => {
    const a = kinesisPartitionKeyOf({ pk: { S: 'USER#u1' }, sk: { S: 'CONV#c1' } });
    expect(a).toMatch(/^[0-9A-F]{32}$/);
    expect(kinesisPartitionKeyOf({ sk: { S: 'CONV#c1' }, pk: { S: 'USER#u1' } })).toBe(a);
    expect(kinesisPartitionKeyOf({ pk: { S: 'USER#u1' }, sk: { S: 'CONV#c2' } })).not.toBe(a);
  });
});
