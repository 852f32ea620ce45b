import type { SchemaObject } from 'ajv';
import type { RoutingConfig, SinkRoute } from '../routing/types.js';

/** A process environment: `process.env` in a Lambda, a plain object in tests. */
export type Environment = Record<string, string | undefined>;

/**
 * How the text of an environment variable becomes a config value: as is (`string`), `true|1|yes` or
 * `false|0|no` (`boolean`), digits only (`integer`), or `JSON.parse` (`json`).
 */
export type EnvironmentVariableType = 'string' | 'json' | 'boolean' | 'integer';

/** One environment variable: the config field it fills and how its text is parsed. */
export interface EnvironmentVariable<Field extends string = string> {
  field: Field;
  type: EnvironmentVariableType;
}

/**
 * Every environment variable a function reads, by name, each filling a field of `Config`. The order
 * is the order in which parse errors are reported.
 */
export type EnvironmentTable<Config> = Record<string, EnvironmentVariable<Extract<keyof Config, string>>>;

/**
 * The settings every Lambda function of memory-cdc reads (see `commonEnvironment.ts`); each
 * function's config extends it with its own outputs.
 */
export interface FunctionConfig {
  /** MEMORY_CDC_LAYOUT: a preset name (`agent-memory`, `mastra`, …) or an inline JSON layout. */
  layout: string;
  /**
   * MEMORY_CDC_TABLE_LAYOUTS: layouts of particular tables when the function serves several (JSON
   * object of table name -> preset name or layout object); other tables use `layout`. @default {}
   */
  tableLayouts: Record<string, unknown>;
  /**
   * MEMORY_CDC_ROUTING: a partial routing configuration (JSON); each function applies the routes of
   * the outputs it owns.
   */
  routing: Partial<Record<keyof RoutingConfig, Partial<SinkRoute>>>;
  /** LOG_LEVEL. @default 'info' */
  logLevel: string;
  /** MEMORY_CDC_LOG_CONTENTS: item contents in logs (debugging only). @default false */
  logContents: boolean;
  /** POWERTOOLS_METRICS_NAMESPACE. @default 'MemoryCdc' */
  metricsNamespace: string;
  /** DEAD_LETTER_BUCKET: where poison records go (prefix `dead-letter/<function>/`). */
  deadLetterBucket: string;
  /** DELIVERY_MAX_ATTEMPTS: attempts per output within one invocation. @default 6 */
  deliveryMaxAttempts: number;
  /** DEADLINE_RESERVE_MS: stop delivering this long before the Lambda timeout. @default 5000 */
  deadlineReserveMs: number;
  /** AWS_CONNECTION_TIMEOUT_MS: time to open a connection before an AWS call fails. @default 3000 */
  connectionTimeoutMs: number;
  /** AWS_REQUEST_TIMEOUT_MS: time to wait for an AWS response before the call fails (retryable). @default 15000 */
  requestTimeoutMs: number;
}

/**
 * Some of the variables every function reads, with the JSON Schema of the fields they fill; a
 * function's config spreads both into its own table and schema.
 */
export interface EnvironmentGroup {
  variables: EnvironmentTable<FunctionConfig>;
  properties: Partial<Record<keyof FunctionConfig, SchemaObject>>;
}
