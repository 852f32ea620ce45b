/**
 * The real sinks for `backfill --deliver`, configured from the same environment variables as the
 * Lambdas (so a backfill delivers where the deployed stack delivers): EventBridge and the Kinesis
 * change log as the router does, the vector index as the vector-sync function does.
 * DELIVERY_MAX_ATTEMPTS bounds the attempts per output, as in the router.
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { S3VectorsClient } from '@aws-sdk/client-s3vectors';
import { createAwsClient } from '../../config/createAwsClient.js';
import { ConfigError } from '../../errors.js';
import { SINK_NAMES, type SinkName } from '../../routing/types.js';
import { S3ArchiveSink } from '../../sinks/archive/S3ArchiveSink.js';
import { S3ClaimCheckStore } from '../../sinks/claimCheck/S3ClaimCheckStore.js';
import { EventBridgePublisher } from '../../sinks/eventbridge/EventBridgePublisher.js';
import { KinesisPublisher } from '../../sinks/kinesis/KinesisPublisher.js';
import type { Sink } from '../../sinks/types.js';
import { VectorSyncSink } from '../../sinks/vector/VectorSyncSink.js';
import { BedrockTitanEmbedder } from '../../vector/BedrockTitanEmbedder.js';
import { S3VectorsIndex } from '../../vector/backends/S3VectorsIndex.js';
import { VectorSyncWorker } from '../../vector/VectorSyncWorker.js';

/** What each deliverable sink needs from the environment. */
const NEEDS: Record<SinkName, string> = {
  eventbridge: 'EVENT_BUS_NAME',
  kinesis: 'CHANGE_LOG_STREAM_NAME',
  vector: 'VECTOR_BUCKET_NAME and VECTOR_INDEX_NAME',
  archive: 'ARCHIVE_BUCKET',
};

/** Options of {@link selectDeliverySinks}. */
export interface SelectDeliverySinksOptions {
  /**
   * The TTL archive may be selected (a redrive resends archive outputs; a backfill emits inserts,
   * which are never archived). @default false
   */
  archive?: boolean;
}

type Env = Record<string, string | undefined>;

function configured(name: SinkName, env: Env): boolean {
  switch (name) {
    case 'eventbridge':
      return !!env.EVENT_BUS_NAME;
    case 'kinesis':
      return !!env.CHANGE_LOG_STREAM_NAME;
    case 'vector':
      return !!env.VECTOR_BUCKET_NAME && !!env.VECTOR_INDEX_NAME;
    case 'archive':
      return !!env.ARCHIVE_BUCKET;
  }
}

/**
 * Which sinks `--deliver [list]` selects: the list given, or every sink whose environment is set.
 * The archive sink only with `options.archive`: a backfill emits inserts, and only TTL expiries are
 * archived.
 * @throws ConfigError naming what a selected sink needs, or listing the variables when none is set
 */
export function selectDeliverySinks(
  list: string | true,
  env: Env = process.env,
  options: SelectDeliverySinksOptions = {},
): SinkName[] {
  const allowed = SINK_NAMES.filter((name) => name !== 'archive' || options.archive);
  if (list === true) {
    const found = allowed.filter((name) => configured(name, env));
    if (found.length === 0) {
      throw new ConfigError(
        `--deliver needs at least one sink configured: ${Object.entries(NEEDS)
          .filter(([sink]) => allowed.includes(sink as SinkName))
          .map(([sink, vars]) => `${vars} (${sink})`)
          .join(', ')}`,
      );
    }
    return found;
  }
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0)
    throw new ConfigError('--deliver: name the sinks, e.g. --deliver eventbridge,kinesis');
  for (const name of names) {
    if (name === 'archive' && !options.archive)
      throw new ConfigError('--deliver archive: backfill emits inserts, which are never archived');
    if (!(name in NEEDS))
      throw new ConfigError(`--deliver: unknown sink ${JSON.stringify(name)} (${allowed.join(', ')})`);
    if (!configured(name as SinkName, env)) {
      throw new ConfigError(`--deliver ${name} needs ${NEEDS[name as keyof typeof NEEDS]} set`);
    }
  }
  return [...new Set(names)] as SinkName[];
}

/** Region and credentials come from the usual AWS configuration (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_*). */
/**
 * Builds the selected sinks. Clients run with SDK retries off: the sinks retry themselves.
 * @param region `--region`, else the AWS configuration's
 */
export function createDeliverySinks(
  names: readonly SinkName[],
  region?: string,
  env: Env = process.env,
): Sink[] {
  const attempts = env.DELIVERY_MAX_ATTEMPTS === undefined ? undefined : Number(env.DELIVERY_MAX_ATTEMPTS);
  if (attempts !== undefined && !(Number.isInteger(attempts) && attempts >= 1)) {
    throw new ConfigError(
      `DELIVERY_MAX_ATTEMPTS must be a positive integer (given ${env.DELIVERY_MAX_ATTEMPTS})`,
    );
  }
  const retry = attempts === undefined ? {} : { retry: { maxAttempts: attempts } };
  const claimCheck = env.CLAIM_CHECK_BUCKET
    ? new S3ClaimCheckStore({ client: createAwsClient(S3Client, { region }), bucket: env.CLAIM_CHECK_BUCKET })
    : undefined;
  return names.map((name): Sink => {
    switch (name) {
      case 'eventbridge':
        return new EventBridgePublisher({
          client: createAwsClient(EventBridgeClient, { region }),
          eventBusName: env.EVENT_BUS_NAME!,
          ...retry,
          ...(claimCheck ? { claimCheck } : {}),
        }) as Sink;
      case 'kinesis':
        return new KinesisPublisher({
          // HTTP/1.1 (the factory's handler): local Kinesis emulators only speak 1.1.
          client: createAwsClient(KinesisClient, { region }),
          stream: env.CHANGE_LOG_STREAM_NAME!,
          ...retry,
          ...(claimCheck ? { claimCheck } : {}),
        }) as Sink;
      case 'vector': {
        const dimensions = Number(env.EMBEDDING_DIMENSIONS ?? 1024);
        if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 4096) {
          throw new ConfigError(
            `EMBEDDING_DIMENSIONS must be an integer from 1 to 4096 (given ${env.EMBEDDING_DIMENSIONS})`,
          );
        }
        const index = new S3VectorsIndex({
          client: createAwsClient(S3VectorsClient, { region }),
          vectorBucketName: env.VECTOR_BUCKET_NAME!,
          indexName: env.VECTOR_INDEX_NAME!,
          dimension: dimensions,
        });
        const embedder = new BedrockTitanEmbedder({
          client: createAwsClient(BedrockRuntimeClient, { region, requestTimeoutMs: 30_000 }),
          modelId: env.BEDROCK_MODEL_ID ?? 'amazon.titan-embed-text-v2:0',
          dimensions,
        });
        return new VectorSyncSink({ worker: new VectorSyncWorker({ index, embedder }), ...retry }) as Sink;
      }
      default:
        // 'archive': the TTL archive as the archiver (or a one-reader router) writes it: one object per expiry.
        return new S3ArchiveSink({
          client: createAwsClient(S3Client, { region }),
          bucket: env.ARCHIVE_BUCKET!,
          ...(env.ARCHIVE_PREFIX ? { prefix: env.ARCHIVE_PREFIX } : {}),
          ...retry,
        }) as Sink;
    }
  });
}
