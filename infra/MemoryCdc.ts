/**
 * `MemoryCdc`: change-data-capture beside an existing agent-memory table. Give it the table (an
 * `ITable` with its stream, or its name and stream ARN); the construct adds its parts, each a
 * construct named after what it holds:
 *
 * - {@link MemoryCdcBus} (`Bus`): the event bus and the ordered Kinesis change log;
 * - {@link MemoryCdcStorage} (`Storage`): the archive / claim-check / dead-letter bucket;
 * - {@link MemoryCdcVectorIndex} (`Vectors`): the S3 Vectors bucket and index;
 * - {@link MemoryCdcConsumers} (`Consumers`): router, archiver (two readers) and vector worker, their mappings
 *   and on-failure queues;
 * - {@link ArchiveTable} (`ArchiveTable`), {@link CatalogSchemaRegistry} (`Schemas`),
 *   {@link MemoryCdcMonitoring} (`Monitoring`) and {@link MemoryCdcSubscriptions} (`Subscriptions`).
 *
 * Resources keep the logical ids they had before the construct was split into parts
 * ({@link PreSplitLogicalIds}), so updating a deployed stack replaces nothing.
 *
 * The table's stream gets one consumer by default (`readers: 'one'`: the router, which writes the
 * TTL archive too), leaving the second slot of each shard to a reader of your own; `readers: 'two'`
 * adds the archiver as a second reader. DynamoDB Streams throttles a third reader of a shard, so the
 * vector worker reads the Kinesis change log instead, and the construct refuses to synthesize when a
 * third mapping is attached to the stream. With `source: 'kinesis'` or `{ kinesisStreamArn }`
 * ({@link MemoryCdcKinesisSource}, `Source`) router and archiver read a Kinesis data stream the table
 * streams to (Kinesis Data Streams for DynamoDB) instead, and the table's stream is not read at all.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as s3vectors from 'aws-cdk-lib/aws-s3vectors';
import { Construct } from 'constructs';
import type { MemoryEventFilter } from '../lib/subscriptions/memoryEventPattern.js';
import type { Subscription } from '../lib/subscriptions/subscriptionsFile.js';
import { ArchiveTable } from './ArchiveTable.js';
import { CatalogSchemaRegistry } from './CatalogSchemaRegistry.js';
import { MemoryCdcBus } from './MemoryCdcBus.js';
import { METRICS_SERVICE, MemoryCdcConsumers } from './MemoryCdcConsumers.js';
import { MemoryCdcKinesisSource } from './MemoryCdcKinesisSource.js';
import { MemoryCdcMonitoring } from './MemoryCdcMonitoring.js';
import type { ConsumerName, MemoryCdcProps, OnMemoryEventOptions } from './MemoryCdcProps.js';
import { MemoryCdcStorage, ON_FAILURE_METRICS_FILTER } from './MemoryCdcStorage.js';
import { MemoryCdcSubscriptions } from './MemoryCdcSubscriptions.js';
import { MemoryCdcTableCheck } from './MemoryCdcTableCheck.js';
import { MemoryCdcVectorIndex } from './MemoryCdcVectorIndex.js';
import { PreSplitLogicalIds } from './PreSplitLogicalIds.js';
import { resolveMemoryCdcProps } from './resolveMemoryCdcProps.js';

export { METRICS_SERVICE } from './MemoryCdcConsumers.js';
export type {
  ConsumerName,
  KinesisSourceStream,
  MemoryCdcFunctionCode,
  MemoryCdcProps,
  MemoryCdcSource,
  MemoryCdcTableProps,
  OnMemoryEventOptions,
  StreamConsumerOptions,
} from './MemoryCdcProps.js';
export { toCdkEventPattern } from './MemoryCdcSubscriptions.js';

/** Change-data-capture beside an existing memory table. */
export class MemoryCdc extends Construct {
  /** The memory table (given, or imported from `tableName` and `tableStreamArn`; the first of `tables`). */
  readonly table: dynamodb.ITable;
  /** Every memory table the stack reads (one, unless `tables` lists several). */
  readonly tables: readonly dynamodb.ITable[];
  /** The bus and the change log. */
  readonly bus: MemoryCdcBus;
  /** The archive / claim-check / dead-letter bucket. */
  readonly storage: MemoryCdcStorage;
  /** The deploy-time check of every table (stream view type, stream ARN, TTL attribute; or the Kinesis destination). */
  readonly tableCheck: MemoryCdcTableCheck;
  /** The vector bucket and index. */
  readonly vectors: MemoryCdcVectorIndex;
  /** The three consumers. */
  readonly consumers: MemoryCdcConsumers;
  /**
   * The Kinesis data stream the router and the archiver read (`source: 'kinesis'` or
   * `{ kinesisStreamArn }`), with the streaming destinations the stack enabled; undefined when
   * they read the table's DynamoDB stream.
   */
  readonly kinesisSource: MemoryCdcKinesisSource | undefined;
  /** The subscription rules on the memory bus. */
  readonly subscriptions: MemoryCdcSubscriptions;
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
  /** The archiver function (`readers: 'two'`); undefined with one reader, where the router archives. */
  readonly archiver: lambda.Function | undefined;
  /** The vector sync function. */
  readonly vectorSync: lambda.Function;
  /** The archive's Glue table (Athena). */
  readonly archiveTable: ArchiveTable;
  /** The event catalog's schema registry. */
  readonly schemaRegistry: CatalogSchemaRegistry;
  /** Alarms and dashboard. */
  readonly monitoring: MemoryCdcMonitoring;

