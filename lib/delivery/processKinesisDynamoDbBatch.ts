/**
 * The stream-batch processor for Kinesis Data Streams for DynamoDB as the source: a Lambda Kinesis
 * event whose records carry the table's changes. A layer over `processRecordBatch`, like
 * `processStreamBatch` for DynamoDB Streams, that converts, deduplicates and orders the batch first
 * and reports failures by the Kinesis sequence number.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { RoutedOutput } from '../routing/types.js';
import type { Sink } from '../sinks/types.js';
import {
  type FromKinesisDynamoDbOptions,
  fromKinesisDynamoDbRecord,
  type KinesisSourcedRecord,
} from '../stream/fromKinesisDynamoDbRecord.js';
import { orderKinesisSourcedRecords } from '../stream/orderKinesisDynamoDbBatch.js';
import type { StreamRecord } from '../stream/types.js';
import { describeError } from './classifyError.js';
import {
  type BatchDeliveryOptions,
  processRecordBatch,
  type RecordBatchResult,
} from './processRecordBatch.js';
import { kinesisRecordAdapter } from './recordAdapters.js';
import type { DeadLetterStore, PreparedRecord } from './types.js';

/** Metric: later deliveries of a change already in the batch (same `eventID`), dropped. */
export const KINESIS_DUPLICATES_METRIC = 'SourceDuplicatesDropped';
/** Metric: changes whose order against another change of their item the timestamps cannot tell. */
export const KINESIS_ORDER_UNCERTAIN_METRIC = 'SourceOrderUncertain';

/** Options for {@link processKinesisDynamoDbBatch}. Build them once per container; pass per invocation. */
export interface ProcessKinesisDynamoDbBatchOptions extends BatchDeliveryOptions, FromKinesisDynamoDbOptions {
  /** Names the Lambda in dead-letter keys, logs and metrics (`router`, `archiver`). */
  functionName: string;
  /**
   * The outputs one change owes (the converted record, in the DynamoDB Streams shape). Throwing
   * marks the record as poison: its Kinesis record is dead-lettered with the error as reason.
   */
  outputsFor(record: StreamRecord): readonly RoutedOutput[] | Promise<readonly RoutedOutput[]>;
  /** One sink for each sink name the outputs use. */
  sinks: readonly Sink[];
  /** Where poison records go: the Kinesis record exactly as Lambda delivered it. */
  deadLetters: DeadLetterStore<KinesisStreamRecord>;
  /** Sees the converted changes (each once, in processing order) before any is processed. */
  onConverted?(records: readonly StreamRecord[]): void;
}

/** What {@link processKinesisDynamoDbBatch} returns. */
export interface KinesisDynamoDbBatchResult extends RecordBatchResult {
  /** Kinesis records dropped as later deliveries of a change already in the batch. */
  duplicates: number;
  /** `eventID`s kept in arrival order because their item has another change with the same time. */
  orderUncertain: string[];
}

/**
 * Processes one batch read from a Kinesis data stream that a table streams to (Kinesis Data
 * Streams for DynamoDB), with at-least-once delivery.
 *
 * Each Kinesis record is converted on its own (`fromKinesisDynamoDbRecord`); one that does not
 * convert is poison and dead-lettered whole, the rest go on. A change delivered more than once in
 * the batch (same `eventID`) is processed once; each item's changes are processed oldest first by
 * `ApproximateCreationDateTime` (ties keep arrival order and are counted as `SourceOrderUncertain`).
 * Order across batches is not restored: every event carries `origin.sequenceNumber`, the change's
 * creation time in microseconds, for consumers that need to tell. A change is acknowledged only
 * when every output it owes was accepted or its dead letter written; otherwise the batch is
 * reported from the earliest Kinesis record not done (`itemIdentifier` = `kinesis.sequenceNumber`)
 * and every later one, duplicates included, so Lambda resumes there. Event ids derive from the
 * change's own `eventID` (see `fromKinesisDynamoDbRecord`), so every delivery of a change yields the
 * same ids and consumers deduplicate on them.
 *
 * @example
 * ```ts
 * const options = {
 *   functionName: 'router',
 *   outputsFor: (record: StreamRecord) => pipeline.process(record).outputs,
 *   sinks: [new KinesisPublisher({ client: new KinesisClient({ maxAttempts: 1 }), stream: 'changes' })],
 *   deadLetters: new S3RecordDeadLetterStore({ client: new S3Client({}), bucket: 'dlq' }, kinesisRecordAdapter),
 * };
 * export const handler = async (event: KinesisStreamEvent, context: { getRemainingTimeInMillis(): number }) =>
 *   (await processKinesisDynamoDbBatch(event, { ...options, remainingTimeMs: () => context.getRemainingTimeInMillis() }))
 *     .response;
 * ```
 * @throws DeliveryError when the first record to report has no sequence number (Lambda then
 *   retries the whole batch) or an output names a sink that was not given
 */
