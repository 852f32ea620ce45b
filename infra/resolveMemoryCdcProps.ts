/**
 * The props of {@link MemoryCdc} with defaults applied and every value validated once, with errors
 * that name the prop, the bad value and the valid range.
 */
import { join } from 'node:path';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ConfigError, LayoutError } from '../lib/errors.js';
import { PRESET_LAYOUTS, resolveLayout } from '../lib/layout/resolveLayout.js';
import type { Layout } from '../lib/layout/types.js';
import { packageRoot } from '../lib/packageRoot.js';
import type { MemoryCdcProps, StreamConsumerOptions, StreamReaders } from './MemoryCdcProps.js';
import { parseDynamoDbStreamArn, parseKinesisStreamArn } from './streamArns.js';

const DEFAULT_BEDROCK_MODEL = 'amazon.titan-embed-text-v2:0';
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const MAX_DYNAMODB_RECORD_AGE = Duration.hours(24);
/** Lambda's limit of MaximumRecordAgeInSeconds for Kinesis mappings (604,800 s). */
const MAX_KINESIS_RECORD_AGE = Duration.days(7);
/** Lambda's limit for all environment variables of a function together. */
const ENV_LIMIT_BYTES = 4096;

/** One consumer's settings with defaults applied. */
export type ResolvedConsumer = Required<Omit<StreamConsumerOptions, 'startingPosition'>> & {
  startingPosition: lambda.StartingPosition;
};

/** Where the router and the archiver read the table's changes, resolved. */
export type ResolvedSource =
  | { kind: 'dynamodb-stream' }
  /** A Kinesis data stream the table streams to: given (`streamArn`), or created by the stack. */
  | { kind: 'kinesis'; streamArn?: string; encryptionKey?: kms.IKey };

