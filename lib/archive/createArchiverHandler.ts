/**
 * Builds the archiver Lambda's handler from its environment: configuration validated once, clients,
 * pipeline and sinks made once per container and reused by every invocation.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent } from 'aws-lambda';
import type { Logger } from 'pino';
import { createAwsClient } from '../config/createAwsClient.js';
import { kinesisRecordAdapter } from '../delivery/recordAdapters.js';
import { S3DeadLetterStore, S3RecordDeadLetterStore } from '../delivery/S3DeadLetterStore.js';
import type { StreamBatchResponse } from '../delivery/types.js';
import { resolveLayout } from '../layout/resolveLayout.js';
import { parseTableLayouts } from '../layout/tableLayouts.js';
import { createLogger } from '../logging/createLogger.js';
import { DeliveryTelemetry } from '../observability/DeliveryTelemetry.js';
import { createPipeline } from '../pipeline/createPipeline.js';
import { resolveRouting } from '../routing/defaultRouting.js';
import { S3ArchiveSink } from '../sinks/archive/S3ArchiveSink.js';
import type { StreamEvent } from '../stream/types.js';
import { loadArchiverConfig } from './archiverConfig.js';
import { processArchiveBatch } from './processArchiveBatch.js';

/** What Lambda passes besides the event (only the deadline is used). */
export interface ArchiverContext {
  getRemainingTimeInMillis(): number;
}

/** The archiver handler: a DynamoDB Streams event or a Lambda Kinesis event (Kinesis Data Streams for DynamoDB). */
export type ArchiverHandler = (
  event: StreamEvent | KinesisStreamEvent,
  context?: ArchiverContext,
) => Promise<StreamBatchResponse>;

/** Replacements for what the handler would make itself (tests, local runs). */
export interface ArchiverOverrides {
  /** @default createAwsClient(S3Client): SDK retries off (the sink's are counted in metrics), call time limits */
  s3Client?: S3Client;
  logger?: Logger;
  /** `null`: no metrics. @default Powertools Metrics (EMF on stdout), service `archiver` */
  metrics?: Metrics | null;
}

/**
 * Builds the handler. Throws at once (in Lambda's init phase) when the configuration is invalid.
 *
 * @example
 * // functions/archiver.ts
 * export const handler = createArchiverHandler(process.env);
 *
 * @throws ConfigError naming each bad or missing environment variable
 * @throws LayoutError when MEMORY_CDC_LAYOUT is not a valid layout
 */
export function createArchiverHandler(
  env: Record<string, string | undefined>,
  overrides: ArchiverOverrides = {},
): ArchiverHandler {
  const config = loadArchiverConfig(env);
  const pipeline = createPipeline({
    layout: resolveLayout(config.layout),
    tableLayouts: parseTableLayouts(config.tableLayouts),
    routing: resolveRouting(config.routing),
  });
  const limits = {
    connectionTimeoutMs: config.connectionTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
  };
  const s3 = overrides.s3Client ?? createAwsClient(S3Client, limits);
  const telemetry = new DeliveryTelemetry();
  const sink = new S3ArchiveSink({
    client: s3,
    bucket: config.archiveBucket,
    prefix: config.archivePrefix,
    retry: { maxAttempts: config.deliveryMaxAttempts },
    telemetry,
  });
  const deadLetters = new S3DeadLetterStore({ client: s3, bucket: config.deadLetterBucket });
  const kinesisDeadLetters = new S3RecordDeadLetterStore(
    { client: s3, bucket: config.deadLetterBucket },
    kinesisRecordAdapter,
  );
  // Batch summaries hold counts and keys only: no item contents reach the log either way.
  const logger =
    overrides.logger ??
    createLogger({ name: 'archiver', level: config.logLevel, logContents: config.logContents });
  const metrics =
    overrides.metrics === null
      ? undefined
      : (overrides.metrics ?? new Metrics({ namespace: config.metricsNamespace, serviceName: 'archiver' }));
  return async (event, context) => {
    const result = await processArchiveBatch(event, {
      pipeline,
      sink,
      deadLetters,
      kinesisDeadLetters,
      telemetry,
      logger,
      metrics,
      reserveMs: config.deadlineReserveMs,
      remainingTimeMs: context ? () => context.getRemainingTimeInMillis() : undefined,
    });
    return result.response;
  };
}
