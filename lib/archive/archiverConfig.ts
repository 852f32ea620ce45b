/**
 * Configuration of the archiver Lambda, read from its environment once at start-up and validated
 * (ajv), with errors that name the variable and its bad value.
 */
import { Ajv } from 'ajv';
import { DEFAULT_RETRY_POLICY } from '../delivery/retryPolicy.js';
import { ConfigError } from '../errors.js';
import type { RoutingConfig, SinkRoute } from '../routing/types.js';

/** The archiver's settings. */
export interface ArchiverConfig {
  /** MEMORY_CDC_LAYOUT: `agent-memory`, `mastra`, or an inline JSON layout. */
  layout: string;
  /** MEMORY_CDC_ROUTING: a partial routing configuration (JSON); only `archive` matters here. */
  routing: Partial<Record<keyof RoutingConfig, Partial<SinkRoute>>>;
  /** LOG_LEVEL. @default 'info' */
  logLevel: string;
  /** MEMORY_CDC_LOG_CONTENTS: item contents in logs (debugging only). @default false */
  logContents: boolean;
  /** POWERTOOLS_METRICS_NAMESPACE. @default 'MemoryCdc' */
  metricsNamespace: string;
  /** ARCHIVE_BUCKET: where the archive objects go. */
  archiveBucket: string;
  /** ARCHIVE_PREFIX: key prefix of the archive root. @default 'archive/' */
  archivePrefix: string;
  /** DEAD_LETTER_BUCKET: where poison records go (prefix `dead-letter/archiver/`). */
  deadLetterBucket: string;
  /** DELIVERY_MAX_ATTEMPTS: attempts per archive object within one invocation. @default 6 */
  deliveryMaxAttempts: number;
  /** DEADLINE_RESERVE_MS: stop writing this long before the Lambda timeout. @default 5000 */
  deadlineReserveMs: number;
}

/** Every environment variable the archiver reads, its config field, and how to parse it. */
const VARIABLES = {
  MEMORY_CDC_LAYOUT: { field: 'layout', type: 'string' },
  MEMORY_CDC_ROUTING: { field: 'routing', type: 'json' },
  LOG_LEVEL: { field: 'logLevel', type: 'string' },
  MEMORY_CDC_LOG_CONTENTS: { field: 'logContents', type: 'boolean' },
  POWERTOOLS_METRICS_NAMESPACE: { field: 'metricsNamespace', type: 'string' },
  ARCHIVE_BUCKET: { field: 'archiveBucket', type: 'string' },
  ARCHIVE_PREFIX: { field: 'archivePrefix', type: 'string' },
  DEAD_LETTER_BUCKET: { field: 'deadLetterBucket', type: 'string' },
  DELIVERY_MAX_ATTEMPTS: { field: 'deliveryMaxAttempts', type: 'integer' },
  DEADLINE_RESERVE_MS: { field: 'deadlineReserveMs', type: 'integer' },
} as const satisfies Record<
  string,
  { field: keyof ArchiverConfig; type: 'string' | 'json' | 'boolean' | 'integer' }
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

/** JSON Schema of {@link ArchiverConfig}, defaults included. */
export const archiverConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['layout', 'archiveBucket', 'deadLetterBucket'],
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
    archiveBucket: bucketName,
    // A relative key prefix: no leading slash, no `..`, at most 512 characters.
    archivePrefix: {
      type: 'string',
      maxLength: 512,
      pattern: '^(?!/)(?!.*\\.\\.)[^\\\\]*$',
      default: 'archive/',
    },
    deadLetterBucket: bucketName,
    deliveryMaxAttempts: {
      type: 'integer',
      minimum: 1,
      maximum: 50,
      default: DEFAULT_RETRY_POLICY.maxAttempts,
    },
    deadlineReserveMs: { type: 'integer', minimum: 0, maximum: 600_000, default: 5000 },
  },
} as const;

const validate = new Ajv({ allErrors: true, useDefaults: true }).compile(archiverConfigSchema);

function variableOf(field: string): string {
  return Object.entries(VARIABLES).find(([, v]) => v.field === field)?.[0] ?? field;
}

/**
 * Reads and validates the archiver's configuration from environment variables.
 *
 * @example
 * const config = loadArchiverConfig(process.env); // once, outside the handler
 *
 * @throws ConfigError naming each bad or missing variable and its value
 */
export function loadArchiverConfig(env: Record<string, string | undefined>): ArchiverConfig {
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
  if (problems.length > 0) throw new ConfigError(`invalid archiver configuration: ${problems.join('; ')}`);
  return raw as unknown as ArchiverConfig;
}
