/**
 * The vector sync's wiring: from its configuration (the environment, see `vectorSyncConfig.ts`) to
 * a handler that consumes the Kinesis change log and keeps an Amazon S3 Vectors index of
 * conversation turns in step with the table, returning a partial batch response. Only the S3
 * Vectors backend is imported here, so the Lambda bundle never pulls the local LanceDB index.
 * `functions/vector-sync.ts` is this and one line.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { S3Client } from '@aws-sdk/client-s3';
import { S3VectorsClient } from '@aws-sdk/client-s3vectors';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { Logger } from 'pino';
import { createAwsClient } from '../config/createAwsClient.js';
import { lazyAwsClient } from '../config/lazyAwsClient.js';
import type { RetryPolicy } from '../delivery/retryPolicy.js';
import { resolveLayout } from '../layout/resolveLayout.js';
import { parseTableLayouts } from '../layout/tableLayouts.js';
import { createLogger } from '../logging/createLogger.js';
import { DeliveryTelemetry } from '../observability/DeliveryTelemetry.js';
import { resolveRouting } from '../routing/defaultRouting.js';
import { VectorSyncSink } from '../sinks/vector/VectorSyncSink.js';
import { BedrockTitanEmbedder } from './BedrockTitanEmbedder.js';
import { S3VectorsIndex } from './backends/S3VectorsIndex.js';
import { S3ChangeLogDeadLetterStore } from './ChangeLogDeadLetterStore.js';
import { processChangeLogBatch } from './processChangeLogBatch.js';
import { S3ClaimCheckReader } from './S3ClaimCheckReader.js';
import type { Embedder } from './types.js';
import { VectorSyncWorker } from './VectorSyncWorker.js';
import type { VectorSyncConfig } from './vectorSyncConfig.js';

/** The part of the Lambda context the handler uses. */
export interface VectorSyncContext {
  getRemainingTimeInMillis(): number;
}

/** The handler: a Kinesis event in, a partial batch response out. */
export type VectorSyncHandler = (
  event: KinesisStreamEvent,
  context?: VectorSyncContext,
) => Promise<KinesisStreamBatchResponse>;

/** What tests and other entry points may supply instead of what the config builds. */
export interface VectorSyncOverrides {
  clients?: { s3Vectors?: S3VectorsClient; bedrock?: BedrockRuntimeClient; s3?: S3Client };
  /** An embedder other than Bedrock Titan (tests, other models). */
  embedder?: Embedder;
  /** Retry waits (attempts come from DELIVERY_MAX_ATTEMPTS unless given here). */
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  metrics?: Metrics;
}

/**
 * Builds the vector sync's handler from its configuration. Call once per container.
 *
 * The S3 Vectors and S3 clients run with the SDK's retries off: the delivery retry policy retries
 * what failed, visibly and within the deadline. The Bedrock client keeps the SDK's adaptive retry
 * strategy (each text is its own call; throttling is the common failure).
 *
 * @example
 * ```ts
 * export const handler = createVectorSyncHandler(loadVectorSyncConfig(process.env));
 * ```
 */
export function createVectorSyncHandler(
  config: VectorSyncConfig,
  overrides: VectorSyncOverrides = {},
): VectorSyncHandler {
  const layout = resolveLayout(config.layout);
  const tableLayouts = parseTableLayouts(config.tableLayouts);
  const route = resolveRouting(config.routing).vector;
  const limits = {
    connectionTimeoutMs: config.connectionTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
  };
  // S3 serves rare paths only (claim-checked events, dead letters): loaded on first use.
  const s3 =
    overrides.clients?.s3 ??
    lazyAwsClient(async () => createAwsClient((await import('@aws-sdk/client-s3')).S3Client, limits));
  const index = new S3VectorsIndex({
    client: overrides.clients?.s3Vectors ?? createAwsClient(S3VectorsClient, limits),
    vectorBucketName: config.vectorBucketName,
    indexName: config.vectorIndexName,
    dimension: config.embeddingDimensions,
  });
  const embedder =
    overrides.embedder ??
    new BedrockTitanEmbedder({
      client:
        overrides.clients?.bedrock ?? new BedrockRuntimeClient({ maxAttempts: 3, retryMode: 'adaptive' }),
      modelId: config.bedrockModelId,
      dimensions: config.embeddingDimensions,
      concurrency: config.embeddingConcurrency,
    });
  const worker = new VectorSyncWorker({ index, embedder });
  const telemetry = new DeliveryTelemetry();
  const retry = { maxAttempts: config.deliveryMaxAttempts, ...overrides.retry };
  const sink = new VectorSyncSink({ worker, retry, telemetry });
  const deadLetters = new S3ChangeLogDeadLetterStore({ client: s3, bucket: config.deadLetterBucket });
  const claimChecks = new S3ClaimCheckReader({ client: s3 });
  const logger =
    overrides.logger ??
    createLogger({ name: 'vector-sync', level: config.logLevel, logContents: config.logContents });
  const metrics =
    overrides.metrics ??
    new Metrics({ namespace: config.metricsNamespace, serviceName: 'memory-cdc-vector-sync' });

  return async (event, context) => {
    const result = await processChangeLogBatch(event, {
      functionName: 'vector-sync',
      layout,
      tableLayouts,
      sink,
      route,
      embeddingAttribute: config.embeddingAttribute,
      claimChecks,
      deadLetters,
      ...(context ? { remainingTimeMs: () => context.getRemainingTimeInMillis() } : {}),
      reserveMs: config.deadlineReserveMs,
      retry,
      telemetry,
      logger,
      metrics,
    });
    return result.response;
  };
}
