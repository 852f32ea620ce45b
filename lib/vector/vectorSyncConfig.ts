/**
 * Configuration of the vector-sync Lambda, read from its environment once at start-up and
 * validated (ajv), with errors that name the variable and its bad value.
 */
import { commonEnv, deadLetterEnv, deliveryEnv } from '../config/commonEnvironment.js';
import { CONFIG_VALIDATOR_OPTIONS, loadEnvironmentConfig } from '../config/loadEnvironmentConfig.js';
import type { Environment, EnvironmentTable, FunctionConfig } from '../config/types.js';
import { ConfigError } from '../errors.js';
import { type SchemaValidatorSpec, schemaValidator } from '../validation/schemaValidator.js';
import { TITAN_EMBED_TEXT_V2 } from './BedrockTitanEmbedder.js';

/**
 * The vector sync's settings: the common ones (its `vector` route applies; dead letters under
 * `dead-letter/vector-sync/`; delivery attempts per operation) and the index and embedding model.
 */
export interface VectorSyncConfig extends FunctionConfig {
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
}

/** Every environment variable the vector sync reads, its config field, and how to parse it. */
const VARIABLES = {
  ...commonEnv.variables,
  ...deadLetterEnv.variables,
  VECTOR_BUCKET_NAME: { field: 'vectorBucketName', type: 'string' },
  VECTOR_INDEX_NAME: { field: 'vectorIndexName', type: 'string' },
  EMBEDDING_ATTRIBUTE: { field: 'embeddingAttribute', type: 'string' },
  EMBEDDING_DIMENSIONS: { field: 'embeddingDimensions', type: 'integer' },
  BEDROCK_MODEL_ID: { field: 'bedrockModelId', type: 'string' },
  EMBEDDING_CONCURRENCY: { field: 'embeddingConcurrency', type: 'integer' },
  ...deliveryEnv.variables,
} as const satisfies EnvironmentTable<VectorSyncConfig>;

/** JSON Schema of {@link VectorSyncConfig}, defaults included. */
export const vectorSyncConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['layout', 'deadLetterBucket', 'vectorBucketName', 'vectorIndexName'],
  properties: {
    ...commonEnv.properties,
    ...deadLetterEnv.properties,
    // Vector bucket and index names: 3-63 lowercase letters, digits, hyphens (and dots for indexes).
    vectorBucketName: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$' },
    vectorIndexName: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' },
    embeddingAttribute: { type: 'string', minLength: 1, maxLength: 255, default: 'embedding' },
    embeddingDimensions: { type: 'integer', minimum: 1, maximum: 4096, default: 1024 },
    bedrockModelId: { type: 'string', minLength: 1, maxLength: 2048, default: TITAN_EMBED_TEXT_V2 },
    embeddingConcurrency: { type: 'integer', minimum: 1, maximum: 64, default: 8 },
    ...deliveryEnv.properties,
  },
} as const;

/** The check of {@link vectorSyncConfigSchema} (precompiled in the Lambda bundles). */
export const VECTOR_SYNC_CONFIG_VALIDATOR: SchemaValidatorSpec = {
  id: 'vector-sync-config',
  schema: vectorSyncConfigSchema,
  options: CONFIG_VALIDATOR_OPTIONS,
};

const validateVectorSyncConfig = schemaValidator(VECTOR_SYNC_CONFIG_VALIDATOR);

/**
 * Reads and validates the vector sync's configuration from environment variables.
 *
 * @example
 * ```ts
 * const config = loadVectorSyncConfig(process.env); // once, outside the handler
 * ```
 * @throws ConfigError naming each bad or missing variable and its value
 */
export function loadVectorSyncConfig(env: Environment): VectorSyncConfig {
  const config = loadEnvironmentConfig<VectorSyncConfig>(env, {
    component: 'vector-sync',
    variables: VARIABLES,
    validate: validateVectorSyncConfig,
  });
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
