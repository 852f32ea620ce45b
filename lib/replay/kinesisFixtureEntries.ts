/**
 * Replay of Kinesis Data Streams for DynamoDB captures: a fixture file holding a Lambda Kinesis
 * event whose records carry DynamoDB change records (base64 JSON) replays like a DynamoDB Streams
 * file, with the source's guarantees applied — each change once (deduplicated on `eventID`), each
 * item's changes in `ApproximateCreationDateTime` order.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import { DecodeError } from '../errors.js';
import { fromKinesisDynamoDbRecord, type KinesisSourcedRecord } from '../stream/fromKinesisDynamoDbRecord.js';
import { orderKinesisSourcedRecords } from '../stream/orderKinesisDynamoDbBatch.js';
import type { FixtureEntry } from './readFixtureRecords.js';

/** True for a record of a Lambda Kinesis event (`eventSource: "aws:kinesis"` with a `kinesis` section). */
export function isKinesisRecord(record: unknown): record is KinesisStreamRecord {
  if (record === null || typeof record !== 'object') return false;
  const r = record as { eventSource?: unknown; kinesis?: unknown };
  return r.eventSource === 'aws:kinesis' && r.kinesis !== null && typeof r.kinesis === 'object';
}

/**
 * Passes a DynamoDB Streams file's batches of entries through unchanged. A file whose first record
 * is a Kinesis record is read whole (one batch: order is restored within it), converted,
 * deduplicated and ordered; a record that does not convert is passed on with the conversion's
 * error, for replay to report.
 *
 * @example
 * for await (const batch of kinesisFixtureEntries(readFixtureBatches(file), (n) => warn(`${n} duplicates`))) batch.forEach(run);
 *
 * @param onDuplicates told how many redelivered changes were dropped (only when there were some)
 */
export async function* kinesisFixtureEntries(
  batches: AsyncIterable<FixtureEntry[]>,
  onDuplicates?: (count: number) => void,
): AsyncGenerator<FixtureEntry[]> {
  const iterator = batches[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  if (!isKinesisRecord(first.value[0]?.record)) {
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    return;
  }
  const all: FixtureEntry[] = [...first.value];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) all.push(...next.value);
  const convertible: FixtureEntry[] = [];
  const converted: KinesisSourcedRecord[] = [];
  const unconvertible: FixtureEntry[] = [];
  for (const entry of all) {
    try {
      converted.push(fromKinesisDynamoDbRecord(entry.record as KinesisStreamRecord));
      convertible.push(entry);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      unconvertible.push({ ...entry, error }); // reported with why it does not convert
    }
  }
  if (unconvertible.length > 0) yield unconvertible;
  const batch = orderKinesisSourcedRecords(converted);
  const indexOf = new Map(
    convertible.map((e) => [(e.record as KinesisStreamRecord).kinesis.sequenceNumber, e.index] as const),
  );
  if (batch.duplicates.length > 0) onDuplicates?.(batch.duplicates.length);
  const ordered = batch.records.map((entry) => ({
    index: indexOf.get(entry.kinesisSequenceNumber) ?? 0,
    record: entry.record as unknown,
  }));
  if (ordered.length > 0) yield ordered;
}
