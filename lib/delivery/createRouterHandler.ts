/**
 * The router's wiring: from its configuration (the environment, see `config/routerConfig.ts`) to a
 * handler that publishes domain events to EventBridge and the ordered change log to Kinesis (and,
 * in the one-reader layout, writes the TTL archive to S3) and returns a partial batch response. A record is acknowledged only when both sinks accepted
 * everything it owes (or it was dead-lettered). `functions/router.ts` is this and one line.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent } from 'aws-lambda';
import type { Logger } from 'pino';
import { outputsWithArchive } from '../archive/archiveOutputsOf.js';
import { createAwsClient } from '../config/createAwsClient.js';
import { lazyAwsClient } from '../config/lazyAwsClient.js';
import type { RouterConfig } from '../config/routerConfig.js';
import { resolveLayout } from '../layout/resolveLayout.js';
import { parseTableLayouts } from '../layout/tableLayouts.js';
import { createLogger } from '../logging/createLogger.js';
import { DeliveryTelemetry } from '../observability/DeliveryTelemetry.js';
import { createPipeline } from '../pipeline/createPipeline.js';
import { resolveRouting } from '../routing/defaultRouting.js';
import { S3ArchiveSink } from '../sinks/archive/S3ArchiveSink.js';
import { S3ClaimCheckStore } from '../sinks/claimCheck/S3ClaimCheckStore.js';
import { EventBridgePublisher } from '../sinks/eventbridge/EventBridgePublisher.js';
import { KinesisPublisher } from '../sinks/kinesis/KinesisPublisher.js';
import type { Sink } from '../sinks/types.js';
import { isKinesisStreamEvent } from '../stream/isKinesisStreamEvent.js';
import { missingImages, RECORDS_MISSING_IMAGES_METRIC } from '../stream/missingImages.js';
import type { StreamEvent, StreamRecord } from '../stream/types.js';
import { owingDeadLetterStore } from './owingDeadLetterStore.js';
import { processKinesisDynamoDbBatch } from './processKinesisDynamoDbBatch.js';
import { processStreamBatch } from './processStreamBatch.js';
import { kinesisRecordAdapter } from './recordAdapters.js';
import type { RetryPolicy } from './retryPolicy.js';
import { S3DeadLetterStore, S3RecordDeadLetterStore } from './S3DeadLetterStore.js';
import { releaseSerializedImages, serializeOutputDetails } from './serializeDetail.js';
import type { StreamBatchResponse } from './types.js';

/** The part of the Lambda context the router uses. */
export interface RouterContext {
  getRemainingTimeInMillis(): number;
}

/**
 * The router's handler: a DynamoDB Streams event, or a Lambda Kinesis event from a Kinesis data
 * stream the table streams to (Kinesis Data Streams for DynamoDB), in; a partial batch response out.
 */
export type RouterHandler = (
  event: StreamEvent | KinesisStreamEvent,
  context?: RouterContext,
) => Promise<StreamBatchResponse>;

/** What tests and other entry points may supply instead of what the config builds. */
export interface RouterOverrides {
  /** AWS clients; built with the SDK's own retries off (`maxAttempts: 1`) when not given. */
  clients?: { eventBridge?: EventBridgeClient; kinesis?: KinesisClient; s3?: S3Client };
  /** Retry waits (attempts come from DELIVERY_MAX_ATTEMPTS unless given here). */
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  metrics?: Metrics;
}

/**
 * Builds the router's handler from its configuration. Call once per container.
 *
 * @example
 * ```ts
 * export const handler = createRouterHandler(loadRouterConfig(process.env));
 * ```
 */
