/**
 * What memory-cdc guarantees for a batch read from Kinesis Data Streams for DynamoDB, which can
 * deliver a change more than once and out of order: each change once (deduplicated on its
 * `eventID`), and each item's changes in `ApproximateCreationDateTime` order within the batch.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import {
  type FromKinesisDynamoDbOptions,
  fromKinesisDynamoDbRecord,
  type KinesisSourcedRecord,
} from './fromKinesisDynamoDbRecord.js';

/** One batch, ordered and deduplicated. */
export interface OrderedKinesisBatch {
  /** Each change once, each item's changes oldest first; items keep their first arrival's place. */
  records: KinesisSourcedRecord[];
  /** Later deliveries of a change already in `records` (same `eventID`), dropped. */
  duplicates: KinesisSourcedRecord[];
  /**
   * `eventID`s whose order against another change of the same item the timestamps cannot tell
   * (equal `ApproximateCreationDateTime`, common at millisecond precision): kept in arrival order.
   */
  orderUncertain: string[];
}

/** The item a record changes: its table and key attributes, in a canonical form. */
export function itemKeyOf(entry: KinesisSourcedRecord): string {
  const data = entry.record.dynamodb;
  const keys = data?.Keys ?? data?.NewImage ?? data?.OldImage ?? {};
  const table = entry.record.eventSourceARN ?? '';
  return `${table}\u0000${JSON.stringify(
    Object.keys(keys)
      .sort()
      .map((name) => [name, keys[name]]),
  )}`;
}

/**
 * Converts, deduplicates and orders one Kinesis batch. Records are converted with
 * {@link fromKinesisDynamoDbRecord}; the first delivery of each `eventID` is kept. Within each item
 * the changes are sorted by creation time (stable: equal times keep arrival order and are listed in
 * `orderUncertain`), and placed in the positions that item's records held in the batch, so changes
 * of different items keep their relative arrival order. Order across batches is not restored.
 *
 * @example
 * ```ts
 * const { records, duplicates } = orderKinesisDynamoDbBatch(event.Records);
 * for (const { record } of records) pipeline.process(record);
 * ```
 * @throws DecodeError for the first record that does not convert
 */
export function orderKinesisDynamoDbBatch(
  kinesisRecords: readonly KinesisStreamRecord[],
  options: FromKinesisDynamoDbOptions = {},
): OrderedKinesisBatch {
  return orderKinesisSourcedRecords(
    kinesisRecords.map((record) => fromKinesisDynamoDbRecord(record, options)),
  );
}

/**
 * The deduplication and per-item ordering of {@link orderKinesisDynamoDbBatch}, on records already
 * converted (a Lambda converts each record on its own, so one that does not convert is dead-lettered
 * instead of failing the batch). Returns the same entry objects, so callers can map them back.
 *
 * @example
 * ```ts
 * const { records } = orderKinesisSourcedRecords(event.Records.map((r) => fromKinesisDynamoDbRecord(r)));
 * ```
 */
export function orderKinesisSourcedRecords(entries: readonly KinesisSourcedRecord[]): OrderedKinesisBatch {
  const seen = new Set<string>();
  const unique: KinesisSourcedRecord[] = [];
  const duplicates: KinesisSourcedRecord[] = [];
  for (const entry of entries) {
    const id = entry.record.eventID!;
    if (seen.has(id)) duplicates.push(entry);
    else {
      seen.add(id);
      unique.push(entry);
    }
  }
  const byItem = new Map<string, number[]>();
  unique.forEach((entry, index) => {
    const key = itemKeyOf(entry);
    const slots = byItem.get(key);
    if (slots) slots.push(index);
    else byItem.set(key, [index]);
  });
  const records = new Array<KinesisSourcedRecord>(unique.length);
  const orderUncertain: string[] = [];
  for (const slots of byItem.values()) {
    const time = (entry: KinesisSourcedRecord) => entry.createdAtMicros ?? Number.NEGATIVE_INFINITY;
    const sorted = slots.map((i) => unique[i]!).sort((a, b) => time(a) - time(b));
    sorted.forEach((entry, i) => {
      records[slots[i]!] = entry;
      const tied =
        (i > 0 && time(sorted[i - 1]!) === time(entry)) ||
        (i + 1 < sorted.length && time(sorted[i + 1]!) === time(entry));
      if (tied) orderUncertain.push(entry.record.eventID!);
    });
  }
  return { records, duplicates, orderUncertain };
}
