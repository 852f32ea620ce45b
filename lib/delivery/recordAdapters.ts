/**
 * The record adapters of the event sources the Lambdas read: DynamoDB Streams (router, archiver)
 * and Kinesis (vector sync, reading the change log).
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import { MAX_CREATION_EPOCH_SECONDS } from '../stream/decodeRecord.js';
import type { StreamRecord } from '../stream/types.js';
import type { RecordAdapter } from './types.js';

/** A record's section (`dynamodb`, `kinesis`), or undefined for a malformed record (never throws). */
function section(record: unknown, name: 'dynamodb' | 'kinesis'): Record<string, unknown> | undefined {
  if (record === null || typeof record !== 'object') return undefined;
  const data = (record as Record<string, unknown>)[name];
  return data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : undefined;
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The record's `eventID`, or undefined (never throws). */
function eventIdOf(record: unknown): string | undefined {
  return stringField((record as { eventID?: unknown } | null)?.eventID);
}

/** A time in epoch milliseconds, or undefined outside what a Date can hold or before 1970 (see decodeRecord's check). */
function plausibleMillis(millis: number): number | undefined {
  return Number.isFinite(millis) && millis >= 0 && millis <= MAX_CREATION_EPOCH_SECONDS * 1000
    ? millis
    : undefined;
}

/**
 * DynamoDB Streams records: named `<SequenceNumber>-<eventID>`, dated by ApproximateCreationDateTime.
 * Every accessor tolerates a malformed record (null, a string, wrong field types, an implausible
 * time): a poison record must reach its dead letter, not crash the batch.
 */
export const dynamoDbRecordAdapter: RecordAdapter<StreamRecord> = {
  sequenceField: 'SequenceNumber',
  sequenceNumber: (record) => stringField(section(record, 'dynamodb')?.SequenceNumber),
  createdAtMs(record) {
    const created = section(record, 'dynamodb')?.ApproximateCreationDateTime;
    const millis =
      created instanceof Date ? created.getTime() : typeof created === 'number' ? created * 1000 : NaN;
    return plausibleMillis(millis);
  },
  deadLetterName(record) {
    const sequence = stringField(section(record, 'dynamodb')?.SequenceNumber);
    const eventId = eventIdOf(record);
    return sequence && eventId ? `${sequence}-${eventId}` : undefined;
  },
  recordId: eventIdOf,
};

/**
 * Kinesis records: named by sequence number (unique per stream), dated by
 * approximateArrivalTimestamp.
 */
export const kinesisRecordAdapter: RecordAdapter<KinesisStreamRecord> = {
  sequenceField: 'sequenceNumber',
  source: 'kinesis',
  sequenceNumber: (record) => stringField(section(record, 'kinesis')?.sequenceNumber),
  createdAtMs(record) {
    const arrival = section(record, 'kinesis')?.approximateArrivalTimestamp;
    return typeof arrival === 'number' ? plausibleMillis(arrival * 1000) : undefined;
  },
  deadLetterName: (record) => stringField(section(record, 'kinesis')?.sequenceNumber),
  recordId: eventIdOf,
};
