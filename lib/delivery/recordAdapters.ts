/**
 * The record adapters of the event sources the Lambdas read: DynamoDB Streams (router, archiver)
 * and Kinesis (vector sync, reading the change log).
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import { MAX_CREATION_EPOCH_SECONDS } from '../stream/decodeRecord.js';
import type { StreamRecord } from '../stream/types.js';
import type { RecordAdapter } from './types.js';

/** The record's `dynamodb` section, or undefined for a malformed record (never throws). */
function streamData(record: unknown): Record<string, unknown> | undefined {
  if (record === null || typeof record !== 'object') return undefined;
  const data = (record as { dynamodb?: unknown }).dynamodb;
  return data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : undefined;
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * DynamoDB Streams records: named `<SequenceNumber>-<eventID>`, dated by ApproximateCreationDateTime.
 * Every accessor tolerates a malformed record (null, a string, wrong field types, an implausible
 * time): a poison record must reach its dead letter, not crash the batch.
 */
export const dynamoDbRecordAdapter: RecordAdapter<StreamRecord> = {
  sequenceField: 'SequenceNumber',
  sequenceNumber: (record) => stringField(streamData(record)?.SequenceNumber),
  createdAtMs(record) {
    const created = streamData(record)?.ApproximateCreationDateTime;
    const millis =
      created instanceof Date ? created.getTime() : typeof created === 'number' ? created * 1000 : NaN;
    // Outside what a Date can hold (or before 1970) is no time at all (see decodeRecord's check).
    return Number.isFinite(millis) && millis >= 0 && millis <= MAX_CREATION_EPOCH_SECONDS * 1000
      ? millis
      : undefined;
  },
  deadLetterName(record) {
    const sequence = stringField(streamData(record)?.SequenceNumber);
    const eventId = stringField((record as { eventID?: unknown } | null)?.eventID);
    return sequence && eventId ? `${sequence}-${eventId}` : undefined;
  },
  recordId: (record) => stringField((record as { eventID?: unknown } | null)?.eventID),
};

/** A Kinesis record's `kinesis` section, or undefined for a malformed record (never throws). */
function kinesisData(record: unknown): Record<string, unknown> | undefined {
  if (record === null || typeof record !== 'object') return undefined;
  const data = (record as { kinesis?: unknown }).kinesis;
  return data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : undefined;
}

/**
 * Kinesis records: named by sequence number (unique per stream), dated by
 * approximateArrivalTimestamp.
 */
export const kinesisRecordAdapter: RecordAdapter<KinesisStreamRecord> = {
  sequenceField: 'sequenceNumber',
  source: 'kinesis',
  sequenceNumber: (record) => stringField(kinesisData(record)?.sequenceNumber),
  createdAtMs(record) {
    const arrival = kinesisData(record)?.approximateArrivalTimestamp;
    const millis = typeof arrival === 'number' ? arrival * 1000 : Number.NaN;
    return Number.isFinite(millis) && millis >= 0 && millis <= MAX_CREATION_EPOCH_SECONDS * 1000
      ? millis
      : undefined;
  },
  deadLetterName: (record) => stringField(kinesisData(record)?.sequenceNumber),
  recordId: (record) => stringField((record as { eventID?: unknown } | null)?.eventID),
};
