/**
 * The props of {@link MemoryCdc} and the option types they use. Every field documents its
 * default: the props are the construct's documentation.
 */
import type { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Layout } from '../lib/layout/types.js';
import type { RoutingConfig } from '../lib/routing/types.js';

/** Settings of one stream consumer (its event source mapping and its function). */
export interface StreamConsumerOptions {
  /**
   * Records per invocation (1–10,000; Lambda also caps a batch at 6 MB).
   * @default router 100, archiver 1000, vector sync 100
   */
  readonly batchSize?: number;
  /**
   * How long Lambda gathers records before invoking (0–300 s). Longer windows mean fewer, larger
   * batches: the archiver writes one object per (entity, hour) per batch.
   * @default router 1 s, archiver 60 s, vector sync 5 s
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Retries of a failed batch before its position goes to the on-failure queue (0–10,000). Bounded
   * so one poison record never blocks a shard until it ages out of the stream.
   * @default 10
   */
  readonly retryAttempts?: number;
  /**
   * Records older than this go to the on-failure queue unprocessed (60 s up to the stream's
   * retention: 24 h for DynamoDB Streams, the change log's retention for Kinesis). Keep it well
   * under the retention so the positions in the queue can still be re-read and re-driven.
   * @default 6 hours
   */
  readonly maxRecordAge?: Duration;
  /**
   * Concurrent batches per shard (1–10). Order per item key (DynamoDB) or partition key (Kinesis)
   * is preserved at any factor.
   * @default 1
   */
  readonly parallelizationFactor?: number;
  /**
   * Where a new mapping starts reading (`AT_TIMESTAMP` is not supported).
   * @default router LATEST (no replay of the last day into subscribers on first deploy);
   *   archiver and vector sync TRIM_HORIZON (nothing that expired or changed in the last day is missed)
   */
  readonly startingPosition?: lambda.StartingPosition;
  /**
   * Function memory in MB (128–10,240).
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Function timeout (1–900 s).
   * @default router 60 s, archiver 60 s, vector sync 120 s
   */
  readonly timeout?: Duration;
  /**
   * Iterator age above which the consumer's alarm fires (1 s – 24 h).
   * @default router 5 minutes, archiver 15 minutes, vector sync 10 minutes
   */
  readonly iteratorAgeAlarmThreshold?: Duration;
}

/** Other code for the functions than the bundles shipped in the package (`dist/lambda/`). */
export interface MemoryCdcFunctionCode {
  /**
   * Code of the router (handler `index.handler`).
   * @default the package's prebuilt bundle of functions/router.ts (`dist/lambda/router`)
   */
  readonly router?: lambda.Code;
  /**
   * Code of the archiver (handler `index.handler`).
   * @default the package's prebuilt bundle of functions/archiver.ts (`dist/lambda/archiver`)
   */
  readonly archiver?: lambda.Code;
  /**
   * Code of the vector sync worker (handler `index.handler`).
   * @default the package's prebuilt bundle of functions/vector-sync.ts (`dist/lambda/vector-sync`)
   */
  readonly vectorSync?: lambda.Code;
}

/**
 * One memory table of a {@link MemoryCdc} beside several (`MemoryCdcProps.tables`): the session-memory
 * design keeps session state and conversation turns in two tables, each with its own layout. Name the
 * table by `table`, or by `tableName` with `tableStreamArn`.
 *
 * @example
 * ```ts
 * new MemoryCdc(this, 'MemoryCdc', {
 *   tables: [
 *     { table: sessions, layout: 'session-state' },
 *     { table: turns, layout: 'session-turns', ttlAttribute: 'expires_at' },
 *   ],
 * });
 * ```
 */
export interface MemoryCdcTableProps {
  /**
   * The table, with its stream (`NEW_AND_OLD_IMAGES`).
   * @default the table named by `tableName` and `tableStreamArn`
   */
  readonly table?: dynamodb.ITable;
  /** Name of the table, when `table` is not given. @default the name of `table` */
  readonly tableName?: string;
  /** ARN of its stream, when `table` is not given. @default the stream ARN of `table` */
  readonly tableStreamArn?: string;
  /**
   * How this table stores its entities: a preset name (`agent-memory`, `mastra`, `session-state`,
   * `session-turns`) or a custom layout.
   * @default 'agent-memory'
   */
  readonly layout?: string | Layout;
  /**
   * The table's TTL attribute (epoch seconds), when it differs from the layout's (restores set it).
   * @default the layout's `ttlAttribute`
   */
  readonly ttlAttribute?: string;
}