  constructor(scope: Construct, id: string, props: MemoryCdcProps) {
    super(scope, id);
    const config = resolveMemoryCdcProps(this, props);
    const preSplit = new PreSplitLogicalIds();
    this.table = config.table;
    this.tables = config.tables.map((t) => t.table);

    this.bus = new MemoryCdcBus(this, 'Bus', {
      tableName: config.tableName,
      changeLogRetention: config.changeLogRetention,
      ...(props.eventBus ? { eventBus: props.eventBus } : {}),
      ...(props.changeLogEncryptionKey ? { changeLogEncryptionKey: props.changeLogEncryptionKey } : {}),
    });
    preSplit.keep(this.bus);
    this.eventBus = this.bus.eventBus;
    this.changeLog = this.bus.changeLog;
    this.changeLogKey = this.bus.changeLogKey;

    this.storage = new MemoryCdcStorage(this, 'Storage', {
      archivePrefix: config.archivePrefix,
      archiveInfrequentAccessAfter: config.archiveInfrequentAccessAfter,
      archiveGlacierAfter: config.archiveGlacierAfter,
      ...(config.archiveExpiration ? { archiveExpiration: config.archiveExpiration } : {}),
      claimCheckExpiration: config.claimCheckExpiration,
      deadLetterExpiration: config.deadLetterExpiration,
    });
    preSplit.keep(this.storage);
    this.bucket = this.storage.bucket;
    this.accessLogsBucket = this.storage.accessLogsBucket;

    this.vectors = new MemoryCdcVectorIndex(this, 'Vectors', {
      indexName: config.vectorIndexName,
      dimension: config.embeddingDimensions,
      distanceMetric: config.distanceMetric,
    });
    preSplit.keep(this.vectors);
    this.vectorBucket = this.vectors.vectorBucket;
    this.vectorIndex = this.vectors.vectorIndex;

    this.kinesisSource =
      config.source.kind === 'kinesis'
        ? new MemoryCdcKinesisSource(this, 'Source', {
            tables: config.tables.map((t) => ({ table: t.table, tableName: t.tableName })),
            logRetention: config.logRetention,
            ...(config.source.streamArn !== undefined ? { streamArn: config.source.streamArn } : {}),
            ...(config.source.encryptionKey ? { encryptionKey: config.source.encryptionKey } : {}),
          })
        : undefined;

    // Checked on every deploy before the mappings exist: a wrong stream or TTL of any table fails the deploy.
    this.tableCheck = new MemoryCdcTableCheck(this, 'TableCheck', {
      tables: config.tables.map((t) => ({
        table: t.table,
        tableName: t.tableName,
        ...(t.tableStreamArn !== undefined && !this.kinesisSource ? { streamArn: t.tableStreamArn } : {}),
        ...(t.ttlAttribute !== undefined ? { ttlAttribute: t.ttlAttribute } : {}),
      })),
      ...(this.kinesisSource
        ? {
            kinesis: {
              streamArn: this.kinesisSource.stream.streamArn,
              enabledByStack: this.kinesisSource.createdByStack,
              changeLogStreamArn: this.changeLog.streamArn,
            },
          }
        : {}),
      runtime: config.runtime,
      logRetention: config.logRetention,
    });
    for (const destination of this.kinesisSource?.destinations ?? [])
      this.tableCheck.node.addDependency(destination);

    this.consumers = new MemoryCdcConsumers(this, 'Consumers', {
      tables: this.tables,
      bus: this.bus,
      storage: this.storage,
      vectors: this.vectors,
      config,
      ...(this.kinesisSource ? { kinesisSource: this.kinesisSource.stream } : {}),
      ...(props.logContents ? { logContents: true } : {}),
      ...(props.code ? { code: props.code } : {}),
    });
    preSplit.keep(this.consumers);
    this.consumers.node.addDependency(this.tableCheck);
    this.router = this.consumers.router;
    this.archiver = this.consumers.archiver;
    this.vectorSync = this.consumers.vectorSync;

    this.archiveTable = new ArchiveTable(this, 'ArchiveTable', {
      bucket: this.bucket,
      prefix: config.archivePrefix,
      tableName: config.tableName,
      databaseName: config.glueDatabaseName,
      glueTableName: 'memory_cdc_archive',
      startDate: config.archiveStartDate,
    });

    this.schemaRegistry = new CatalogSchemaRegistry(this, 'Schemas', {
      schemasDirectory: config.catalogSchemasDirectory,
      description: `memory-cdc event catalog (source memory-cdc) of DynamoDB table ${config.tableName}`,
    });

    const deadLettered = (consumer: ConsumerName) =>
      new cloudwatch.Metric({
        namespace: config.metricsNamespace,
        metricName: 'RecordsDeadLettered',
        dimensionsMap: { service: METRICS_SERVICE[consumer] },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    const missingImages = (consumer: ConsumerName) =>
      new cloudwatch.Metric({
        namespace: config.metricsNamespace,
        metricName: 'RecordsMissingImages',
        dimensionsMap: { service: METRICS_SERVICE[consumer] },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    this.monitoring = new MemoryCdcMonitoring(this, 'Monitoring', {
      changeLog: this.changeLog,
      onFailureRecords: new cloudwatch.Metric({
        namespace: 'AWS/S3',
        metricName: 'PutRequests',
        dimensionsMap: { BucketName: this.storage.bucket.bucketName, FilterId: ON_FAILURE_METRICS_FILTER },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      ...(props.alarmAction ? { alarmAction: props.alarmAction } : {}),
      ...(props.dashboardName ? { dashboardName: props.dashboardName } : {}),
      consumers: [
        {
          name: 'router',
          function: this.router,
          iteratorAgeThreshold: config.router.iteratorAgeAlarmThreshold,
          deadLettered: deadLettered('router'),
          missingImages: missingImages('router'),
        },
        ...(this.archiver
          ? [
              {
                name: 'archiver' as const,
                function: this.archiver,
                iteratorAgeThreshold: config.archiver.iteratorAgeAlarmThreshold,
                deadLettered: deadLettered('archiver'),
                missingImages: missingImages('archiver'),
              },
            ]
          : []),
        {
          name: 'vector-sync',
          function: this.vectorSync,
          iteratorAgeThreshold: config.vectorSync.iteratorAgeAlarmThreshold,
          deadLettered: deadLettered('vector-sync'),
        },
      ],
    });

    this.subscriptions = new MemoryCdcSubscriptions(this, 'Subscriptions', { eventBus: this.eventBus });
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
   * const cdc = new MemoryCdc(this, 'MemoryCdc', { table });
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
    return this.subscriptions.onEvent(filter, target, options);
  }

  /**
   * Subscribes the target ARN of one subscriptions-file entry (what `infra/app.ts` does for
   * `-c subscriptions=subs.json`): a rule with the entry's pattern and the target's permissions.
   *
   * @example
   * ```ts
   * for (const subscription of readSubscriptionsFile('subs.json')) cdc.subscribe(subscription);
   * ```
   * @param subscription an entry read by `readSubscriptionsFile` / `parseSubscriptions`
   * @throws ConfigError when the id is taken by a different pattern
   */
  subscribe(subscription: Subscription): events.Rule {
    return this.subscriptions.subscribe(subscription);
  }

  /**
   * Lets a subscriber read claim-check objects (the full detail of events too large for the bus).
   * @param grantee the subscriber's function or role
   */
  grantClaimCheckRead(grantee: iam.IGrantable): iam.Grant {
    return this.storage.grantClaimCheckRead(grantee);
  }

  /** DynamoDB Streams serves at most two readers per shard: refuse a third mapping on the stream. */
  private validateStreamReaders(): string[] {
    const stack = Stack.of(this);
    const mappings = stack.node
      .findAll()
      .filter((c): c is lambda.CfnEventSourceMapping => c instanceof lambda.CfnEventSourceMapping);
    return this.tables.flatMap((table) => {
      const streamArn = stack.resolve(table.tableStreamArn);
      const readers = mappings.filter(
        (m) => JSON.stringify(stack.resolve(m.eventSourceArn)) === JSON.stringify(streamArn),
      );
      if (readers.length <= 2) return [];
      return [
        `DynamoDB stream ${String(streamArn)} has ${readers.length} event source mappings (${readers
          .map((r) => r.node.path)
          .join(', ')}); DynamoDB Streams allows at most 2 readers per shard. ` +
          'Consume the Kinesis change log (MemoryCdc.changeLog) or subscribe to the event bus instead.',
      ];
    });
  }
}
