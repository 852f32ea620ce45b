/**
 * Configuration of the router Lambda, read from its environment once at start-up and validated
 * (ajv), with errors that name the variable and its bad value.
 */
import { archiverConfigSchema } from '../archive/archiverConfig.js';
import { ConfigError } from '../errors.js';
import { DEFAULT_PUT_EVENTS_MAX_BYTES } from '../sinks/eventbridge/limits.js';
import {
  DEFAULT_KINESIS_MAX_RECORD_BYTES,
  DEFAULT_KINESIS_MAX_REQUEST_BYTES,
} from '../sinks/kinesis/limits.js';
import { type SchemaValidatorSpec, schemaValidator } from '../validation/schemaValidator.js';
import { bucketNameSchema, commonEnv, deadLetterEnv, deliveryEnv } from './commonEnvironment.js';
import { CONFIG_VALIDATOR_OPTIONS, loadEnvironmentConfig } from './loadEnvironmentConfig.js';
import type { Environment, EnvironmentTable, FunctionConfig } from './types.js';

/**
 * The router's settings: the common ones (dead letters under `dead-letter/router/`, delivery attempts
 * per output) and its two outputs, EventBridge and Kinesis.
 */
export interface RouterConfig extends FunctionConfig {
  /** EVENT_BUS_NAME: name or ARN of the bus. */
  eventBusName: string;
  /** CHANGE_LOG_STREAM_NAME: name or ARN of the Kinesis stream. */
  changeLogStream: string;
  /** CLAIM_CHECK_BUCKET: where oversize events go (prefix `claim-check/`). */
  claimCheckBucket: string;
  /**
   * EVENTBRIDGE_MAX_REQUEST_BYTES: PutEvents size limit (sum of entry sizes, strictly less).
   * @default 1000000 (1 MB since 2026-01-29; set 262144 where the 256 KB limit still applies)
   */
  eventBridgeMaxRequestBytes: number;
  /** EVENTBRIDGE_CONCURRENCY: PutEvents requests in flight. @default 4 */
  eventBridgeConcurrency: number;
  /** KINESIS_MAX_RECORD_BYTES: the stream's record limit (1 MiB unless raised). @default 1048576 */
  kinesisMaxRecordBytes: number;
  /** KINESIS_MAX_REQUEST_BYTES: PutRecords request limit. @default 5242880 (10485760 allowed) */
  kinesisMaxRequestBytes: number;
  /**
   * ARCHIVE_BUCKET: set in the one-reader layout, where the router also writes the TTL archive
   * (the archiver's processing, see `lib/archive/archiveOutputsOf.ts`). Unset: the archiver does.
   * @default undefined (two-reader layout: no archive writes by the router)
   */
  archiveBucket?: string;
  /** ARCHIVE_PREFIX: key prefix of the archive root (one-reader layout). @default 'archive/' */
  archivePrefix: string;
}

/** Every environment variable the router reads, its config field, and how to parse it. */
const VARIABLES = {
  ...commonEnv.variables,
  EVENT_BUS_NAME: { field: 'eventBusName', type: 'string' },
  CHANGE_LOG_STREAM_NAME: { field: 'changeLogStream', type: 'string' },
  CLAIM_CHECK_BUCKET: { field: 'claimCheckBucket', type: 'string' },
  ...deadLetterEnv.variables,
  EVENTBRIDGE_MAX_REQUEST_BYTES: { field: 'eventBridgeMaxRequestBytes', type: 'integer' },
  EVENTBRIDGE_CONCURRENCY: { field: 'eventBridgeConcurrency', type: 'integer' },
  KINESIS_MAX_RECORD_BYTES: { field: 'kinesisMaxRecordBytes', type: 'integer' },
  KINESIS_MAX_REQUEST_BYTES: { field: 'kinesisMaxRequestBytes', type: 'integer' },
  ARCHIVE_BUCKET: { field: 'archiveBucket', type: 'string' },
  ARCHIVE_PREFIX: { field: 'archivePrefix', type: 'string' },
  ...deliveryEnv.variables,
} as const satisfies EnvironmentTable<RouterConfig>;

/** JSON Schema of {@link RouterConfig}, defaults included. */
export const routerConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['layout', 'eventBusName', 'changeLogStream', 'claimCheckBucket', 'deadLetterBucket'],
  properties: {
    ...commonEnv.properties,
    eventBusName: { type: 'string', minLength: 1, maxLength: 1600 },
    changeLogStream: { type: 'string', minLength: 1, maxLength: 2048 },
    claimCheckBucket: bucketNameSchema,
    ...deadLetterEnv.properties,
    eventBridgeMaxRequestBytes: {
      type: 'integer',
      minimum: 8192,
      maximum: 1_048_576,
      default: DEFAULT_PUT_EVENTS_MAX_BYTES,
    },
    eventBridgeConcurrency: { type: 'integer', minimum: 1, maximum: 64, default: 4 },
    kinesisMaxRecordBytes: {
      type: 'integer',
      minimum: 8192,
      maximum: 10_485_760,
      default: DEFAULT_KINESIS_MAX_RECORD_BYTES,
    },
    kinesisMaxRequestBytes: {
      type: 'integer',
      minimum: 8192,
      maximum: 10_485_760,
      default: DEFAULT_KINESIS_MAX_REQUEST_BYTES,
    },
    archiveBucket: bucketNameSchema,
    archivePrefix: archiverConfigSchema.properties.archivePrefix,
    ...deliveryEnv.properties,
  },
} as const;

/** The check of {@link routerConfigSchema} (precompiled in the Lambda bundles). */
export const ROUTER_CONFIG_VALIDATOR: SchemaValidatorSpec = {
  id: 'router-config',
  schema: routerConfigSchema,
  options: CONFIG_VALIDATOR_OPTIONS,
};

const validateRouterConfig = schemaValidator(ROUTER_CONFIG_VALIDATOR);

/**
 * Reads and validates the router's configuration from environment variables.
 *
 * @example
 * ```ts
 * const config = loadRouterConfig(process.env); // once, outside the handler
 * ```
 * @throws ConfigError naming each bad or missing variable and its value
 */
export function loadRouterConfig(env: Environment): RouterConfig {
  const config = loadEnvironmentConfig<RouterConfig>(env, {
    component: 'router',
    variables: VARIABLES,
    validate: validateRouterConfig,
  });
  if (config.kinesisMaxRecordBytes > config.kinesisMaxRequestBytes) {
    throw new ConfigError(
      `KINESIS_MAX_RECORD_BYTES (${config.kinesisMaxRecordBytes}) must not exceed KINESIS_MAX_REQUEST_BYTES (${config.kinesisMaxRequestBytes})`,
    );
  }
  return config;
}
