/**
 * What `tail --kinesis-stream` guarantees about changes read from Kinesis Data Streams for
 * DynamoDB, which can deliver a change more than once and an item's changes out of order:
 *
 * - **Each change once**: a change whose `eventID` was already passed on — in the same page or an
 *   earlier one (the last {@link KinesisChangeTrackerOptions.remember} ids are remembered) — is dropped.
 * - **Per-item order within what tail holds**: the changes of one `GetRecords` page (one shard, up to
 *   1,000 records) are put in `ApproximateCreationDateTime` order per item (`orderKinesisDynamoDbBatch`).
 * - **Across pages, flagged, not restored**: tail prints a page as soon as it has it, so a change
 *   older than one of its item already printed (an earlier page) cannot be put back; it is passed on
 *   and listed in `late`, which tail reports.
 *
 * Records that are not DynamoDB change records are passed back in `undecodable` with the adapter's
 * error: counted as failed, never dropped silently.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import type { DecodeError } from '../errors.js';
import {
  type CreationTimePrecision,
  fromKinesisDynamoDbRecord,
  type KinesisSourcedRecord,
} from '../stream/fromKinesisDynamoDbRecord.js';
import { itemKeyOf, orderKinesisSourcedRecords } from '../stream/orderKinesisDynamoDbBatch.js';

/** Options of {@link KinesisChangeTracker}. */
export interface KinesisChangeTrackerOptions {
  /** The streaming destination's precision when a record does not state it. @default 'auto' */
  precision?: CreationTimePrecision | 'auto';
  /** Change ids (and items' newest times) remembered for cross-page dedupe and order checks. @default 100000 */
  remember?: number;
}

/** A change passed on, with the Kinesis record it came from. */
export interface TrackedChange extends KinesisSourcedRecord {
  kinesisRecord: KinesisStreamRecord;
}

/** One page, converted. */
export interface TrackedPage {
  /** Each new change once, each item's changes of the page oldest first. */
  changes: TrackedChange[];
  /** Records dropped as redeliveries (an `eventID` already passed on). */
  duplicates: number;
  /** Records that are not Kinesis Data Streams for DynamoDB change records. */
  undecodable: { kinesisRecord: KinesisStreamRecord; error: DecodeError }[];
  /** Changes older than a change of their item passed on in an earlier page. */
  late: string[];
  /** Changes whose order against another of their item the timestamps cannot tell (equal times). */
  orderUncertain: string[];
}

/** A set (or map) that forgets its oldest entries beyond a size. */
class Bounded<V> extends Map<string, V> {
  constructor(private readonly limit: number) {
    super();
  }
  remember(key: string, value: V): void {
    this.delete(key);
    this.set(key, value);
    if (this.size > this.limit) this.delete(this.keys().next().value!);
  }
}

/**
 * Converts, deduplicates and orders the pages of a Kinesis stream read shard by shard.
 *
 * @example
 * ```ts
 * const tracker = new KinesisChangeTracker();
 * for await (const { records } of walker.batches()) {
 *   const { changes, late } = tracker.accept(records);
 *   for (const { record } of changes) report.add(record);
 * }
 * ```
 */
export class KinesisChangeTracker {
  private readonly seen: Bounded<true>;
  private readonly newest: Bounded<number>;
  private readonly precision: CreationTimePrecision | 'auto';

  constructor(options: KinesisChangeTrackerOptions = {}) {
    const remember = options.remember ?? 100_000;
    this.seen = new Bounded(remember);
    this.newest = new Bounded(remember);
    this.precision = options.precision ?? 'auto';
  }

  /** Takes one page (the records of one `GetRecords` call, in shard order). */
  accept(records: readonly KinesisStreamRecord[]): TrackedPage {
    const options = { precision: this.precision };
    const undecodable: TrackedPage['undecodable'] = [];
    const convertible: KinesisStreamRecord[] = [];
    const converted: KinesisSourcedRecord[] = [];
    for (const kinesisRecord of records) {
      try {
        converted.push(fromKinesisDynamoDbRecord(kinesisRecord, options));
        convertible.push(kinesisRecord);
      } catch (error) {
        undecodable.push({ kinesisRecord, error: error as DecodeError });
      }
    }
    const page = orderKinesisSourcedRecords(converted);
    const bySequence = new Map(convertible.map((r) => [r.kinesis.sequenceNumber, r] as const));
    let duplicates = page.duplicates.length;
    const changes: TrackedChange[] = [];
    const late: string[] = [];
    for (const entry of page.records) {
      const id = entry.record.eventID!;
      if (this.seen.has(id)) {
        duplicates++;
        continue;
      }
      this.seen.remember(id, true);
      const item = itemKeyOf(entry);
      const time = entry.createdAtMicros ?? Number.NEGATIVE_INFINITY;
      const newest = this.newest.get(item);
      if (newest !== undefined && time < newest) late.push(id);
      else this.newest.remember(item, time);
      changes.push({ ...entry, kinesisRecord: bySequence.get(entry.kinesisSequenceNumber)! });
    }
    return { changes, duplicates, undecodable, late, orderUncertain: page.orderUncertain };
  }
}
