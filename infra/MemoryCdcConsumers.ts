/**
 * The consumers and how they read: the router on the table's DynamoDB stream — alone, writing the
 * TTL archive too (`readers: 'one'`), or beside the archiver filtered to TTL deletions (`readers:
 * 'two'`), or both on a Kinesis data stream the table streams to (a Kinesis `source`) — and the
 * vector worker on the Kinesis change log. Each has its own function and role, a bounded retry policy, an S3
 * on-failure destination keeping whole failed batches, and exactly the permissions its handler calls, granted by the parts it uses.
 */
import { type CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import type { MemoryCdcBus } from './MemoryCdcBus.js';
import { MemoryCdcFunction } from './MemoryCdcFunction.js';
import type { ConsumerName, MemoryCdcFunctionCode } from './MemoryCdcProps.js';
import {
  CLAIM_CHECK_PREFIX,
  DEAD_LETTER_PREFIX,
  type MemoryCdcStorage,
  ON_FAILURE_PREFIX,
} from './MemoryCdcStorage.js';
import type { MemoryCdcVectorIndex } from './MemoryCdcVectorIndex.js';
import type { ResolvedConsumer, ResolvedProps } from './resolveMemoryCdcProps.js';
import { S3OnFailureRecords } from './S3OnFailureRecords.js';

/**
 * The `service` dimension each handler's Powertools `Metrics` publishes under (set in the handler's
 * code, so the alarms on its metrics must name the same value).
 */
export const METRICS_SERVICE: Readonly<Record<ConsumerName, string>> = {
  router: 'memory-cdc-router',
  archiver: 'archiver',
  'vector-sync': 'memory-cdc-vector-sync',
};

/** Properties of {@link MemoryCdcConsumers}. */
export interface MemoryCdcConsumersProps {
  /** The memory tables, with their streams: the router and the archiver read each one. */
  readonly tables: readonly dynamodb.ITable[];
  /** Where the router publishes. */
  readonly bus: MemoryCdcBus;
  /** Archive, claim checks and dead letters. */
  readonly storage: MemoryCdcStorage;
  /** The index the vector worker keeps in sync. */
  readonly vectors: MemoryCdcVectorIndex;
  /** The validated construct props. */
  readonly config: ResolvedProps;
  /**
   * The Kinesis data stream the tables stream to, when it is the source: the router and the
   * archiver each read it with a Kinesis mapping instead of reading the tables' DynamoDB streams.
   * @default the tables' DynamoDB streams
   */
  readonly kinesisSource?: kinesis.IStream;
  /**
   * Log item contents (`MEMORY_CDC_LOG_CONTENTS`).
   * @default false
   */
  readonly logContents?: boolean;
  /**
   * Prebuilt function code.
   * @default each function bundled from source
   */
  readonly code?: MemoryCdcFunctionCode;
}

/** Router, archiver (two-reader layout only) and vector worker with their mappings and S3 on-failure destinations. */
export class MemoryCdcConsumers extends Construct {
  /** The router function. */
  readonly router: lambda.Function;
  /** The archiver function; undefined in the one-reader layout, where the router archives. */
  readonly archiver: lambda.Function | undefined;
  /** The vector sync function. */
  readonly vectorSync: lambda.Function;
  /** The functions with their roles and log groups, by consumer name (no archiver with one reader). */
  readonly functions: Readonly<
    Record<'router' | 'vector-sync', MemoryCdcFunction> & { archiver?: MemoryCdcFunction }
  >;

  constructor(scope: Construct, id: string, props: MemoryCdcConsumersProps) {
    super(scope, id);
    const { config, bus, storage, vectors } = props;
    const common: Record<string, string> = {
      MEMORY_CDC_LAYOUT: config.layout,
      ...(config.tableLayouts ? { MEMORY_CDC_TABLE_LAYOUTS: config.tableLayouts } : {}),
      LOG_LEVEL: config.logLevel,
      DEAD_LETTER_BUCKET: storage.bucket.bucketName,
      POWERTOOLS_METRICS_NAMESPACE: config.metricsNamespace,
      ...(config.routing ? { MEMORY_CDC_ROUTING: config.routing } : {}),
      ...(props.logContents ? { MEMORY_CDC_LOG_CONTENTS: 'true' } : {}),
    };
    const functionDefaults = { runtime: config.runtime, logRetention: config.logRetention };
    const oneReader = config.readers === 'one';
    const source = props.kinesisSource ? 'Kinesis source stream' : 'DynamoDB stream';
    const archiveEnvironment = {
      ARCHIVE_BUCKET: storage.bucket.bucketName,
      ARCHIVE_PREFIX: config.archivePrefix,
    };

    const router = new MemoryCdcFunction(this, 'Router', {
      ...functionDefaults,
      handlerName: 'router',
      description: oneReader
        ? `memory-cdc router of ${config.tableName}: ${source} -> EventBridge + Kinesis + TTL archive`
        : `memory-cdc router of ${config.tableName}: ${source} -> EventBridge + Kinesis`,
      memorySize: config.router.memorySize,
      timeout: config.router.timeout,
      environment: {
        ...common,
        EVENT_BUS_NAME: bus.eventBus.eventBusName,
        CHANGE_LOG_STREAM_NAME: bus.changeLog.streamName,
        CLAIM_CHECK_BUCKET: storage.bucket.bucketName,
        ...(oneReader ? archiveEnvironment : {}),
      },
      ...(props.code?.router ? { code: props.code.router } : {}),
    });
    const archiver = oneReader
      ? undefined
      : new MemoryCdcFunction(this, 'Archiver', {
          ...functionDefaults,
          handlerName: 'archiver',
          description: `memory-cdc archiver of ${config.tableName}: TTL expiries -> S3`,
          memorySize: config.archiver.memorySize,
          timeout: config.archiver.timeout,
          environment: { ...common, ...archiveEnvironment },
          ...(props.code?.archiver ? { code: props.code.archiver } : {}),
        });
    const vectorSync = new MemoryCdcFunction(this, 'VectorSync', {
      ...functionDefaults,
      handlerName: 'vector-sync',
      description: `memory-cdc vector sync of ${config.tableName}: Kinesis change log -> S3 Vectors`,
      memorySize: config.vectorSync.memorySize,
      timeout: config.vectorSync.timeout,
      environment: {
        ...common,
        VECTOR_BUCKET_NAME: vectors.vectorBucketName,
        VECTOR_INDEX_NAME: config.vectorIndexName,
        EMBEDDING_ATTRIBUTE: config.embeddingAttribute,
        EMBEDDING_DIMENSIONS: String(config.embeddingDimensions),
        BEDROCK_MODEL_ID: config.bedrockModelId,
      },
      ...(props.code?.vectorSync ? { code: props.code.vectorSync } : {}),
    });
    this.functions = archiver
      ? { router, archiver, 'vector-sync': vectorSync }
      : { router, 'vector-sync': vectorSync };
    this.router = router.function;
    this.archiver = archiver?.function;
    this.vectorSync = vectorSync.function;

    // Permissions: each function gets exactly what its handler calls, on exactly its resources.
    bus.grantPublish(router.role);
    storage.grantClaimCheckWrite(router.role);
    // One reader: the router's grants grow by archive PutObject only.
    storage.grantArchiveWrite((archiver ?? router).role);
    // The worker fetches the full detail of change-log records that carry a claim check.
    storage.grantClaimCheckRead(vectorSync.role);
    for (const [name, fn] of Object.entries(this.functions)) storage.grantDeadLetterWrite(fn!.role, name);
    vectors.grantSync(vectorSync.role);
    // Bedrock has no L2 with grants for foundation models: one statement on exactly the model.
    iam.Grant.addToPrincipal({
      grantee: vectorSync.role,
      actions: ['bedrock:InvokeModel'],
      resourceArns: [
        Stack.of(this).formatArn({
          service: 'bedrock',
          account: '',
          resource: 'foundation-model',
          resourceName: config.bedrockModelId,
        }),
      ],
    });

    // Event source mappings, each with a bounded retry policy; a batch Lambda gives up on is stored
    // whole (the invocation record with its records) under aws/lambda/ of the bucket. One mapping per
    // table for the router (and the archiver with readers: 'two'): each table's stream keeps a free slot with one reader.
    const onFailure = new S3OnFailureRecords(storage);
    if (props.kinesisSource) {
      // One Kinesis stream carries every table's changes (each record names its table): one mapping
      // each for router and archiver, shared-throughput polling, grants on exactly that stream.
      this.router.addEventSource(
        new sources.KinesisEventSource(props.kinesisSource, { ...mappingOptions(config.router), onFailure }),
      );
      this.archiver?.addEventSource(
        new sources.KinesisEventSource(props.kinesisSource, {
          ...mappingOptions(config.archiver),
          onFailure,
          // Only TTL deletions; Lambda filters on the JSON inside the Kinesis record's data.
          filters: [lambda.FilterCriteria.filter({ data: TTL_DELETION_PATTERN })],
        }),
      );
    }
    for (const table of props.kinesisSource ? [] : props.tables) {
      this.router.addEventSource(
        new sources.DynamoEventSource(table, {
          ...mappingOptions(config.router),
          onFailure,
        }),
      );
      this.archiver?.addEventSource(
        new sources.DynamoEventSource(table, {
          ...mappingOptions(config.archiver),
          onFailure,
          // Only TTL deletions: REMOVE records written by DynamoDB's own TTL service.
          filters: [lambda.FilterCriteria.filter(TTL_DELETION_PATTERN)],
        }),
      );
    }
    this.vectorSync.addEventSource(
      new sources.KinesisEventSource(bus.changeLog, {
        ...mappingOptions(config.vectorSync),
        onFailure,
      }),
    );
    this.acknowledgeNagFindings(storage, config, props.kinesisSource === undefined);
  }

  /**
   * Acknowledges the cdk-nag findings this design accepts, each with its reason, on the one
   * resource it concerns (never stack-wide), so a new finding anywhere still fails the checks.
   */
  private acknowledgeNagFindings(
    storage: MemoryCdcStorage,
    config: ResolvedProps,
    readsDynamoDbStream: boolean,
  ): void {
    const functions = this.functions;
    const bucketArn = `<${logicalIdOf(storage.bucket)}.Arn>`;
    for (const fn of readsDynamoDbStream ? [functions.router, functions.archiver] : []) {
      if (!fn) continue;
      Validations.of(fn.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'dynamodb:ListStreams (granted by table.grantStreamRead for the event source mapping) supports no ' +
          'resource-level permissions; every other stream action is scoped to the stream ARN.',
      });
    }
    for (const [name, fn] of Object.entries(functions)) {
      if (!fn) continue;
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/${DEAD_LETTER_PREFIX}${name}/*]`,
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
    for (const fn of Object.values(functions)) {
      if (!fn) continue;
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/${ON_FAILURE_PREFIX}*]`,
        reason:
          "Lambda's S3 on-failure destination chooses the keys of the invocation records it stores (mapping id, shard, time); the grant is PutObject under aws/lambda/ only.",
      });
    }
    for (const fn of [functions.router, functions['vector-sync']]) {
      if (!fn) continue;
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/${CLAIM_CHECK_PREFIX}*]`,
        reason:
          'Claim checks are objects keyed by event id, unknown until an event is too large; the router may only ' +
          'PutObject and the vector worker only GetObject under claim-check/.',
      });
    }
    Validations.of((functions.archiver ?? functions.router)!.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${bucketArn}/${config.archivePrefix}*]`,
      reason:
        'Archive objects are new keys per partition and batch; the grant is PutObject under the archive prefix only.',
    });
  }
}

/** A TTL deletion: a REMOVE written by DynamoDB's own TTL service (the archiver's mapping filter). */
const TTL_DELETION_PATTERN = {
  eventName: lambda.FilterRule.isEqual('REMOVE'),
  userIdentity: {
    type: lambda.FilterRule.isEqual('Service'),
    principalId: lambda.FilterRule.isEqual('dynamodb.amazonaws.com'),
  },
};

/** Event source mapping settings every consumer shares: partial batch responses, bisect, bounds. */
function mappingOptions(c: ResolvedConsumer): sources.StreamEventSourceProps {
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

/** The logical id of a construct's default CloudFormation resource, as cdk-nag prints it. */
function logicalIdOf(construct: Construct): string {
  const resource = construct.node.defaultChild as CfnResource;
  return Stack.of(construct).resolve(resource.logicalId) as string;
}

/** Whether a runtime is the newest Node.js runtime this aws-cdk-lib knows (what cdk-nag's L1 asks for). */
function isNewestNodeRuntime(runtime: lambda.Runtime): boolean {
  const version = (r: lambda.Runtime) => Number(/^nodejs(\d+)\.x$/.exec(r.name)?.[1] ?? 0);
  const newest = Math.max(
    ...lambda.Runtime.ALL.filter((r) => r.family === lambda.RuntimeFamily.NODEJS).map(version),
  );
  return version(runtime) === newest;
}