/**
 * Properties of {@link MemoryCdc}. Name the memory table in one of two ways: `table` (an `ITable`,
 * e.g. `Table.fromTableAttributes(this, 'Memory', { tableName, tableStreamArn })` or a `Table` of
 * the same app), or `tableName` with `tableStreamArn`. Giving both forms, or neither, is an error.
 * Beside several tables, list them in `tables` instead, each with its layout.
 */
export interface MemoryCdcProps {
  /**
   * The memory table, with its stream: `Table.fromTableAttributes(scope, id, { tableName,
   * tableStreamArn })`, or a `Table` created with `stream: StreamViewType.NEW_AND_OLD_IMAGES`. Its
   * stream must carry `NEW_AND_OLD_IMAGES`, and its TTL be set for expiries to be archived.
   * @default the table named by `tableName` and `tableStreamArn`
   */
  readonly table?: dynamodb.ITable;
  /**
   * Name of the existing memory table, when `table` is not given (then `tableStreamArn` is
   * required too). Its stream must be enabled with `NEW_AND_OLD_IMAGES` and its TTL set, for
   * expiries to be archived.
   * @default the name of `table`
   */
  readonly tableName?: string;
  /**
   * ARN of the table's stream (`arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`),
   * when `table` is not given (then `tableName` is required too, and this is too unless `source` is
   * a Kinesis stream).
   * @default the stream ARN of `table`
   */
  readonly tableStreamArn?: string;
  /**
   * How the table stores its entities: a preset name (`agent-memory`, `mastra`, `session-state`,
   * `session-turns`) or a custom layout (passed to the functions as inline JSON; `MEMORY_CDC_LAYOUT`).
   * @default 'agent-memory'
   */
  readonly layout?: string | Layout;
  /**
   * Several memory tables behind one stack, each with its layout and TTL attribute (instead of
   * `table`/`tableName`/`tableStreamArn`/`layout`). One router and one archiver read every table's
   * stream; events, change-log partition keys, vector keys and archive paths carry the table name.
   * The first table names the stack's resources (bus, Glue database) as a single table would.
   * @default the single table of `table` or `tableName`
   */
  readonly tables?: readonly MemoryCdcTableProps[];
  /**
   * Overrides of the default routing (which entities go to which sink; `MEMORY_CDC_ROUTING`).
   * @default the built-in routing
   */
  readonly routing?: Partial<RoutingConfig>;
  /**
   * An existing EventBridge bus to publish memory events to.
   * @default a new bus named `memory-cdc-<tableName>`
   */
  readonly eventBus?: events.IEventBus;
  /**
   * How long the Kinesis change log keeps records (24 h – 8,760 h). It bounds how far back the
   * vector index can be rebuilt from the log; longer retention costs per shard-hour.
   * @default 24 hours
   */
  readonly changeLogRetention?: Duration;
  /**
   * A customer-managed KMS key for the change log, when compliance requires one (each producer and
   * consumer call to KMS is then billed).
   * @default the AWS-managed key `aws/kinesis` (server-side encryption with no key to manage)
   */
  readonly changeLogEncryptionKey?: kms.IKey;
  /**
   * Where the router and the archiver read the table's changes.
   *
   * - `'dynamodb-stream'`: the table's DynamoDB stream (`NEW_AND_OLD_IMAGES`), 24 hours of
   *   retention, at most two readers per shard (see `readers`).
   * - `{ kinesisStreamArn }`: an existing Kinesis data stream the table already streams to (Kinesis
   *   Data Streams for DynamoDB, a streaming destination of the table): retention up to 365 days,
   *   more consumers per stream. The router and the archiver each get a Kinesis event source mapping
   *   on it (shared throughput) and `kinesis:` read actions on exactly that stream; give
   *   `encryptionKey` when the stream uses a customer-managed key.
   * - `'kinesis'`: the stack creates that stream (on-demand capacity, encrypted with the AWS-managed
   *   key `aws/kinesis`, 24 hours of retention) and turns on the table's Kinesis streaming destination
   *   with a custom resource (EnableKinesisStreamingDestination on create, Disable on delete), with
   *   `ApproximateCreationDateTimePrecision: MICROSECOND` — each record's creation time in
   *   microseconds, which orders an item's changes far more often than milliseconds would.
   *
   * Kinesis Data Streams for DynamoDB can deliver a change more than once and out of order: the
   * functions drop repeated deliveries within a batch (same `eventID`) and process each item's
   * changes in creation-time order within a batch; across batches a repeat keeps its event ids (so
   * consumers deduplicate on them) and order is not restored — `origin.sequenceNumber` of each event
   * is the change's creation time in microseconds for consumers that must tell. With a Kinesis
   * source `readers` does not apply, and the table needs no DynamoDB stream (`tableStreamArn` may
   * be left out). The source stream must not be the change log.
   * @default 'dynamodb-stream'
   */
  readonly source?: MemoryCdcSource;
  /**
   * How many of the table stream's reader slots the stack takes (DynamoDB Streams serves at most two
   * readers per shard). `'one'`: the router also writes the TTL archive — the archiver's processing
   * in the router's batch loop, a record acknowledged only when its events and its archive object
   * are written — leaving the second slot free for a reader of your own. `'two'`: a separate
   * archiver function reads the stream as well, filtered to TTL deletions, so archive writes never
   * add to the router's latency and the archive's batching and retries are tuned apart (`archiver`).
   * Only with `source: 'dynamodb-stream'`: a Kinesis source has no reader limit to save, and both
   * functions read it.
   * @default 'one'
   */
  readonly readers?: StreamReaders;
  /**
   * The router: DynamoDB stream -> EventBridge and the Kinesis change log (and the TTL archive
   * with `readers: 'one'`).
   * @default see {@link StreamConsumerOptions}
   */
  readonly router?: StreamConsumerOptions;
  /**
   * The archiver: the table's changes (TTL expiries only) -> S3. Only with `readers: 'two'` or a
   * Kinesis `source`.
   * @default see {@link StreamConsumerOptions}
   */
  readonly archiver?: StreamConsumerOptions;
  /**
   * The vector sync worker: Kinesis change log -> S3 Vectors.
   * @default see {@link StreamConsumerOptions}
   */
  readonly vectorSync?: StreamConsumerOptions;
  /**
   * Dimension of the vectors (1–4,096); the index and `EMBEDDING_DIMENSIONS` both use it.
   * @default 1024 (Titan Text Embeddings V2)
   */
  readonly embeddingDimensions?: number;
  /**
   * Distance metric of the vector index.
   * @default 'cosine'
   */
  readonly distanceMetric?: 'cosine' | 'euclidean';
  /**
   * Item attribute holding a precomputed embedding (`EMBEDDING_ATTRIBUTE`).
   * @default 'embedding'
   */
  readonly embeddingAttribute?: string;
  /**
   * Amazon Bedrock foundation model that embeds turn text when an item has no embedding
   * (`BEDROCK_MODEL_ID`); the worker may invoke only this model.
   * @default 'amazon.titan-embed-text-v2:0'
   */
  readonly bedrockModelId?: string;
  /**
   * Name of the vector index inside the new vector bucket (3–63 lowercase letters, digits, `-`, `.`).
   * @default 'memory-turns'
   */
  readonly vectorIndexName?: string;
  /**
   * Key prefix of the TTL archive in the bucket (ends in `/`; `ARCHIVE_PREFIX`).
   * @default 'archive/'
   */
  readonly archivePrefix?: string;
  /**
   * Archive objects move to S3 Standard-IA after this long (at least 30 days).
   * @default 30 days
   */
  readonly archiveInfrequentAccessAfter?: Duration;
  /**
   * Archive objects move to S3 Glacier Instant Retrieval (still queryable by Athena) after this
   * long (at least 30 days after the IA transition).
   * @default 90 days
   */
  readonly archiveGlacierAfter?: Duration;
  /**
   * Archive objects are deleted after this long (after the Glacier transition).
   * @default kept forever
   */
  readonly archiveExpiration?: Duration;
  /**
   * Claim-check objects (events too large for the bus) are deleted after this long (1–3,650 days).
   * @default 30 days
   */
  readonly claimCheckExpiration?: Duration;
  /**
   * Dead-lettered records (`dead-letter/<function>/`) are deleted after this long (1–3,650 days).
   * @default 90 days
   */
  readonly deadLetterExpiration?: Duration;
  /**
   * First day the archive table's partition projection enumerates (`YYYY-MM-DD`).
   * @default '2024-01-01'
   */
  readonly archiveStartDate?: string;
  /**
   * Glue database of the archive table (lowercase letters, digits, `_`; 1–255 characters).
   * @default `memory_cdc_<tableName>` in lowercase with other characters replaced by `_`
   */
  readonly glueDatabaseName?: string;
  /**
   * Folder of the event catalog's JSON Schemas, registered in an EventBridge schema registry.
   * @default `catalog/schemas/` of this package (no schemas when it does not exist)
   */
  readonly catalogSchemasDirectory?: string;
  /**
   * Handler log level (`LOG_LEVEL`).
   * @default 'info'
   */
  readonly logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /**
   * Log item contents (`MEMORY_CDC_LOG_CONTENTS`). Agent memory is user data: leave it off in
   * production.
   * @default false
   */
  readonly logContents?: boolean;
  /**
   * CloudWatch namespace of the handlers' metrics (`POWERTOOLS_METRICS_NAMESPACE`).
   * @default 'MemoryCdc'
   */
  readonly metricsNamespace?: string;
  /**
   * How long function logs are kept.
   * @default one month
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Lambda runtime (Node.js 22 or newer).
   * @default Runtime.NODEJS_22_X — the runtime the project's tests run on
   */
  readonly runtime?: lambda.Runtime;
  /**
   * Other function code (e.g. a CI artifact) than the bundles shipped in the package.
   * @default the prebuilt bundles in the package (`dist/lambda/<handler>`, built before packing by
   * `npm run build` with esbuild): synth never bundles, needs no esbuild and works offline
   */
  readonly code?: MemoryCdcFunctionCode;
  /**
   * Action for every alarm, e.g. `new SnsAction(topic)`.
   * @default alarms without actions
   */
  readonly alarmAction?: cloudwatch.IAlarmAction;
  /**
   * Name of the CloudWatch dashboard.
   * @default a name CloudFormation generates
   */
  readonly dashboardName?: string;
}

