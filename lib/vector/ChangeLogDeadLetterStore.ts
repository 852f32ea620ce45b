/**
 * Dead letters of the vector-sync Lambda. Its input is the Kinesis change log, so a dead letter
 * holds the Kinesis record (the redrive input) where the DynamoDB-stream Lambdas keep a stream
 * record; the envelope, prefix, reasons and S3 writer are the shared ones (`lib/delivery/`).
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import { DEAD_LETTER_PREFIX, recordDeadLetterKey } from '../delivery/deadLetterKey.js';
import { kinesisRecordAdapter } from '../delivery/recordAdapters.js';
import { type S3DeadLetterStoreOptions, S3RecordDeadLetterStore } from '../delivery/S3DeadLetterStore.js';
import type { DeadLetter, DeadLetterStore } from '../delivery/types.js';

/** A poison change-log record parked with the reason. */
export type ChangeLogDeadLetter = DeadLetter<KinesisStreamRecord>;

/** Where change-log dead letters go. */
export type ChangeLogDeadLetterStore = DeadLetterStore<KinesisStreamRecord>;

/**
 * `dead-letter/<function>/<yyyy-mm-dd>/<sequenceNumber>.json`, the day being the record's arrival
 * time in the stream (UTC). Kinesis sequence numbers are unique per stream, so the key is stable.
 */
export function changeLogDeadLetterKey(
  functionName: string,
  record: KinesisStreamRecord,
  prefix = DEAD_LETTER_PREFIX,
): string {
  return recordDeadLetterKey(kinesisRecordAdapter, functionName, record, prefix);
}

/** Options for {@link S3ChangeLogDeadLetterStore}. */
export type S3ChangeLogDeadLetterStoreOptions = S3DeadLetterStoreOptions;

/**
 * Change-log dead letters as JSON objects in S3. Needs only `s3:PutObject` on the prefix.
 *
 * @example
 * ```ts
 * const deadLetters = new S3ChangeLogDeadLetterStore({ client: new S3Client({}), bucket: process.env.DEAD_LETTER_BUCKET! });
 * ```
 */
export class S3ChangeLogDeadLetterStore extends S3RecordDeadLetterStore<KinesisStreamRecord> {
  constructor(options: S3ChangeLogDeadLetterStoreOptions) {
    super(options, kinesisRecordAdapter);
  }
}
