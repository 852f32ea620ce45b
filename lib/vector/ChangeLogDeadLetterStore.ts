/**
 * Dead letters of the vector-sync Lambda. Its input is the Kinesis change log, so a dead letter
 * holds the Kinesis record (the redrive input) where the DynamoDB-stream Lambdas keep a stream
 * record; the envelope, prefix and reasons are the shared ones (`lib/delivery/types.ts`).
 */
import { createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamRecord } from 'aws-lambda';
import { DEAD_LETTER_PREFIX } from '../delivery/deadLetterKey.js';
import type { DeadLetter } from '../delivery/types.js';

/** A poison change-log record parked with the reason. */
export type ChangeLogDeadLetter = Omit<DeadLetter, 'record'> & { record: KinesisStreamRecord };

/** Where change-log dead letters go. */
export interface ChangeLogDeadLetterStore {
  /**
   * Writes one dead letter at a key derived from the record (writing it again overwrites it).
   * @returns where it was written
   * @throws the client's error when it could not be written (the record is then not acknowledged)
   */
  write(letter: ChangeLogDeadLetter, options?: { signal?: AbortSignal }): Promise<string>;
}

/**
 * `dead-letter/<function>/<yyyy-mm-dd>/<sequenceNumber>.json`, the day being the record's arrival
 * time in the stream (UTC). Kinesis sequence numbers are unique per stream, so the key is stable.
 */
export function changeLogDeadLetterKey(
  functionName: string,
  record: KinesisStreamRecord,
  prefix = DEAD_LETTER_PREFIX,
): string {
  const arrival = record.kinesis?.approximateArrivalTimestamp;
  const day = typeof arrival === 'number' ? new Date(arrival * 1000).toISOString().slice(0, 10) : 'undated';
  const sequence = record.kinesis?.sequenceNumber;
  const name = sequence
    ? sequence
    : `record-${createHash('sha256').update(JSON.stringify(record)).digest('hex').slice(0, 32)}`;
  return `${prefix}${functionName}/${day}/${encodeURIComponent(name)}.json`;
}

/** Options for {@link S3ChangeLogDeadLetterStore}. */
export interface S3ChangeLogDeadLetterStoreOptions {
  client: S3Client;
  /** DEAD_LETTER_BUCKET. */
  bucket: string;
  /** @default 'dead-letter/' */
  prefix?: string;
}

/**
 * Change-log dead letters as JSON objects in S3. Needs only `s3:PutObject` on the prefix.
 *
 * @example
 * ```ts
 * const deadLetters = new S3ChangeLogDeadLetterStore({ client: new S3Client({}), bucket: process.env.DEAD_LETTER_BUCKET! });
 * ```
 */
export class S3ChangeLogDeadLetterStore implements ChangeLogDeadLetterStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3ChangeLogDeadLetterStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? DEAD_LETTER_PREFIX;
  }

  async write(letter: ChangeLogDeadLetter, options: { signal?: AbortSignal } = {}): Promise<string> {
    const key = changeLogDeadLetterKey(letter.function, letter.record, this.prefix);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: Buffer.from(JSON.stringify(letter), 'utf8'),
        ContentType: 'application/json',
      }),
      { abortSignal: options.signal },
    );
    return `s3://${this.bucket}/${key}`;
  }
}