/** Options of {@link MemoryCdc.onEvent}. */
export interface OnMemoryEventOptions {
  /**
   * Construct id of the rule; also its name in `memory-cdc rules` output.
   * @default `Subscription<hash of the pattern>` — the same filter always maps to the same rule
   */
  readonly id?: string;
  /**
   * Physical name of the rule.
   * @default a name CloudFormation generates
   */
  readonly ruleName?: string;
  /**
   * Description of the rule.
   * @default a description listing the filter
   */
  readonly description?: string;
}

/**
 * Where the stack reads the table's changes: the table's DynamoDB stream, an existing Kinesis data
 * stream the table streams to, or one the stack creates (see `MemoryCdcProps.source`).
 */
export type MemoryCdcSource = 'dynamodb-stream' | 'kinesis' | KinesisSourceStream;

/** An existing Kinesis data stream that is a Kinesis streaming destination of the table(s). */
export interface KinesisSourceStream {
  /**
   * ARN of the stream (`arn:aws:kinesis:<region>:<account>:stream/<name>`); the table must already
   * stream to it (the deploy-time table check fails otherwise).
   */
  readonly kinesisStreamArn: string;
  /**
   * The stream's customer-managed KMS key; the router and the archiver get `kms:Decrypt` on it.
   * @default none (the stream is unencrypted or uses the AWS-managed key `aws/kinesis`)
   */
  readonly encryptionKey?: kms.IKey;
}

/** The table-stream reader layouts: the router alone (it writes the archive too), or router and archiver. */
export type StreamReaders = 'one' | 'two';

/** The three consumers, by the name used in env vars, prefixes, alarms and metrics. */
export type ConsumerName = 'router' | 'archiver' | 'vector-sync';
