/**
 * Configuration of the vector-sync Lambda, read from its environment once at start-up and
 * validated (ajv), with errors that name the variable and its bad value.
 */
import { Ajv } from 'ajv';
import { DEFAULT_RETRY_POLICY } from '../delivery/retryPolicy.js';
import { ConfigError } from '../errors.js';
import type { RoutingConfig, SinkRoute } from '../routing/types.js';
import { TITAN_EMBED_TEXT_V2 } from './BedrockTitanEmbedder.js';

/** The vector sync's settings. */
export interface VectorSyncConfig {
  /** MEMORY_CDC_LAYOUT: `agent-memory`, `mastra`, or an inline JSON layout. */
  layout: string;
  /** MEMORY_CDC_ROUTING: a partial routing configuration (JSON); its `vector` route applies. */
  routing: Partial<Record<keyof RoutingConfig, Partial<SinkRoute>>>;
  /** LOG_LEVEL. @default 'info' */
  logLevel: string;
  /** MEMORY_CDC_LOG_CONTENTS: item contents in logs (debugging only). @default false */
  logContents: boolean;
  /** POWERTOOLS_METRICS_NAMESPACE. @default 'MemoryCdc' */
  metricsNamespace: string;
  /** DEAD_LETTER_BUCKET: where poison records go (prefix `dead-letter/vector-sync/`). */
  deadLetterBucket: string;
  /** VECTOR_BUCKET_NAME: the S3 vector bucket. */
  vectorBucketName: string;
  /** VECTOR_INDEX_NAME: the index in it. */
  vectorIndexName: string;
  /** EMBEDDING_ATTRIBUTE: the item attribute holding its own embedding. @default 'embedding' */
  embeddingAttribute: string;
  /** EMBEDDING_DIMENSIONS: the index's dimension and Titan's output size. @default 1024 */
  embeddingDimensions: number;
  /** BEDROCK_MODEL_ID. @default 'amazon.titan-embed-text-v2:0' */
  bedrockModelId: string;
  /** EMBEDDING_CONCURRENCY: InvokeModel calls in flight. @default 8 */
  embeddingConcurrency: number;
  /** DELIVERY_MAX_ATTEMPTS: attempts per operation within one invocation. @default 6 */
  deliveryMaxAttempts: number;
  /** DEADLINE_RESERVE_MS: stop this long before the Lambda timeout. @default 5000 */
  deadlineReserveMs: number;
}

/** Every environment variable the vector sync reads, its config field, and how to parse it. */
const VARIABLES = {
  MEMORY_CDC_LAYOUT: { field: 'layout', type: 'string' },
  MEMORY_CDC_ROUTING: { field: 'routing', type: 'json' },
  LOG_LEVEL: { field: 'logLevel', type: 'string' },
  MEMORY_CDC_LOG_CONTENTS: { field: 'logContents', type: 'boolean' },
  POWERTOOLS_METRICS_NAMESPACE: { field: 'metricsNamespace', type: 'string' },
  DEAD_LETTER_BUCKET: { field: 'deadLetterBucket', type: 'string' },
  VECTOR_BUCKET_NAME: { field: 'vectorBucketName', type: 'string' },
  VECTOR_INDEX_NAME: { field: 'vectorIndexName', type: 'string' },
  EMBEDDING_ATTRIBUTE: { field: 'embeddingAttribute', type: 'string' },
  EMBEDDING_DIMENSIONS: { field: 'embeddingDimensions', type: 'integer' },
  BEDROCK_MODEL_ID: { field: 'bedrockModelId', type: 'string' },
  EMBEDDING_CONCURRENCY: { field: 'embeddingConcurrency', type: 'integer' },
  DELIVERY_MAX_ATTEMPTS: { field: 'deliveryMaxAttempts', type: 'integer' },
  DEADLINE_RESERVE_MS: { field: 'deadlineReserveMs', type: 'integer' },
} as const satisfies Record<
  string,
  { field: keyof VectorSyncConfig; type: 'string' | 'json' | 'boolean' | 'integer' }
>;

const sinkRoute = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    entities: { oneOf: [{ const: 'all' }, { type: 'array', items: { type: 'string' } }] },
    includeNoise: { type: 'boolean' },
  },
};