export function createRouterHandler(config: RouterConfig, overrides: RouterOverrides = {}): RouterHandler {
  // The router owns EventBridge and Kinesis, and the TTL archive in the one-reader layout (ARCHIVE_BUCKET
  // set); otherwise the archiver takes the archive outputs. The vector sync always takes its own.
  const writesArchive = config.archiveBucket !== undefined;
  const routing = resolveRouting(config.routing);
  const pipeline = createPipeline({
    layout: resolveLayout(config.layout),
    tableLayouts: parseTableLayouts(config.tableLayouts),
    routing: {
      ...routing,
      archive: writesArchive ? routing.archive : { ...routing.archive, enabled: false },
      vector: { ...routing.vector, enabled: false },
    },
  });
  const limits = {
    connectionTimeoutMs: config.connectionTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
  };
  // S3 serves rare paths only (claim checks, dead letters, the one-reader archive): loaded on first use.
  const s3 =
    overrides.clients?.s3 ??
    lazyAwsClient(async () => createAwsClient((await import('@aws-sdk/client-s3')).S3Client, limits));
  const telemetry = new DeliveryTelemetry();
  const retry = { maxAttempts: config.deliveryMaxAttempts, ...overrides.retry };
  const claimCheck = new S3ClaimCheckStore({ client: s3, bucket: config.claimCheckBucket });
  const sinks: Sink[] = [
    new EventBridgePublisher({
      client: overrides.clients?.eventBridge ?? createAwsClient(EventBridgeClient, limits),
      eventBusName: config.eventBusName,
      maxRequestBytes: config.eventBridgeMaxRequestBytes,
      concurrency: config.eventBridgeConcurrency,
      claimCheck,
      retry,
      telemetry,
    }),
    new KinesisPublisher({
      client: overrides.clients?.kinesis ?? createAwsClient(KinesisClient, limits),
      stream: config.changeLogStream,
      maxRecordBytes: config.kinesisMaxRecordBytes,
      maxRequestBytes: config.kinesisMaxRequestBytes,
      claimCheck,
      retry,
      telemetry,
    }),
  ];
  if (config.archiveBucket !== undefined) {
    // The archiver's sink: one object per expired item, keyed by its expiry record (exactly once).
    sinks.push(
      new S3ArchiveSink({
        client: s3,
        bucket: config.archiveBucket,
        prefix: config.archivePrefix,
        retry,
        telemetry,
      }),
    );
  }
  // Each dead letter says what the router owed the record, so a redrive resends the archive output
  // of a one-reader router, and never starts archiving for a two-reader one.
  const owes = sinks.map((sink) => sink.name);
  const deadLetters = owingDeadLetterStore(
    new S3DeadLetterStore({ client: s3, bucket: config.deadLetterBucket }),
    owes,
  );
  // Kinesis-sourced dead letters hold the Kinesis record as delivered, named by its sequence number.
  const kinesisDeadLetters = owingDeadLetterStore(
    new S3RecordDeadLetterStore({ client: s3, bucket: config.deadLetterBucket }, kinesisRecordAdapter),
    owes,
  );
  const logger =
    overrides.logger ??
    createLogger({ name: 'router', level: config.logLevel, logContents: config.logContents });
  const metrics =
    overrides.metrics ??
    new Metrics({ namespace: config.metricsNamespace, serviceName: 'memory-cdc-router' });

  // Image-less records (a stream not on NEW_AND_OLD_IMAGES) still flow, but are counted and alarmed.
  const countMissingImages = (records: readonly StreamRecord[]) => {
    const missing = records.filter((record) => missingImages(record).length > 0).length;
    if (missing > 0) {
      logger.warn(
        { records: missing },
        'records without the images the pipeline needs: the table stream must be NEW_AND_OLD_IMAGES',
      );
    }
    metrics.addMetric(RECORDS_MISSING_IMAGES_METRIC, MetricUnit.Count, missing);
  };
  // A record is acknowledged only when its events and, for a TTL expiry, its archive object are written.
  // Each record's details are serialized as soon as it is built, while its objects are hot in the
  // CPU cache; the publishers reuse the text (see serializeOutputDetails).
  const outputsFor = (record: StreamRecord) => {
    const outputs = writesArchive ? outputsWithArchive(record, pipeline) : pipeline.process(record).outputs;
    serializeOutputDetails(outputs);
    // The text stands for each detail from here: its decoded images need not live until delivery.
    releaseSerializedImages(outputs);
    return outputs;
  };

  return async (event, context) => {
    const shared = {
      functionName: 'router',
      outputsFor,
      sinks,
      remainingTimeMs: context ? () => context.getRemainingTimeInMillis() : undefined,
      reserveMs: config.deadlineReserveMs,
      retry,
      telemetry,
      logger,
      metrics,
    };
    if (isKinesisStreamEvent(event)) {
      const result = await processKinesisDynamoDbBatch(event, {
        ...shared,
        deadLetters: kinesisDeadLetters,
        onConverted: countMissingImages,
      });
      return result.response;
    }
    countMissingImages(event.Records ?? []);
    const result = await processStreamBatch(event, { ...shared, deadLetters });
    return result.response;
  };
}
