import type { S3Client } from '@aws-sdk/client-s3';
import type { StreamRecord } from '../stream/types.js';
import { DEAD_LETTER_PREFIX, recordDeadLetterKey } from './deadLetterKey.js';
import { dynamoDbRecordAdapter } from './recordAdapters.js';
import type { DeadLetter, DeadLetterStore, RecordAdapter } from './types.js';

/** Options for {@link S3DeadLetterStore}. */
export interface S3DeadLetterStoreOptions {
  client: S3Client;
  /** DEAD_LETTER_BUCKET. */
  bucket: string;
  /** Key prefix. @default 'dead-letter/' */
  prefix?: string;
}

/**
 * Dead letters of records of any event source as JSON objects in S3
 * (`dead-letter/<function>/<day>/<name>.json`, see `recordDeadLetterKey`), each holding the reason
 * and the full record. Needs only `s3:PutObject` on the prefix. Each event source has its thin
 * subclass ({@link S3DeadLetterStore}, `S3ChangeLogDeadLetterStore`).
 */
export class S3RecordDeadLetterStore<R> implements DeadLetterStore<R> {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(
    options: S3DeadLetterStoreOptions,
    private readonly adapter: RecordAdapter<R>,
  ) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? DEAD_LETTER_PREFIX;
  }

  async write(letter: DeadLetter<R>, options: { signal?: AbortSignal } = {}): Promise<string> {
    const key = recordDeadLetterKey(this.adapter, letter.function, letter.record, this.prefix);
    // Loaded on first use: the router's start does not load the S3 client (see lazyAwsClient.ts).
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
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

/**
 * Dead letters of DynamoDB stream records as JSON objects in S3
 * (`dead-letter/<function>/<day>/<sequence>-<eventID>.json`), each holding the reason and the full
 * stream record. Needs only `s3:PutObject` on the prefix.
 *
 * @example
 * ```ts
 * const deadLetters = new S3DeadLetterStore({ client: new S3Client({}), bucket: process.env.DEAD_LETTER_BUCKET! });
 * ```
 */
export class S3DeadLetterStore extends S3RecordDeadLetterStore<StreamRecord> {
  constructor(options: S3DeadLetterStoreOptions) {
    super(options, dynamoDbRecordAdapter);
  }
}
