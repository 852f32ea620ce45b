/**
 * `MemoryCdc`: change-data-capture beside an existing agent-memory table. Import the table by name
 * and stream ARN; the construct adds the event bus, the ordered change log, the TTL archive, the
 * vector index and the three consumers, with alarms, a dashboard and least-privilege roles.
 *
 * The table's stream gets **at most two** consumers (the router and the archiver) — DynamoDB
 * Streams throttles a third reader of a shard — so the vector worker reads the Kinesis change log
 * instead, and the construct refuses to synthesize when a third mapping is attached to the stream.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { type CfnResource, Duration, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3vectors from 'aws-cdk-lib/aws-s3vectors';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ConfigError } from '../lib/errors.js';
import type { Layout } from '../lib/layout/types.js';
import type { RoutingConfig } from '../lib/routing/types.js';
import {
  type MemoryEventFilter,
  type MemoryEventPattern,
  memoryEventPattern,
} from '../lib/subscriptions/memoryEventPattern.js';
import { S3_VECTORS_NON_FILTERABLE_METADATA_KEYS } from '../lib/vector/backends/S3VectorsIndex.js';
import { ArchiveTable } from './ArchiveTable.js';
import { CatalogSchemaRegistry } from './CatalogSchemaRegistry.js';
import { MemoryCdcFunction, PACKAGE_ROOT } from './MemoryCdcFunction.js';
import { MemoryCdcMonitoring } from './MemoryCdcMonitoring.js';
import { MEMORY_CDC_METADATA } from './templateMetadata.js';

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

/** Prebuilt code for the functions, instead of bundling `functions/*.ts` with esbuild. */
export interface MemoryCdcFunctionCode {
  /**
   * Code of the router (handler `index.handler`).
   * @default bundled from functions/router.ts
   */
  readonly router?: lambda.Code;
  /**
   * Code of the archiver (handler `index.handler`).
   * @default bundled from functions/archiver.ts
   */
  readonly archiver?: lambda.Code;
  /**
   * Code of the vector sync worker (handler `index.handler`).
   * @default bundled from functions/vector-sync.ts
   */
  readonly vectorSync?: lambda.Code;
}

/** Properties of {@link MemoryCdc}. */
export interface MemoryCdcProps {
  /**
   * Name of the existing memory table. Its stream must be enabled with `NEW_AND_OLD_IMAGES` and its
   * TTL set, for expiries to be archived.
   */
  readonly tableName: string;
  /** ARN of the table's stream (`arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`). */
  readonly tableStreamArn: string;
  /**
   * How the table stores its entities: a preset name or a custom layout (passed to the functions
   * as inline JSON; `MEMORY_CDC_LAYOUT`).
   * @default 'agent-memory'
   */
  readonly layout?: 'agent-memory' | 'mastra' | Layout;
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
   * The router: DynamoDB stream -> EventBridge and the Kinesis change log.
   * @default see {@link StreamConsumerOptions}
   */
  readonly router?: StreamConsumerOptions;
  /**
   * The archiver: DynamoDB stream (TTL expiries only) -> S3.
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
   * Prebuilt function code (e.g. from a CI artifact) instead of bundling from source.
   * @default each function bundled from `functions/*.ts` by the local esbuild
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

/** The three consumers, by the name used in env vars, prefixes, alarms and metrics. */
export type ConsumerName = 'router' | 'archiver' | 'vector-sync';

const DEFAULT_BEDROCK_MODEL = 'amazon.titan-embed-text-v2:0';
const STREAM_ARN =
  /^arn:(aws[a-z-]*):dynamodb:([a-z0-9-]+):(\d{12}):table\/([A-Za-z0-9_.-]{3,255})\/stream\/(.+)$/;
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const MAX_DYNAMODB_RECORD_AGE = Duration.hours(24);
/**
 * The `service` dimension each handler's Powertools `Metrics` publishes under (set in the handler's
 * code, so the alarms on its metrics must name the same value).
 */
export const METRICS_SERVICE: Readonly<Record<ConsumerName, string>> = {
  router: 'memory-cdc-router',
  archiver: 'archiver',
  'vector-sync': 'memory-cdc-vector-sync',
};
/** Lambda's limit for all environment variables of a function together. */
const ENV_LIMIT_BYTES = 4096;

/** Change-data-capture beside an existing memory table. */
export class MemoryCdc extends Construct {
  /** The imported memory table. */
  readonly table: dynamodb.ITable;
  /** The bus memory events are published to. */
  readonly eventBus: events.IEventBus;
  /** The ordered change log (Kinesis, on-demand, KMS). */
  readonly changeLog: kinesis.Stream;
  /** The change log's customer-managed key, or undefined when it uses the AWS-managed aws/kinesis key. */
  readonly changeLogKey: kms.IKey | undefined;
  /** Archive, claim checks and dead letters (prefixes `archive/`, `claim-check/`, `dead-letter/`). */
  readonly bucket: s3.Bucket;
  /** Server access logs of {@link bucket}. */
  readonly accessLogsBucket: s3.Bucket;
  /** The S3 Vectors bucket. */
  readonly vectorBucket: s3vectors.CfnVectorBucket;
  /** The vector index of turns. */
  readonly vectorIndex: s3vectors.CfnIndex;
  /** The router function. */
  readonly router: lambda.Function;
  /** The archiver function. */
  readonly archiver: lambda.Function;
  /** The vector sync function. */
  readonly vectorSync: lambda.Function;
  /** On-failure queues of the three event source mappings. */
  readonly deadLetterQueues: Readonly<Record<ConsumerName, sqs.Queue>>;
  /** The archive's Glue table (Athena). */
  readonly archiveTable: ArchiveTable;
  /** The event catalog's schema registry. */
  readonly schemaRegistry: CatalogSchemaRegistry;
  /** Alarms and dashboard. */
  readonly monitoring: MemoryCdcMonitoring;