/** JSON Schema of {@link VectorSyncConfig}, defaults included. */
export const vectorSyncConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['layout', 'deadLetterBucket', 'vectorBucketName', 'vectorIndexName'],
  properties: {
    layout: { type: 'string', minLength: 1 },
    routing: {
      type: 'object',
      additionalProperties: false,
      properties: { eventbridge: sinkRoute, kinesis: sinkRoute, archive: sinkRoute, vector: sinkRoute },
      default: {},
    },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    logContents: { type: 'boolean', default: false },
    metricsNamespace: { type: 'string', minLength: 1, maxLength: 255, default: 'MemoryCdc' },
    deadLetterBucket: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' },
    // Vector bucket and index names: 3-63 lowercase letters, digits, hyphens (and dots for indexes).
    vectorBucketName: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$' },
    vectorIndexName: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' },
    embeddingAttribute: { type: 'string', minLength: 1, maxLength: 255, default: 'embedding' },
    embeddingDimensions: { type: 'integer', minimum: 1, maximum: 4096, default: 1024 },
    bedrockModelId: { type: 'string', minLength: 1, maxLength: 2048, default: TITAN_EMBED_TEXT_V2 },
    embeddingConcurrency: { type: 'integer', minimum: 1, maximum: 64, default: 8 },
    deliveryMaxAttempts: {
      type: 'integer',
      minimum: 1,
      maximum: 50,
      default: DEFAULT_RETRY_POLICY.maxAttempts,
    },
    deadlineReserveMs: { type: 'integer', minimum: 0, maximum: 600_000, default: 5000 },
  },
} as const;

const validate = new Ajv({ allErrors: true, useDefaults: true }).compile(vectorSyncConfigSchema);

function variableOf(field: string): string {
  return Object.entries(VARIABLES).find(([, v]) => v.field === field)?.[0] ?? field;
}

/**
 * Reads and validates the vector sync's configuration from environment variables.
 *
 * @example
 * ```ts
 * const config = loadVectorSyncConfig(process.env); // once, outside the handler
 * ```
 * @throws ConfigError naming each bad or missing variable and its value
 */
export function loadVectorSyncConfig(env: Record<string, string | undefined>): VectorSyncConfig {
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, { field, type }] of Object.entries(VARIABLES)) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    if (type === 'string') raw[field] = text;
    else if (type === 'boolean') {
      if (/^(true|1|yes)$/i.test(text)) raw[field] = true;
      else if (/^(false|0|no)$/i.test(text)) raw[field] = false;
      else problems.push(`${name} must be true or false (given ${JSON.stringify(text)})`);
    } else if (type === 'integer') {
      if (/^\d+$/.test(text.trim())) raw[field] = Number(text.trim());
      else problems.push(`${name} must be a whole number (given ${JSON.stringify(text)})`);
    } else {
      try {
        raw[field] = JSON.parse(text);
      } catch (error) {
        problems.push(`${name} is not valid JSON (${(error as Error).message})`);
      }
    }
  }
  if (problems.length === 0 && !validate(raw)) {
    for (const error of validate.errors ?? []) {
      const field =
        error.instancePath.split('/')[1] ?? (error.params as { missingProperty?: string }).missingProperty;
      const name = field ? variableOf(field) : 'environment';
      if (error.keyword === 'required') {
        problems.push(`${name} is required`);
        continue;
      }
      const given = field ? env[name] : undefined;
      const where = error.instancePath.split('/').slice(2).join('.');
      problems.push(
        `${name}${where ? ` (${where})` : ''} ${error.message}${given !== undefined ? ` (given ${JSON.stringify(given)})` : ''}`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(`invalid vector-sync configuration: ${problems.join('; ')}`);
  const config = raw as unknown as VectorSyncConfig;
  if (
    config.bedrockModelId.startsWith('amazon.titan-embed-text-v2') &&
    ![256, 512, 1024].includes(config.embeddingDimensions)
  ) {
    throw new ConfigError(
      `EMBEDDING_DIMENSIONS must be 256, 512 or 1024 for ${config.bedrockModelId} (given ${config.embeddingDimensions})`,
    );
  }
  return config;
}
