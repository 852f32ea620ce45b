/**
 * The record adapters of the event sources the Lambdas read: DynamoDB Streams (router, archiver)
 * and Kinesis (vector sync, reading the change log).
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import type { StreamRecord } from '../stream/types.js';
import type { RecordAdapter } from './types.js';

/** DynamoDB Streams records: named `<SequenceNumber>-<eventID>`, dated by ApproximateCreationDateTime. */
export const dynamoDbRecordAdapter: RecordAdapter<StreamRecord> = {
  sequenceField: 'SequenceNumber',
  sequenceNumber: (record) => record.dynamodb?.SequenceNumber,
  createdAtMs(record) {
    const created = record.dynamodb?.ApproximateCreationDateTime;
    const millis =
      created instanceof Date ? created.getTime() : typeof created === 'number' ? created * 1000 : NaN;
    return Number.isFinite(millis) ? millis : undefined;
  },
  deadLetterName(record) {
    const sequence = record.dynamodb?.SequenceNumber;
    return sequence && record.eventID ? `${sequence}-${record.eventID}` : undefined;
  },
};

/**
 * Kinesis records: named by sequence number (unique per stream), dated by
 * approximateArrivalTimestamp.
 */
export const kinesisRecordAdapter: RecordAdapter<KinesisStreamRecord> = {
  sequenceField: 'sequenceNumber',
  source: 'kinesis',
  sequenceNumber: (record) => record.kinesis?.sequenceNumber,
  createdAtMs(record) {
    const arrival = record.kinesis?.approximateArrivalTimestamp;
    return typeof arrival === 'number' ? arrival * 1000 : undefined;
  },
  deadLetterName: (record) => record.kinesis?.sequenceNumber || undefined,
};