  private readonly subscriptions: Construct;
  private readonly subscriptionPatterns = new Map<string, string>();
  private readonly claimCheckPrefix = 'claim-check/';

  constructor(scope: Construct, id: string, props: MemoryCdcProps) {
    super(scope, id);
    const config = resolveProps(props);
    const stack = Stack.of(this);

    this.table = dynamodb.Table.fromTableAttributes(this, 'Table', {
      tableName: props.tableName,
      tableStreamArn: props.tableStreamArn,
    });

    this.eventBus =
      props.eventBus ??
      new events.EventBus(this, 'EventBus', {
        ...(props.tableName.length <= 245 ? { eventBusName: `memory-cdc-${props.tableName}` } : {}),
        description: `memory-cdc events of DynamoDB table ${props.tableName}`,
      });
    this.markMemoryBus(stack);

    // Change log: on-demand (no shard planning), KMS-encrypted with aws/kinesis unless a
    // customer-managed key is required.
    this.changeLogKey = props.changeLogEncryptionKey;
    this.changeLog = new kinesis.Stream(this, 'ChangeLog', {
      streamMode: kinesis.StreamMode.ON_DEMAND,
      ...(this.changeLogKey
        ? { encryption: kinesis.StreamEncryption.KMS, encryptionKey: this.changeLogKey }
        : { encryption: kinesis.StreamEncryption.MANAGED }),
      retentionPeriod: config.changeLogRetention,
    });
    if (this.changeLogKey) {
      Validations.of(this.changeLog).acknowledge({
        id: 'AwsSolutions-KDS3',
        reason: 'A customer-managed key was required through the changeLogEncryptionKey prop.',
      });
    }

    // One bucket, three prefixes; server access logs for an audit trail of the archive.
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server access log bucket of the memory-cdc bucket; logging it to itself would loop.',
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'memory-cdc/',
      lifecycleRules: [
        {
          id: 'archive-to-cheaper-classes',
          prefix: config.archivePrefix,
          transitions: [
            {
              storageClass: s3.StorageClass.INFREQUENT_ACCESS,
              transitionAfter: config.archiveInfrequentAccessAfter,
            },
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: config.archiveGlacierAfter,
            },
          ],
          ...(props.archiveExpiration ? { expiration: props.archiveExpiration } : {}),
        },
        { id: 'expire-claim-checks', prefix: this.claimCheckPrefix, expiration: config.claimCheckExpiration },
        { id: 'expire-dead-letters', prefix: 'dead-letter/', expiration: config.deadLetterExpiration },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    // Vector index: float32 vectors of the turns, SSE-S3.
    this.vectorBucket = new s3vectors.CfnVectorBucket(this, 'VectorBucket', {
      encryptionConfiguration: { sseType: 'AES256' },
    });
    this.vectorIndex = new s3vectors.CfnIndex(this, 'VectorIndex', {
      vectorBucketArn: this.vectorBucket.attrVectorBucketArn,
      indexName: config.vectorIndexName,
      dataType: 'float32',
      dimension: config.embeddingDimensions,
      distanceMetric: config.distanceMetric,
      // Bookkeeping and text stay out of the 2 KB of filterable metadata; ids, role, time filter.
      metadataConfiguration: { nonFilterableMetadataKeys: [...S3_VECTORS_NON_FILTERABLE_METADATA_KEYS] },
    });
    // Ref of a vector bucket is its ARN (`…:bucket/<name>`); the worker wants the name.
    const vectorBucketName = stackSelectAfter(this.vectorBucket.attrVectorBucketArn, 'bucket/');

    const common: Record<string, string> = {
      MEMORY_CDC_LAYOUT: config.layout,
      LOG_LEVEL: config.logLevel,
      DEAD_LETTER_BUCKET: this.bucket.bucketName,
      POWERTOOLS_METRICS_NAMESPACE: config.metricsNamespace,
      ...(config.routing ? { MEMORY_CDC_ROUTING: config.routing } : {}),
      ...(props.logContents ? { MEMORY_CDC_LOG_CONTENTS: 'true' } : {}),
    };
    const functionDefaults = { runtime: config.runtime, logRetention: config.logRetention };

    const router = new MemoryCdcFunction(this, 'Router', {
      ...functionDefaults,
      handlerName: 'router',
      description: `memory-cdc router of ${props.tableName}: DynamoDB stream -> EventBridge + Kinesis`,
      memorySize: config.router.memorySize,
      timeout: config.router.timeout,
      environment: {
        ...common,
        EVENT_BUS_NAME: this.eventBus.eventBusName,
        CHANGE_LOG_STREAM_NAME: this.changeLog.streamName,
        CLAIM_CHECK_BUCKET: this.bucket.bucketName,
      },
      ...(props.code?.router ? { code: props.code.router } : {}),
    });
    const archiver = new MemoryCdcFunction(this, 'Archiver', {
      ...functionDefaults,
      handlerName: 'archiver',
      description: `memory-cdc archiver of ${props.tableName}: TTL expiries -> S3`,
      memorySize: config.archiver.memorySize,
      timeout: config.archiver.timeout,
      environment: {
        ...common,
        ARCHIVE_BUCKET: this.bucket.bucketName,
        ARCHIVE_PREFIX: config.archivePrefix,
      },
      ...(props.code?.archiver ? { code: props.code.archiver } : {}),
    });
    const vectorSync = new MemoryCdcFunction(this, 'VectorSync', {
      ...functionDefaults,
      handlerName: 'vector-sync',
      description: `memory-cdc vector sync of ${props.tableName}: Kinesis change log -> S3 Vectors`,
      memorySize: config.vectorSync.memorySize,
      timeout: config.vectorSync.timeout,
      environment: {
        ...common,
        VECTOR_BUCKET_NAME: vectorBucketName,
        VECTOR_INDEX_NAME: config.vectorIndexName,
        EMBEDDING_ATTRIBUTE: config.embeddingAttribute,
        EMBEDDING_DIMENSIONS: String(config.embeddingDimensions),
        BEDROCK_MODEL_ID: config.bedrockModelId,
      },
      ...(props.code?.vectorSync ? { code: props.code.vectorSync } : {}),
    });
    this.router = router.function;
    this.archiver = archiver.function;
    this.vectorSync = vectorSync.function;

    // Permissions: each function gets exactly what its handler calls, on exactly its resources.
    this.eventBus.grantPutEventsTo(router.role);
    this.changeLog.grant(router.role, 'kinesis:PutRecords');
    // With a customer-managed key, Kinesis needs the producer to generate data keys with it (the
    // consumer's kms:Decrypt comes with the event source mapping's grantRead).
    this.changeLogKey?.grant(router.role, 'kms:GenerateDataKey');
    this.bucket.grants.actionsOnObjectKeys(router.role, `${this.claimCheckPrefix}*`, 's3:PutObject');
    this.bucket.grants.actionsOnObjectKeys(archiver.role, `${config.archivePrefix}*`, 's3:PutObject');
    // The worker fetches the full detail of change-log records that carry a claim check.
    this.grantClaimCheckRead(vectorSync.role);
    for (const [name, fn] of Object.entries({ router, archiver, 'vector-sync': vectorSync })) {
      this.bucket.grants.actionsOnObjectKeys(fn.role, `dead-letter/${name}/*`, 's3:PutObject');
    }
    iam.Grant.addToPrincipal({
      grantee: vectorSync.role,
      // GetVectors reads the stored stream position (a stale change never overwrites a newer one);
      // deletes are tombstones written with PutVectors.
      actions: ['s3vectors:GetVectors', 's3vectors:PutVectors'],
      resourceArns: [this.vectorIndex.attrIndexArn],
    });
    iam.Grant.addToPrincipal({
      grantee: vectorSync.role,
      actions: ['bedrock:InvokeModel'],
      resourceArns: [
        stack.formatArn({
          service: 'bedrock',
          account: '',
          resource: 'foundation-model',
          resourceName: config.bedrockModelId,
        }),
      ],
    });

    // Event source mappings, each with a bounded retry policy and an encrypted on-failure queue.
    const dlq = (name: string) =>
      new sqs.Queue(this, `${name}DeadLetterQueue`, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
    this.deadLetterQueues = {
      router: dlq('Router'),
      archiver: dlq('Archiver'),
      'vector-sync': dlq('VectorSync'),
    };
    for (const queue of Object.values(this.deadLetterQueues)) {
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself the on-failure destination of a stream event source mapping; its messages are ' +
          'stream positions an operator re-drives, and a queue behind it would only move them again.',
      });
    }
    this.router.addEventSource(
      new sources.DynamoEventSource(this.table, {
        ...mappingOptions(config.router),
        onFailure: new sources.SqsDlq(this.deadLetterQueues.router),
      }),
    );
    this.archiver.addEventSource(
      new sources.DynamoEventSource(this.table, {
        ...mappingOptions(config.archiver),
        onFailure: new sources.SqsDlq(this.deadLetterQueues.archiver),
        // Only TTL deletions: REMOVE records written by DynamoDB's own TTL service.
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('REMOVE'),
            userIdentity: {
              type: lambda.FilterRule.isEqual('Service'),
              principalId: lambda.FilterRule.isEqual('dynamodb.amazonaws.com'),
            },
          }),
        ],
      }),
    );
    this.vectorSync.addEventSource(
      new sources.KinesisEventSource(this.changeLog, {
        ...mappingOptions(config.vectorSync),
        onFailure: new sources.SqsDlq(this.deadLetterQueues['vector-sync']),
      }),
    );
    this.acknowledgeNagFindings({ router, archiver, 'vector-sync': vectorSync }, config);

    this.archiveTable = new ArchiveTable(this, 'ArchiveTable', {
      bucket: this.bucket,
      prefix: config.archivePrefix,
      tableName: props.tableName,
      databaseName: config.glueDatabaseName,
      glueTableName: 'memory_cdc_archive',
      startDate: config.archiveStartDate,
    });

    this.schemaRegistry = new CatalogSchemaRegistry(this, 'Schemas', {
      schemasDirectory: config.catalogSchemasDirectory,
      description: `memory-cdc event catalog (source memory-cdc) of DynamoDB table ${props.tableName}`,
    });

    const deadLettered = (consumer: ConsumerName) =>
      new cloudwatch.Metric({
        namespace: config.metricsNamespace,
        metricName: 'RecordsDeadLettered',
        dimensionsMap: { service: METRICS_SERVICE[consumer] },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    this.monitoring = new MemoryCdcMonitoring(this, 'Monitoring', {
      changeLog: this.changeLog,
      ...(props.alarmAction ? { alarmAction: props.alarmAction } : {}),
      ...(props.dashboardName ? { dashboardName: props.dashboardName } : {}),
      consumers: [
        {
          name: 'router',
          function: this.router,
          deadLetterQueue: this.deadLetterQueues.router,
          iteratorAgeThreshold: config.router.iteratorAgeAlarmThreshold,
          deadLettered: deadLettered('router'),
        },
        {
          name: 'archiver',
          function: this.archiver,
          deadLetterQueue: this.deadLetterQueues.archiver,
          iteratorAgeThreshold: config.archiver.iteratorAgeAlarmThreshold,
          deadLettered: deadLettered('archiver'),
        },
        {
          name: 'vector-sync',
          function: this.vectorSync,
          deadLetterQueue: this.deadLetterQueues['vector-sync'],
          iteratorAgeThreshold: config.vectorSync.iteratorAgeAlarmThreshold,
          deadLettered: deadLettered('vector-sync'),
        },
      ],
    });

    this.subscriptions = new Construct(this, 'Subscriptions');
    this.node.addValidation({ validate: () => this.validateStreamReaders() });
  }

  /**
   * Subscribes a target to memory events in one line: creates a rule on the memory bus whose
   * pattern is {@link memoryEventPattern}`(filter)` — the same JSON `memory-cdc rules` prints and
   * `memory-cdc replay --rules` matches locally. The same filter twice yields one rule with both
   * targets.
   *
   * @example
   * ```ts
   * const cdc = new MemoryCdc(this, 'MemoryCdc', { tableName, tableStreamArn });
   * cdc.onEvent({ detailType: ['Turn Created'], entity: ['turn'] }, new targets.SqsQueue(queue), { id: 'NewTurns' });
   * ```
   * @param filter which memory events
   * @param target where they go (more can be added to the returned rule)
   * @param options rule id, name and description
   * @throws ConfigError when the filter is invalid, or the id is taken by a different filter
   */
  onEvent(
    filter: MemoryEventFilter,
    target?: events.IRuleTarget,
    options: OnMemoryEventOptions = {},
  ): events.Rule {
    const pattern = memoryEventPattern(filter);
    const json = JSON.stringify(pattern);
    const id = options.id ?? `Subscription${createHash('sha256').update(json).digest('hex').slice(0, 8)}`;
    const existing = this.subscriptions.node.tryFindChild(id);
    if (existing) {
      if (this.subscriptionPatterns.get(id) !== json) {
        throw new ConfigError(
          `MemoryCdc.onEvent: id ${JSON.stringify(id)} is already used by a different filter`,
        );
      }
      const rule = existing as events.Rule;
      if (target) rule.addTarget(target);
      return rule;
    }
    const rule = new events.Rule(this.subscriptions, id, {
      eventBus: this.eventBus,
      eventPattern: toCdkEventPattern(pattern),
      description: options.description ?? `memory-cdc subscription: ${describeFilter(filter)}`.slice(0, 512),
      ...(options.ruleName ? { ruleName: options.ruleName } : {}),
    });
    (rule.node.defaultChild as events.CfnRule).addMetadata(MEMORY_CDC_METADATA, { subscription: id });
    this.subscriptionPatterns.set(id, json);
    if (target) rule.addTarget(target);
    return rule;
  }

  /**
   * Lets a subscriber read claim-check objects (the full detail of events too large for the bus).
   * @param grantee the subscriber's function or role
   */
  grantClaimCheckRead(grantee: iam.IGrantable): iam.Grant {
    return this.bucket.grants.actionsOnObjectKeys(grantee, `${this.claimCheckPrefix}*`, 's3:GetObject');
  }

  /**
   * Acknowledges the cdk-nag findings this design accepts, each with its reason, on the one
   * resource it concerns (never stack-wide), so a new finding anywhere still fails the checks.
   */
  private acknowledgeNagFindings(
    functions: Readonly<Record<ConsumerName, MemoryCdcFunction>>,
    config: ResolvedProps,
  ): void {
    const bucketArn = `<${logicalIdOf(this.bucket)}.Arn>`;
    for (const fn of [functions.router, functions.archiver]) {
      Validations.of(fn.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'dynamodb:ListStreams (granted by table.grantStreamRead for the event source mapping) supports no ' +
          'resource-level permissions; every other stream action is scoped to the stream ARN.',
      });
    }
    for (const [name, fn] of Object.entries(functions)) {
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/dead-letter/${name}/*]`,
        reason:
          "Dead letters are new objects with keys chosen per record; the grant is PutObject under the function's own prefix only.",
      });
      if (!isNewestNodeRuntime(config.runtime)) {
        Validations.of(fn.function).acknowledge({
          id: 'AwsSolutions-L1',
          reason: `${config.runtime.name} is the runtime the project's tests run on (devDependency node@22); deploy what is tested. Set the runtime prop to move on.`,
        });
      }
    }
    for (const fn of [functions.router, functions['vector-sync']]) {
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/${this.claimCheckPrefix}*]`,
        reason:
          'Claim checks are objects keyed by event id, unknown until an event is too large; the router may only ' +
          'PutObject and the vector worker only GetObject under claim-check/.',
      });
    }
    Validations.of(functions.archiver.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${bucketArn}/${config.archivePrefix}*]`,
      reason:
        'Archive objects are new keys per partition and batch; the grant is PutObject under the archive prefix only.',
    });
  }

  /** Records the bus in the template so `memory-cdc rules` knows which rules are memory rules. */
  private markMemoryBus(stack: Stack): void {
    const metadata = stack.templateOptions.metadata ?? {};
    const entry = (metadata[MEMORY_CDC_METADATA] as { eventBuses: unknown[] } | undefined) ?? {
      eventBuses: [],
    };
    entry.eventBuses.push(this.eventBus.eventBusName);
    metadata[MEMORY_CDC_METADATA] = entry;
    stack.templateOptions.metadata = metadata;
  }

  /** DynamoDB Streams serves at most two readers per shard: refuse a third mapping on the stream. */
  private validateStreamReaders(): string[] {
    const stack = Stack.of(this);
    const streamArn = stack.resolve(this.table.tableStreamArn);
    const readers = stack.node
      .findAll()
      .filter((c): c is lambda.CfnEventSourceMapping => c instanceof lambda.CfnEventSourceMapping)
      .filter((m) => JSON.stringify(stack.resolve(m.eventSourceArn)) === JSON.stringify(streamArn));
    if (readers.length <= 2) return [];
    return [
      `DynamoDB stream ${String(streamArn)} has ${readers.length} event source mappings (${readers
        .map((r) => r.node.path)
        .join(', ')}); DynamoDB Streams allows at most 2 readers per shard. ` +
        'Consume the Kinesis change log (MemoryCdc.changeLog) or subscribe to the event bus instead.',
    ];
  }
}

/** The CDK form of a memory event pattern (`detailType` instead of `detail-type`). */
export function toCdkEventPattern(pattern: MemoryEventPattern): events.EventPattern {
  return {
    source: pattern.source,
    ...(pattern['detail-type'] ? { detailType: pattern['detail-type'] } : {}),
    ...(pattern.detail ? { detail: pattern.detail } : {}),
  };
}

/** The props with defaults applied, validated. */
interface ResolvedProps {
  layout: string;
  routing: string | undefined;
  changeLogRetention: Duration;
  router: Required<Omit<StreamConsumerOptions, 'startingPosition'>> & {
    startingPosition: lambda.StartingPosition;
  };
  archiver: ResolvedProps['router'];
  vectorSync: ResolvedProps['router'];
  embeddingDimensions: number;
  distanceMetric: 'cosine' | 'euclidean';
  embeddingAttribute: string;
  bedrockModelId: string;
  vectorIndexName: string;
  archivePrefix: string;
  archiveInfrequentAccessAfter: Duration;
  archiveGlacierAfter: Duration;
  claimCheckExpiration: Duration;
  deadLetterExpiration: Duration;
  archiveStartDate: string;
  glueDatabaseName: string;
  catalogSchemasDirectory: string;
  logLevel: string;
  metricsNamespace: string;
  logRetention: logs.RetentionDays;
  runtime: lambda.Runtime;
}

/**
 * Applies defaults and validates every prop, naming the bad value and the valid range.
 * @throws ConfigError
 */
function resolveProps(props: MemoryCdcProps): ResolvedProps {
  if (!Token.isUnresolved(props.tableName) && !/^[A-Za-z0-9_.-]{3,255}$/.test(props.tableName ?? '')) {
    fail('tableName', props.tableName, 'must be 3-255 characters of A-Z, a-z, 0-9, _ . -');
  }
  if (!Token.isUnresolved(props.tableStreamArn)) {
    const match = STREAM_ARN.exec(props.tableStreamArn ?? '');
    if (!match) {
      fail(
        'tableStreamArn',
        props.tableStreamArn,
        'must look like arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>',
      );
    }
    if (!Token.isUnresolved(props.tableName) && match[4] !== props.tableName) {
      fail(
        'tableStreamArn',
        props.tableStreamArn,
        `is the stream of table ${match[4]}, not of tableName ${props.tableName}`,
      );
    }
  }

  const layout = props.layout ?? 'agent-memory';
  let layoutValue: string;
  if (typeof layout === 'string') {
    if (layout !== 'agent-memory' && layout !== 'mastra')
      fail('layout', layout, "must be 'agent-memory', 'mastra' or a layout object");
    layoutValue = layout;
  } else if (layout !== null && typeof layout === 'object' && Array.isArray(layout.entities)) {
    layoutValue = JSON.stringify(layout);
  } else {
    fail('layout', layout, "must be 'agent-memory', 'mastra' or a layout object with entities");
  }
  const routing = props.routing === undefined ? undefined : JSON.stringify(props.routing);
  const configBytes = Buffer.byteLength(layoutValue) + Buffer.byteLength(routing ?? '');
  if (configBytes > ENV_LIMIT_BYTES / 2) {
    fail(
      'layout',
      `${configBytes} bytes of layout and routing JSON`,
      `must fit in ${ENV_LIMIT_BYTES / 2} bytes: Lambda allows ${ENV_LIMIT_BYTES} bytes of environment variables per function`,
    );
  }

  const changeLogRetention = props.changeLogRetention ?? Duration.hours(24);
  hoursBetween('changeLogRetention', changeLogRetention, 24, 8760);

  const router = consumer('router', props.router, {
    batchSize: 100,
    maxBatchingWindow: Duration.seconds(1),
    startingPosition: lambda.StartingPosition.LATEST,
    timeout: Duration.seconds(60),
    iteratorAgeAlarmThreshold: Duration.minutes(5),
    maxRecordAgeLimit: MAX_DYNAMODB_RECORD_AGE,
  });
  const archiver = consumer('archiver', props.archiver, {
    batchSize: 1000,
    maxBatchingWindow: Duration.seconds(60),
    startingPosition: lambda.StartingPosition.TRIM_HORIZON,
    timeout: Duration.seconds(60),
    iteratorAgeAlarmThreshold: Duration.minutes(15),
    maxRecordAgeLimit: MAX_DYNAMODB_RECORD_AGE,
  });
  const vectorSync = consumer('vectorSync', props.vectorSync, {
    batchSize: 100,
    maxBatchingWindow: Duration.seconds(5),
    startingPosition: lambda.StartingPosition.TRIM_HORIZON,
    timeout: Duration.seconds(120),
    iteratorAgeAlarmThreshold: Duration.minutes(10),
    maxRecordAgeLimit: changeLogRetention,
  });

  const embeddingDimensions = props.embeddingDimensions ?? 1024;
  integerBetween('embeddingDimensions', embeddingDimensions, 1, 4096);
  const distanceMetric = props.distanceMetric ?? 'cosine';
  if (distanceMetric !== 'cosine' && distanceMetric !== 'euclidean') {
    fail('distanceMetric', distanceMetric, "must be 'cosine' or 'euclidean'");
  }
  const embeddingAttribute = props.embeddingAttribute ?? 'embedding';
  if (!Token.isUnresolved(embeddingAttribute) && !/^.{1,255}$/.test(embeddingAttribute)) {
    fail('embeddingAttribute', embeddingAttribute, 'must be an attribute name of 1-255 characters');
  }
  const bedrockModelId = props.bedrockModelId ?? DEFAULT_BEDROCK_MODEL;
  if (!Token.isUnresolved(bedrockModelId) && !/^[a-z0-9-]+\.[A-Za-z0-9.:_-]+$/.test(bedrockModelId)) {
    fail('bedrockModelId', bedrockModelId, 'must be a foundation model id like amazon.titan-embed-text-v2:0');
  }
  const vectorIndexName = props.vectorIndexName ?? 'memory-turns';
  if (!Token.isUnresolved(vectorIndexName) && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(vectorIndexName)) {
    fail(
      'vectorIndexName',
      vectorIndexName,
      'must be 3-63 characters of a-z, 0-9, - and ., starting and ending with a letter or digit',
    );
  }

  const archivePrefix = props.archivePrefix ?? 'archive/';
  if (!/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*\/$/.test(archivePrefix)) {
    fail('archivePrefix', archivePrefix, 'must be a key prefix ending in / (e.g. archive/)');
  }
  if (archivePrefix.startsWith('claim-check/') || archivePrefix.startsWith('dead-letter/')) {
    fail('archivePrefix', archivePrefix, 'must not overlap claim-check/ or dead-letter/ (they expire)');
  }
  const archiveInfrequentAccessAfter = props.archiveInfrequentAccessAfter ?? Duration.days(30);
  daysBetween('archiveInfrequentAccessAfter', archiveInfrequentAccessAfter, 30, 36500);
  const archiveGlacierAfter = props.archiveGlacierAfter ?? Duration.days(90);
  daysBetween(
    'archiveGlacierAfter',
    archiveGlacierAfter,
    archiveInfrequentAccessAfter.toDays() + 30,
    36500,
    'S3 keeps objects in Standard-IA for at least 30 days',
  );
  if (props.archiveExpiration) {
    daysBetween('archiveExpiration', props.archiveExpiration, archiveGlacierAfter.toDays() + 1, 36500);
  }
  const claimCheckExpiration = props.claimCheckExpiration ?? Duration.days(30);
  daysBetween('claimCheckExpiration', claimCheckExpiration, 1, 3650);
  const deadLetterExpiration = props.deadLetterExpiration ?? Duration.days(90);
  daysBetween('deadLetterExpiration', deadLetterExpiration, 1, 3650);

  const archiveStartDate = props.archiveStartDate ?? '2024-01-01';
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(archiveStartDate) ||
    Number.isNaN(Date.parse(`${archiveStartDate}T00:00:00Z`))
  ) {
    fail('archiveStartDate', archiveStartDate, 'must be a date YYYY-MM-DD');
  }
  if (props.glueDatabaseName === undefined && Token.isUnresolved(props.tableName)) {
    fail('glueDatabaseName', undefined, 'must be given when tableName is only known at deploy time');
  }
  const glueDatabaseName =
    props.glueDatabaseName ??
    `memory_cdc_${props.tableName.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 255);
  if (!/^[a-z0-9_]{1,255}$/.test(glueDatabaseName)) {
    fail('glueDatabaseName', glueDatabaseName, 'must be 1-255 characters of a-z, 0-9 and _');
  }

  const logLevel = props.logLevel ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) fail('logLevel', logLevel, `must be one of ${LOG_LEVELS.join(', ')}`);
  const metricsNamespace = props.metricsNamespace ?? 'MemoryCdc';
  if (!/^[A-Za-z0-9_.\-/#:]{1,255}$/.test(metricsNamespace) || metricsNamespace.startsWith('AWS/')) {
    fail(
      'metricsNamespace',
      metricsNamespace,
      'must be 1-255 characters of A-Z, a-z, 0-9, . - _ / # : and not start with AWS/',
    );
  }
  const runtime = props.runtime ?? lambda.Runtime.NODEJS_22_X;
  const major = /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1];
  if (runtime.family !== lambda.RuntimeFamily.NODEJS || (major !== undefined && Number(major) < 22)) {
    fail('runtime', runtime.name, 'must be a Node.js runtime, version 22 or newer');
  }

  return {
    layout: layoutValue,
    routing,
    changeLogRetention,
    router,
    archiver,
    vectorSync,
    embeddingDimensions,
    distanceMetric,
    embeddingAttribute,
    bedrockModelId,
    vectorIndexName,
    archivePrefix,
    archiveInfrequentAccessAfter,
    archiveGlacierAfter,
    claimCheckExpiration,
    deadLetterExpiration,
    archiveStartDate,
    glueDatabaseName,
    catalogSchemasDirectory: props.catalogSchemasDirectory ?? join(PACKAGE_ROOT, 'catalog', 'schemas'),
    logLevel,
    metricsNamespace,
    logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    runtime,
  };
}

interface ConsumerDefaults {
  batchSize: number;
  maxBatchingWindow: Duration;
  startingPosition: lambda.StartingPosition;
  timeout: Duration;
  iteratorAgeAlarmThreshold: Duration;
  /** The stream's retention: records cannot be older. */
  maxRecordAgeLimit: Duration;
}

function consumer(
  name: string,
  options: StreamConsumerOptions | undefined,
  defaults: ConsumerDefaults,
): ResolvedProps['router'] {
  const o = options ?? {};
  const resolved = {
    batchSize: o.batchSize ?? defaults.batchSize,
    maxBatchingWindow: o.maxBatchingWindow ?? defaults.maxBatchingWindow,
    retryAttempts: o.retryAttempts ?? 10,
    maxRecordAge: o.maxRecordAge ?? Duration.hours(6),
    parallelizationFactor: o.parallelizationFactor ?? 1,
    startingPosition: o.startingPosition ?? defaults.startingPosition,
    memorySize: o.memorySize ?? 512,
    timeout: o.timeout ?? defaults.timeout,
    iteratorAgeAlarmThreshold: o.iteratorAgeAlarmThreshold ?? defaults.iteratorAgeAlarmThreshold,
  };
  integerBetween(`${name}.batchSize`, resolved.batchSize, 1, 10_000);
  secondsBetween(`${name}.maxBatchingWindow`, resolved.maxBatchingWindow, 0, 300);
  integerBetween(`${name}.retryAttempts`, resolved.retryAttempts, 0, 10_000);
  secondsBetween(`${name}.maxRecordAge`, resolved.maxRecordAge, 60, defaults.maxRecordAgeLimit.toSeconds());
  integerBetween(`${name}.parallelizationFactor`, resolved.parallelizationFactor, 1, 10);
  if (resolved.startingPosition === lambda.StartingPosition.AT_TIMESTAMP) {
    fail(`${name}.startingPosition`, resolved.startingPosition, 'must be TRIM_HORIZON or LATEST');
  }
  integerBetween(`${name}.memorySize`, resolved.memorySize, 128, 10_240);
  secondsBetween(`${name}.timeout`, resolved.timeout, 1, 900);
  secondsBetween(`${name}.iteratorAgeAlarmThreshold`, resolved.iteratorAgeAlarmThreshold, 1, 86_400);
  return resolved;
}

/** Event source mapping settings every consumer shares: partial batch responses, bisect, bounds. */
function mappingOptions(c: ResolvedProps['router']): sources.StreamEventSourceProps {
  return {
    startingPosition: c.startingPosition,
    batchSize: c.batchSize,
    maxBatchingWindow: c.maxBatchingWindow,
    bisectBatchOnError: true,
    retryAttempts: c.retryAttempts,
    maxRecordAge: c.maxRecordAge,
    parallelizationFactor: c.parallelizationFactor,
    reportBatchItemFailures: true,
  };
}

function fail(prop: string, value: unknown, rule: string): never {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  throw new ConfigError(`MemoryCdc: ${prop} ${rule} (given ${shown})`);
}

function integerBetween(prop: string, value: number, min: number, max: number): void {
  if (Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(prop, value, `must be an integer between ${min} and ${max} inclusive`);
  }
}

function secondsBetween(prop: string, value: Duration, min: number, max: number): void {
  if (value.isUnresolved()) return;
  const seconds = value.toSeconds({ integral: false });
  if (seconds < min || seconds > max) {
    fail(
      prop,
      `${value.toHumanString()} = ${seconds} s`,
      `must be between ${min} and ${max} seconds inclusive`,
    );
  }
}

function hoursBetween(prop: string, value: Duration, min: number, max: number): void {
  if (value.isUnresolved()) return;
  const hours = value.toHours({ integral: false });
  if (!Number.isInteger(hours) || hours < min || hours > max) {
    fail(prop, value.toHumanString(), `must be a whole number of hours between ${min} and ${max} inclusive`);
  }
}

function daysBetween(prop: string, value: Duration, min: number, max: number, why?: string): void {
  if (value.isUnresolved()) return;
  const days = value.toDays({ integral: false });
  if (!Number.isInteger(days) || days < min || days > max) {
    fail(
      prop,
      value.toHumanString(),
      `must be a whole number of days between ${min} and ${max} inclusive${why ? ` (${why})` : ''}`,
    );
  }
}

/** `Fn::Select(1, Fn::Split(separator, value))`: the part of an ARN after a separator. */
function stackSelectAfter(value: string, separator: string): string {
  return Fn.select(1, Fn.split(separator, value));
}

/** The logical id token of a construct's default CloudFormation resource, as cdk-nag prints it. */
function logicalIdOf(construct: Construct): string {
  const resource = construct.node.defaultChild as CfnResource;
  return Stack.of(construct).getLogicalId(resource);
}

/** Whether a runtime is the newest Node.js runtime this aws-cdk-lib knows (what cdk-nag's L1 asks for). */
function isNewestNodeRuntime(runtime: lambda.Runtime): boolean {
  const version = (r: lambda.Runtime) => Number(/^nodejs(\d+)\.x$/.exec(r.name)?.[1] ?? 0);
  const newest = Math.max(
    ...lambda.Runtime.ALL.filter((r) => r.family === lambda.RuntimeFamily.NODEJS).map(version),
  );
  return version(runtime) === newest;
}

function describeFilter(filter: MemoryEventFilter): string {
  const parts = Object.entries(filter).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return parts.length > 0 ? parts.join(' ') : 'every memory event';
}
