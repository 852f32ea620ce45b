/**
 * The archive sink of the archiver Lambda: one S3 object per expired item, keyed by its expiry record.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { S3ArchiveStore } from '../../archive/S3ArchiveStore.js';
import type { RetryPolicy } from '../../delivery/retryPolicy.js';
import type { DeliveryTelemetry } from '../../observability/DeliveryTelemetry.js';
import { type ArchiveFlushMode, ArchiveSink } from './ArchiveSink.js';

/** Options for {@link S3ArchiveSink}. */
export interface S3ArchiveSinkOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix of the archive root. @default 'archive/' */
  prefix?: string;
  /** @default 'deliver' (each `deliver()` call writes its objects and reports per output) */
  flush?: ArchiveFlushMode;
  /** Objects written at the same time. @default 8 */
  concurrency?: number;
  /** Attempts and back-off per object (give the client `maxAttempts: 1`). @default DEFAULT_RETRY_POLICY */
  retry?: Partial<RetryPolicy>;
  /** Counts PUTs, retries and throttles for the batch summary (the Lambda's processor reads them). */
  telemetry?: DeliveryTelemetry;
  /** List written objects in `written` (tests, benchmarks); the Lambda keeps only `totals`. @default false */
  keepWritten?: boolean;
}

/**
 * Archive sink writing to S3.
 *
 * @example
 * const sink = new S3ArchiveSink({ client: new S3Client({ maxAttempts: 1 }), bucket: process.env.ARCHIVE_BUCKET! });
 * const { outcomes } = await sink.deliver(archiveOutputs);
 */
export class S3ArchiveSink extends ArchiveSink {
  readonly bucket: string;

  constructor(options: S3ArchiveSinkOptions) {
    super({
      writer: new S3ArchiveStore({ client: options.client, bucket: options.bucket, prefix: options.prefix }),
      flush: options.flush ?? 'deliver',
      concurrency: options.concurrency,
      retry: options.retry,
      telemetry: options.telemetry,
      keepWritten: options.keepWritten ?? false,
    });
    this.bucket = options.bucket;
  }
}