/** The props with defaults applied, validated. */
export interface ResolvedProps {
  /** Where the router and the archiver read the table's changes. */
  source: ResolvedSource;
  /** The memory table, imported from `tableName`/`tableStreamArn` when `table` was not given. */
  table: dynamodb.ITable;
  /** Its name (a token for a table of the same app). */
  tableName: string;
  /** Its DynamoDB stream ARN (undefined with a Kinesis source when none was given). */
  tableStreamArn: string | undefined;
  /** Every table of the stack, the first being `table`. */
  tables: ResolvedTable[];
  /** `MEMORY_CDC_TABLE_LAYOUTS` (JSON of table name -> layout) when the stack serves several tables. */
  tableLayouts: string | undefined;
  /** The first table's layout (`MEMORY_CDC_LAYOUT`). */
  layout: string;
  routing: string | undefined;
  changeLogRetention: Duration;
  /** The table-stream reader layout. */
  readers: StreamReaders;
  router: ResolvedConsumer;
  archiver: ResolvedConsumer;
  vectorSync: ResolvedConsumer;
  embeddingDimensions: number;
  distanceMetric: 'cosine' | 'euclidean';
  embeddingAttribute: string;
  bedrockModelId: string;
  vectorIndexName: string;
  archivePrefix: string;
  archiveInfrequentAccessAfter: Duration;
  archiveGlacierAfter: Duration;
  archiveExpiration: Duration | undefined;
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
 * Applies defaults and validates every prop, naming the bad value and the valid range. Imports the
 * table (as construct `Table` of `scope`; `Table1`, `Table2`… for further entries of `tables`) when it
 * is named by `tableName` and `tableStreamArn`.
 * @throws ConfigError
 */
export function resolveMemoryCdcProps(scope: Construct, props: MemoryCdcProps): ResolvedProps {
  const source = resolveSource(props);
  const tables = resolveTables(scope, props, source.kind === 'dynamodb-stream');
  const { table, tableName, tableStreamArn, layout: layoutValue } = tables[0]!;
  // Several tables: every function reads each record or change-log detail with its table's layout.
  const tableLayouts =
    tables.length > 1
      ? Stack.of(scope).toJsonString(Object.fromEntries(tables.map((t) => [t.tableName, t.layout])))
      : undefined;
  const routing = props.routing === undefined ? undefined : JSON.stringify(props.routing);
  const configBytes =
    Buffer.byteLength(layoutValue) + Buffer.byteLength(routing ?? '') + Buffer.byteLength(tableLayouts ?? '');
  if (configBytes > ENV_LIMIT_BYTES / 2) {
    fail(
      'layout',
      `${configBytes} bytes of layout and routing JSON`,
      `must fit in ${ENV_LIMIT_BYTES / 2} bytes: Lambda allows ${ENV_LIMIT_BYTES} bytes of environment variables per function`,
    );
  }

  const changeLogRetention = props.changeLogRetention ?? Duration.hours(24);
  hoursBetween('changeLogRetention', changeLogRetention, 24, 8760);

  if (source.kind === 'kinesis' && props.readers !== undefined) {
    fail(
      'readers',
      props.readers,
      `applies only to source 'dynamodb-stream': with a Kinesis source the router and the archiver each read the Kinesis stream (source given: ${describeSource(props.source)})`,
    );
  }
  // A Kinesis source has no reader limit: router and archiver both read it, as with two readers.
  const readers = props.readers ?? (source.kind === 'kinesis' ? 'two' : 'one');
  if (readers !== 'one' && readers !== 'two') fail('readers', readers, "must be 'one' or 'two'");
  if (readers === 'one' && props.archiver !== undefined) {
    fail(
      'archiver',
      props.archiver,
      "applies only with readers: 'two' (with one reader the router archives)",
    );
  }
  // A given Kinesis stream may keep records up to 365 days; Lambda's mappings allow at most 7 days of age.
  // The stack's own Kinesis stream keeps 24 hours, as DynamoDB Streams does.
  const sourceRecordAgeLimit =
    source.kind === 'kinesis' && source.streamArn !== undefined
      ? MAX_KINESIS_RECORD_AGE
      : MAX_DYNAMODB_RECORD_AGE;
  const router = consumer('router', props.router, {
    batchSize: 100,
    maxBatchingWindow: Duration.seconds(1),
    startingPosition: lambda.StartingPosition.LATEST,
    timeout: Duration.seconds(60),
    iteratorAgeAlarmThreshold: Duration.minutes(5),
    maxRecordAgeLimit: sourceRecordAgeLimit,
  });
  const archiver = consumer('archiver', props.archiver, {
    batchSize: 1000,
    maxBatchingWindow: Duration.seconds(60),
    startingPosition: lambda.StartingPosition.TRIM_HORIZON,
    timeout: Duration.seconds(60),
    iteratorAgeAlarmThreshold: Duration.minutes(15),
    maxRecordAgeLimit: sourceRecordAgeLimit,
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
  if (props.glueDatabaseName === undefined && Token.isUnresolved(tableName)) {
    fail('glueDatabaseName', undefined, 'must be given when the table name is only known at deploy time');
  }
  const glueDatabaseName =
    props.glueDatabaseName ??
    `memory_cdc_${tableName.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 255);
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
    source,
    table,
    tableName,
    tableStreamArn,
    tables,
    tableLayouts,
    layout: layoutValue,
    routing,
    changeLogRetention,
    readers,
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
    archiveExpiration: props.archiveExpiration,
    claimCheckExpiration,
    deadLetterExpiration,
    archiveStartDate,
    glueDatabaseName,
    catalogSchemasDirectory: props.catalogSchemasDirectory ?? join(packageRoot(), 'catalog', 'schemas'),
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
): ResolvedConsumer {
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

/** One table of the stack, resolved. */
export interface ResolvedTable {
  table: dynamodb.ITable;
  /** Its name (a token for a table of the same app). */
  tableName: string;
  /** Its DynamoDB stream ARN; undefined with a Kinesis source when none was given. */
  tableStreamArn: string | undefined;
  /** `MEMORY_CDC_LAYOUT` text: a preset name or inline JSON. */
  layout: string;
  /** The layout's TTL attribute (what the deploy-time check expects); undefined when it has none. */
  ttlAttribute: string | undefined;
}

/** What names a table: the single-table props, or one entry of `tables`. */
interface TableNaming {
  table?: dynamodb.ITable | undefined;
  tableName?: string | undefined;
  tableStreamArn?: string | undefined;
}

/**
 * The table and its stream, from exactly one of the two forms: `table`, or `tableName` with
 * `tableStreamArn`. `prefix` names where the props sit (`''`, or `tables[1].`) in error messages;
 * `id` is the construct id an imported table gets.
 */
function resolveTable(
  scope: Construct,
  props: TableNaming,
  streamRequired: boolean,
  prefix = '',
  id = 'Table',
): { table: dynamodb.ITable; tableName: string; tableStreamArn: string | undefined } {
  const p = (name: string) => `${prefix}${name}`;
  const named = props.tableName !== undefined || props.tableStreamArn !== undefined;
  if (props.table !== undefined) {
    if (named) {
      const given = [
        props.tableName !== undefined && p('tableName'),
        props.tableStreamArn !== undefined && p('tableStreamArn'),
      ].filter(Boolean);
      fail(
        p('table'),
        props.table.node.path,
        `must not be combined with ${given.join(' and ')}: name the table either by table, or by tableName and tableStreamArn`,
      );
    }
    const streamArn = props.table.tableStreamArn;
    if (streamArn === undefined && !streamRequired) {
      checkNames(props.table.tableName, undefined, 'table', prefix);
      return { table: props.table, tableName: props.table.tableName, tableStreamArn: undefined };
    }
    if (streamArn === undefined) {
      fail(
        p('table'),
        props.table.node.path,
        'must have a stream ARN: import it with Table.fromTableAttributes(scope, id, { tableName, tableStreamArn }), ' +
          'or create it with stream: StreamViewType.NEW_AND_OLD_IMAGES',
      );
    }
    checkNames(props.table.tableName, streamArn, 'table', prefix);
    return { table: props.table, tableName: props.table.tableName, tableStreamArn: streamArn };
  }
  if (props.tableName !== undefined && props.tableStreamArn === undefined && !streamRequired) {
    // A Kinesis source: the table needs no DynamoDB stream.
    checkNames(props.tableName, undefined, 'tableStreamArn', prefix);
    const table = dynamodb.Table.fromTableAttributes(scope, id, { tableName: props.tableName });
    return { table, tableName: props.tableName, tableStreamArn: undefined };
  }
  if (props.tableName === undefined || props.tableStreamArn === undefined) {
    if (!named) {
      fail(
        p('table'),
        undefined,
        'or tableName and tableStreamArn must be given: the memory table and its stream',
      );
    }
    const missing = props.tableName === undefined ? p('tableName') : p('tableStreamArn');
    fail(missing, undefined, 'must be given too: tableName and tableStreamArn name the table together');
  }
  checkNames(props.tableName, props.tableStreamArn, 'tableStreamArn', prefix);
  const table = dynamodb.Table.fromTableAttributes(scope, id, {
    tableName: props.tableName,
    tableStreamArn: props.tableStreamArn,
  });
  return { table, tableName: props.tableName, tableStreamArn: props.tableStreamArn };
}

/**
 * The layout prop as the functions read it (`MEMORY_CDC_LAYOUT`): a preset name, or inline JSON of a
 * layout object; with `ttlAttribute`, the layout with that TTL attribute.
 */
function resolveLayoutProp(
  prop: string,
  layout: MemoryCdcProps['layout'],
  ttlAttribute: string | undefined,
  ttlProp: string,
): string {
  const value = layout ?? 'agent-memory';
  let object: Layout;
  if (typeof value === 'string') {
    const preset = Object.hasOwn(PRESET_LAYOUTS, value) ? PRESET_LAYOUTS[value] : undefined;
    if (!preset) fail(prop, value, `must be ${PRESETS} or a layout object`);
    if (ttlAttribute === undefined || ttlAttribute === preset.ttlAttribute) return value;
    object = preset;
  } else if (value !== null && typeof value === 'object' && Array.isArray(value.entities)) {
    object = value;
  } else {
    fail(prop, value, `must be ${PRESETS} or a layout object with entities`);
  }
  if (ttlAttribute !== undefined) {
    if (!/^.{1,255}$/.test(ttlAttribute))
      fail(ttlProp, ttlAttribute, 'must be an attribute name of 1-255 characters');
    object = { ...object, ttlAttribute };
  }
  return JSON.stringify(object);
}

/**
 * The TTL attribute of a layout prop's text: its one full parse at synth, which also validates a
 * layout object. `prop` (`tables[1].layout`) names the table in the error.
 * @throws LayoutError for an invalid layout
 */
function ttlAttributeOf(layout: string, prop?: string): string | undefined {
  try {
    return resolveLayout(layout).ttlAttribute;
  } catch (error) {
    if (prop === undefined || !(error instanceof LayoutError)) throw error;
    throw new LayoutError(`MemoryCdc: ${prop}: ${error.message}`, { cause: error });
  }
}

const PRESETS = Object.keys(PRESET_LAYOUTS)
  .map((name) => `'${name}'`)
  .join(', ');

/**
 * The tables of the stack: `tables`, or the single table of `table`/`tableName`/`layout`. The first
 * table names the stack's resources (bus, Glue database) as a single table does.
 */
function resolveTables(scope: Construct, props: MemoryCdcProps, streamRequired: boolean): ResolvedTable[] {
  if (props.tables === undefined) {
    const layout = resolveLayoutProp('layout', props.layout, undefined, '');
    return [{ ...resolveTable(scope, props, streamRequired), layout, ttlAttribute: ttlAttributeOf(layout) }];
  }
  const single = (['table', 'tableName', 'tableStreamArn', 'layout'] as const).filter(
    (k) => props[k] !== undefined,
  );
  if (single.length > 0) {
    fail(
      'tables',
      `tables and ${single.join(', ')}`,
      'must not be combined with table, tableName, tableStreamArn or layout: give each table its own entry',
    );
  }
  if (!Array.isArray(props.tables) || props.tables.length === 0) {
    fail('tables', props.tables, 'must list at least one table');
  }
  const resolved = props.tables.map((entry, i) => {
    const prefix = `tables[${i}].`;
    const layout = resolveLayoutProp(
      `${prefix}layout`,
      entry.layout,
      entry.ttlAttribute,
      `${prefix}ttlAttribute`,
    );
    return {
      ...resolveTable(scope, entry, streamRequired, prefix, i === 0 ? 'Table' : `Table${i}`),
      layout,
      ttlAttribute: ttlAttributeOf(layout, `${prefix}layout`),
    };
  });
  const seen = new Map<string, number>();
  resolved.forEach((t, i) => {
    if (Token.isUnresolved(t.tableName)) return;
    const first = seen.get(t.tableName);
    if (first !== undefined) fail(`tables[${i}]`, t.tableName, `names the same table as tables[${first}]`);
    seen.set(t.tableName, i);
  });
  return resolved;
}

/** The table name's characters, the stream ARN's shape, and that the stream is the named table's. */
function checkNames(
  tableName: string,
  tableStreamArn: string | undefined,
  streamProp: 'table' | 'tableStreamArn',
  prefix = '',
): void {
  const nameProp = `${prefix}${streamProp === 'table' ? 'table' : 'tableName'}`;
  const streamName = `${prefix}${streamProp}`;
  if (!Token.isUnresolved(tableName) && !/^[A-Za-z0-9_.-]{3,255}$/.test(tableName)) {
    fail(nameProp, tableName, 'must be 3-255 characters of A-Z, a-z, 0-9, _ . -');
  }
  if (tableStreamArn === undefined || Token.isUnresolved(tableStreamArn)) return;
  const stream = parseDynamoDbStreamArn(tableStreamArn);
  if (!stream) {
    fail(
      streamName,
      tableStreamArn,
      `${streamProp === 'table' ? 'has a stream ARN that ' : ''}must look like arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`,
    );
  }
  if (!Token.isUnresolved(tableName) && stream.tableName !== tableName) {
    fail(
      streamName,
      tableStreamArn,
      `is the stream of table ${stream.tableName}, not of ${nameProp} ${tableName}`,
    );
  }
}

/** The `source` prop, validated. */
function resolveSource(props: MemoryCdcProps): ResolvedSource {
  const value = props.source ?? 'dynamodb-stream';
  if (value === 'dynamodb-stream') return { kind: 'dynamodb-stream' };
  if (value === 'kinesis') return { kind: 'kinesis' };
  if (value === null || typeof value !== 'object' || typeof value.kinesisStreamArn !== 'string') {
    fail('source', value, "must be 'dynamodb-stream', 'kinesis' or { kinesisStreamArn }");
  }
  const arn = value.kinesisStreamArn;
  if (!Token.isUnresolved(arn) && !parseKinesisStreamArn(arn)) {
    fail(
      'source.kinesisStreamArn',
      arn,
      'must look like arn:aws:kinesis:<region>:<account>:stream/<name> (a Kinesis data stream the table streams to)',
    );
  }
  return {
    kind: 'kinesis',
    streamArn: arn,
    ...(value.encryptionKey ? { encryptionKey: value.encryptionKey } : {}),
  };
}

function describeSource(source: MemoryCdcProps['source']): string {
  return typeof source === 'string' ? `'${source}'` : `{ kinesisStreamArn: ${source?.kinesisStreamArn} }`;
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
