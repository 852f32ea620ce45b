/**
 * Configuration of the router Lambda, read from its environment once at start-up and validated
 * (ajv), with errors that name the variable and its bad value.
 */
import { Ajv } from 'ajv';
import { DEFAULT_RETRY_POLICY } from '../delivery/retryPolicy.js';
import { ConfigError } from '../errors.js';
import type { RoutingConfig, SinkRoute } from '../routing/types.js';
import { DEFAULT_PUT_EVENTS_MAX_BYTES } from '../sinks/eventbridge/limits.js';
import {
  DEFAULT_KINESIS_MAX_RECORD_BYTES,
  DEFAULT_KINESIS_MAX_REQUEST_BYTES,
} from '../sinks/kinesis/limits.js';

/** The router's settings. */
export interface RouterConfig {
  /** MEMORY_CDC_LAYOUT: `agent-memory`, `mastra`, or an inline JSON layout. */
  layout: string;
  /** MEMORY_CDC_ROUTING: a partial routing configuration (JSON). */
  routing: Partial<Record<keyof RoutingConfig, Partial<SinkRoute>>>;
  /** LOG_LEVEL. @default 'info' */
  logLevel: string;
  /** MEMORY_CDC_LOG_CONTENTS: item contents in logs (debugging only). @default false */
  logContents: boolean;
  /** POWERTOOLS_METRICS_NAMESPACE. @default 'MemoryCdc' */
  metricsNamespace: string;
  /** EVENT_BUS_NAME: name or ARN of the bus. */
  eventBusName: string;
  /** CHANGE_LOG_STREAM_NAME: name or ARN of the Kinesis stream. */
  changeLogStream: string;
  /** CLAIM_CHECK_BUCKET: where oversize events go (prefix `claim-check/`). */
  claimCheckBucket: string;
  /** DEAD_LETTER_BUCKET: where poison records go (prefix `dead-letter/router/`). */
  deadLetterBucket: string;
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
  /** DELIVERY_MAX_ATTEMPTS: attempts per output within one invocation. @default 6 */
  deliveryMaxAttempts: number;
  /** DEADLINE_RESERVE_MS: stop delivering this long before the Lambda timeout. @default 5000 */
  deadlineReserveMs: number;
}

/** Every environment variable the router reads, its config field, and how to parse it. */
const VARIABLES = {
  MEMORY_CDC_LAYOUT: { field: 'layout', type: 'string' },
  MEMORY_CDC_ROUTING: { field: 'routing', type: 'json' },
  LOG_LEVEL: { field: 'logLevel', type: 'string' },
  MEMORY_CDC_LOG_CONTENTS: { field: 'logContents', type: 'boolean' },
  POWERTOOLS_METRICS_NAMESPACE: { field: 'metricsNamespace', type: 'string' },
  EVENT_BUS_NAME: { field: 'eventBusName', type: 'string' },
  CHANGE_LOG_STREAM_NAME: { field: 'changeLogStream', type: 'string' },
  CLAIM_CHECK_BUCKET: { field: 'claimCheckBucket', type: 'string' },
  DEAD_LETTER_BUCKET: { field: 'deadLetterBucket', type: 'string' },
  EVENTBRIDGE_MAX_REQUEST_BYTES: { field: 'eventBridgeMaxRequestBytes', type: 'integer' },
  EVENTBRIDGE_CONCURRENCY: { field: 'eventBridgeConcurrency', type: 'integer' },
  KINESIS_MAX_RECORD_BYTES: { field: 'kinesisMaxRecordBytes', type: 'integer' },
  KINESIS_MAX_REQUEST_BYTES: { field: 'kinesisMaxRequestBytes', type: 'integer' },
  DELIVERY_MAX_ATTEMPTS: { field: 'deliveryMaxAttempts', type: 'integer' },
  DEADLINE_RESERVE_MS: { field: 'deadlineReserveMs', type: 'integer' },
} as const satisfies Record<
  string,
  { field: keyof RouterConfig; type: 'string' | 'json' | 'boolean' | 'integer' }
>;

const bucketName = { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' };
const sinkRoute = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    entities: { oneOf: [{ const: 'all' }, { type: 'array', items: { type: 'string' } }] },
    includeNoise: { type: 'boolean' },
  },
};

/** JSON Schema of {@link RouterConfig}, defaults included. */
export const routerConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['layout', 'eventBusName', 'changeLogStream', 'claimCheckBucket', 'deadLetterBucket'],
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
    eventBusName: { type: 'string', minLength: 1, maxLength: 1600 },
    changeLogStream: { type: 'string', minLength: 1, maxLength: 2048 },
    claimCheckBucket: bucketName,
    deadLetterBucket: bucketName,
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
    deliveryMaxAttempts: {
      type: 'integer',
      minimum: 1,
      maximum: 50,
      default: DEFAULT_RETRY_POLICY.maxAttempts,
    },
    deadlineReserveMs: { type: 'integer', minimum: 0, maximum: 600_000, default: 5000 },
  },
} as const;

const validate = new Ajv({ allErrors: true, useDefaults: true }).compile(routerConfigSchema);

/** The environment variable of a config field, for error messages. */
function variableOf(field: string): string {
  return Object.entries(VARIABLES).find(([, v]) => v.field === field)?.[0] ?? field;
}

/**
 * Reads and validates the router's configuration from environment variables.
 *
 * @example
 * ```ts
 * const config = loadRouterConfig(process.env); // once, outside the handler
 * ```
 * @throws ConfigError naming each bad or missing variable and its value
 */
export function loadRouterConfig(env: Record<string, string | undefined>): RouterConfig {
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
  if (problems.length > 0) throw new ConfigError(`invalid router configuration: ${problems.join('; ')}`);
  const config = raw as unknown as RouterConfig;
  if (config.kinesisMaxRecordBytes > config.kinesisMaxRequestBytes) {
    throw new ConfigError(
      `KINESIS_MAX_RECORD_BYTES (${config.kinesisMaxRecordBytes}) must not exceed KINESIS_MAX_REQUEST_BYTES (${config.kinesisMaxRequestBytes})`,
    );
  }
  return config;
}
