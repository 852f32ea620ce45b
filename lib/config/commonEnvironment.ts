/**
 * The environment variables every Lambda function of memory-cdc reads, declared once with their
 * schema: each function's config spreads these groups' variables and properties into its own (see
 * `routerConfig.ts`). There are three groups, rather than one, so that each function places its own
 * variables among them in the order it reports their problems.
 */
import { DEFAULT_RETRY_POLICY } from '../delivery/retryPolicy.js';
import { routingSchema } from '../routing/routingSchema.js';
import { DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './createAwsClient.js';
import type { EnvironmentGroup } from './types.js';

/** JSON Schema of an S3 general purpose bucket name. */
export const bucketNameSchema = { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' } as const;

/** Layout, routing, logs and metrics. */
export const commonEnv = {
  variables: {
    MEMORY_CDC_LAYOUT: { field: 'layout', type: 'string' },
    MEMORY_CDC_TABLE_LAYOUTS: { field: 'tableLayouts', type: 'json' },
    MEMORY_CDC_ROUTING: { field: 'routing', type: 'json' },
    LOG_LEVEL: { field: 'logLevel', type: 'string' },
    MEMORY_CDC_LOG_CONTENTS: { field: 'logContents', type: 'boolean' },
    POWERTOOLS_METRICS_NAMESPACE: { field: 'metricsNamespace', type: 'string' },
  },
  properties: {
    layout: { type: 'string', minLength: 1 },
    tableLayouts: {
      type: 'object',
      additionalProperties: { oneOf: [{ type: 'string', minLength: 1 }, { type: 'object' }] },
      default: {},
    },
    routing: { ...routingSchema, default: {} },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    logContents: { type: 'boolean', default: false },
    metricsNamespace: { type: 'string', minLength: 1, maxLength: 255, default: 'MemoryCdc' },
  },
} as const satisfies EnvironmentGroup;

/** Where poison records go. */
export const deadLetterEnv = {
  variables: {
    DEAD_LETTER_BUCKET: { field: 'deadLetterBucket', type: 'string' },
  },
  properties: {
    deadLetterBucket: bucketNameSchema,
  },
} as const satisfies EnvironmentGroup;

/** Retries and the deadline of one invocation. */
export const deliveryEnv = {
  variables: {
    DELIVERY_MAX_ATTEMPTS: { field: 'deliveryMaxAttempts', type: 'integer' },
    DEADLINE_RESERVE_MS: { field: 'deadlineReserveMs', type: 'integer' },
    AWS_CONNECTION_TIMEOUT_MS: { field: 'connectionTimeoutMs', type: 'integer' },
    AWS_REQUEST_TIMEOUT_MS: { field: 'requestTimeoutMs', type: 'integer' },
  },
  properties: {
    deliveryMaxAttempts: {
      type: 'integer',
      minimum: 1,
      maximum: 50,
      default: DEFAULT_RETRY_POLICY.maxAttempts,
    },
    deadlineReserveMs: { type: 'integer', minimum: 0, maximum: 600_000, default: 5000 },
    connectionTimeoutMs: {
      type: 'integer',
      minimum: 100,
      maximum: 60_000,
      default: DEFAULT_CONNECTION_TIMEOUT_MS,
    },
    requestTimeoutMs: {
      type: 'integer',
      minimum: 100,
      maximum: 900_000,
      default: DEFAULT_REQUEST_TIMEOUT_MS,
    },
  },
} as const satisfies EnvironmentGroup;
