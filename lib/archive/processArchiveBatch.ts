/**
 * The archiver's batch: keep the TTL expiries, turn them into archive outputs with the shared
 * pipeline, and write them through the archive sink with the shared stream-batch processor (which
 * dead-letters poison records and reports what was not written for Lambda to retry).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { processKinesisDynamoDbBatch } from '../delivery/processKinesisDynamoDbBatch.js';
import {
  type ProcessStreamBatchOptions,
  processStreamBatch,
  type StreamBatchResult,
} from '../delivery/processStreamBatch.js';
import type { DeadLetterStore } from '../delivery/types.js';
import { ConfigError } from '../errors.js';
import type { Pipeline } from '../pipeline/types.js';
import type { ArchiveOutput } from '../routing/types.js';
import type { Sink } from '../sinks/types.js';
import { isKinesisStreamEvent } from '../stream/isKinesisStreamEvent.js';
import { missingImages, RECORDS_MISSING_IMAGES_METRIC } from '../stream/missingImages.js';
import type { StreamEvent, StreamRecord } from '../stream/types.js';
import { archiveOutputsOf } from './archiveOutputsOf.js';
import { isExpiryRecord } from './isExpiryRecord.js';

/** Options for {@link processArchiveBatch}. Build them once per container. */
export interface ProcessArchiveBatchOptions
  extends Omit<ProcessStreamBatchOptions, 'functionName' | 'outputsFor' | 'sinks'> {
  pipeline: Pipeline;
  /** The archive sink (`S3ArchiveSink` in the Lambda) in `deliver` flush mode. */
  sink: Sink<ArchiveOutput>;
  /** @default 'archiver' */
  functionName?: string;
  /**
   * Where poison records of a Kinesis source go (the Kinesis record as delivered); required to
   * process a Lambda Kinesis event (Kinesis Data Streams for DynamoDB as the source).
   */
  kinesisDeadLetters?: DeadLetterStore<KinesisStreamRecord>;
}

/** The batch result, with the records that were not TTL expiries. */
export interface ArchiveBatchResult extends StreamBatchResult {
  /** Records ignored because they are not TTL expiries (acknowledged, nothing written). */
  ignored: number;
}

export { isExpiryRecord } from './isExpiryRecord.js';

/**
 * Archives the TTL expiries of one batch: one object per expired item, under a key that depends
 * only on the expiry record, so every retry pattern of Lambda leaves each item in exactly one object.
 * Records that are not TTL expiries are acknowledged untouched and counted: the event source
 * mapping's filter should keep them out, so any that arrive are logged (counts only) and published
 * as the `ArchiveRecordsIgnored` metric. A failed write reports its records, and every later one,
 * in `batchItemFailures`; nothing is dropped. A Lambda Kinesis event (Kinesis Data Streams for
 * DynamoDB as the source) is converted, deduplicated and ordered first, and reported by Kinesis
 * sequence number (see `processKinesisDynamoDbBatch`); it needs `kinesisDeadLetters`.
 *
 * @example
 * const pipeline = createPipeline({ layout: agentMemoryLayout });
 * const s3 = new S3Client({ maxAttempts: 1 });
 * const options = {
 *   pipeline,
 *   sink: new S3ArchiveSink({ client: s3, bucket: process.env.ARCHIVE_BUCKET! }),
 *   deadLetters: new S3DeadLetterStore({ client: s3, bucket: process.env.DEAD_LETTER_BUCKET! }),
 * };
 * export const handler = async (event: StreamEvent, context: { getRemainingTimeInMillis(): number }) =>
 *   (await processArchiveBatch(event, { ...options, remainingTimeMs: () => context.getRemainingTimeInMillis() }))
 *     .response;
 */
export async function processArchiveBatch(
  event: StreamEvent | KinesisStreamEvent,
  options: ProcessArchiveBatchOptions,
): Promise<ArchiveBatchResult> {
  const { pipeline, sink, functionName = 'archiver', kinesisDeadLetters, deadLetters, ...shared } = options;
  let ignored = 0;
  const common = {
    ...shared,
    functionName,
    sinks: [sink],
    outputsFor: (record: StreamRecord) => archiveOutputsOf(record, pipeline),
  };
  if (isKinesisStreamEvent(event)) {
    if (!kinesisDeadLetters) {
      throw new ConfigError('processArchiveBatch: a Kinesis event needs the kinesisDeadLetters option');
    }
    const result = await processKinesisDynamoDbBatch(event, {
      ...common,
      deadLetters: kinesisDeadLetters,
      onConverted: (records) => {
        ignored = noteRecords(records, pipeline, options);
      },
    });
    return { ...result, ignored };
  }
  ignored = noteRecords(event.Records ?? [], pipeline, options);
  const result = await processStreamBatch(event, { ...common, deadLetters });
  return { ...result, ignored };
}

/**
 * Logs and counts (as metrics) the records that are not TTL expiries and the expiries without their
 * old image; returns how many are ignored.
 */
function noteRecords(
  records: readonly StreamRecord[],
  pipeline: Pipeline,
  options: ProcessArchiveBatchOptions,
): number {
  const ttlAttribute = pipeline.layout.ttlAttribute;
  const expiry = records.map((record) => isExpiryRecord(record, ttlAttribute));
  const ignored = expiry.filter((isExpiry) => !isExpiry).length;
  if (ignored > 0) {
    // Null-prototype: an eventName such as `__proto__` or `constructor` is just a name here.
    const eventNames: Record<string, number> = Object.create(null);
    records.forEach((record, i) => {
      if (expiry[i]) return;
      const name = typeof record?.eventName === 'string' ? record.eventName : 'missing';
      eventNames[name] = (eventNames[name] ?? 0) + 1;
    });
    options.logger?.warn({ ignored, eventNames }, 'ignored stream records that are not TTL expiries');
  }
  const withoutImage = records.filter((record, i) => expiry[i] && missingImages(record).length > 0).length;
  if (withoutImage > 0) {
    options.logger?.warn(
      { records: withoutImage },
      'TTL expiries without their old image dead-lettered: the table stream must be NEW_AND_OLD_IMAGES',
    );
  }
  // Added before the processor publishes the batch's metrics, so they go out in the same document.
  options.metrics?.addMetric('ArchiveRecordsIgnored', MetricUnit.Count, ignored);
  options.metrics?.addMetric(RECORDS_MISSING_IMAGES_METRIC, MetricUnit.Count, withoutImage);
  return ignored;
}