export async function processKinesisDynamoDbBatch(
  event: KinesisStreamEvent,
  options: ProcessKinesisDynamoDbBatchOptions,
): Promise<KinesisDynamoDbBatchResult> {
  const { outputsFor, onConverted, precision, ...shared } = options;
  const raw = event.Records ?? [];
  // 1. Convert each record on its own: a bad one is poison, not the end of the batch.
  const converted: (KinesisSourcedRecord | { poison: string })[] = raw.map((record) => {
    try {
      return fromKinesisDynamoDbRecord(record, { precision });
    } catch (error) {
      return { poison: describeError(error) };
    }
  });
  const entries = converted.filter((c): c is KinesisSourcedRecord => !('poison' in c));
  const arrivalOf = new Map<KinesisSourcedRecord, number>();
  converted.forEach((c, index) => {
    if (!('poison' in c)) arrivalOf.set(c, index);
  });
  // 2. Each change once, each item's changes oldest first (in the slots that item's records held).
  const ordered = orderKinesisSourcedRecords(entries);
  const duplicateSet = new Set(ordered.duplicates);
  const work: number[] = [];
  const changeAt = new Map<KinesisStreamRecord, StreamRecord>();
  const poisonAt = new Map<KinesisStreamRecord, string>();
  let next = 0;
  converted.forEach((c, index) => {
    if ('poison' in c) {
      work.push(index);
      poisonAt.set(raw[index]!, c.poison);
    } else if (!duplicateSet.has(c)) {
      const entry = ordered.records[next++]!;
      const arrival = arrivalOf.get(entry)!;
      work.push(arrival);
      changeAt.set(raw[arrival]!, entry.record);
    }
  });
  onConverted?.(ordered.records.map((entry) => entry.record));
  if (ordered.duplicates.length > 0 || ordered.orderUncertain.length > 0) {
    options.logger?.warn(
      { duplicates: ordered.duplicates.length, orderUncertain: ordered.orderUncertain.length },
      'Kinesis source batch: duplicate deliveries dropped, or item changes with equal creation times kept in arrival order',
    );
  }
  options.metrics?.addMetric(KINESIS_DUPLICATES_METRIC, MetricUnit.Count, ordered.duplicates.length);
  options.metrics?.addMetric(KINESIS_ORDER_UNCERTAIN_METRIC, MetricUnit.Count, ordered.orderUncertain.length);

  // 3. Deliver in processing order through the shared processor, reading the raw Kinesis records.
  const result = await processRecordBatch(
    work.map((index) => raw[index]!),
    {
      ...shared,
      adapter: kinesisRecordAdapter,
      prepare: async (record): Promise<PreparedRecord> => {
        const change = changeAt.get(record);
        if (!change) return { kind: 'poison', reason: poisonAt.get(record) ?? 'not a Kinesis record' };
        return { kind: 'outputs', outputs: await outputsFor(change) };
      },
    },
  );

  // 4. Lambda resumes at the lowest reported sequence number: report the Kinesis suffix from the
  // earliest record not done, so what a reordered batch acknowledged before it is sent again too.
  let from = raw.length;
  result.fates.forEach((fate, position) => {
    if (fate.status === 'failed' || fate.status === 'retried-after-failure')
      from = Math.min(from, work[position]!);
  });
  const batchItemFailures = raw
    .slice(from)
    .flatMap((record) =>
      record.kinesis?.sequenceNumber ? [{ itemIdentifier: record.kinesis.sequenceNumber }] : [],
    );
  return {
    ...result,
    response: { batchItemFailures },
    duplicates: ordered.duplicates.length,
    orderUncertain: ordered.orderUncertain,
  };
}
