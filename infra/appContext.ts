/**
 * The CDK context the app entry reads (`npx cdk deploy -c tableName=… -c streamArn=…`), validated
 * with errors that say which key is wrong and how to fix it.
 */
import { ConfigError } from '../lib/errors.js';
import { PRESET_LAYOUTS, resolveLayout } from '../lib/layout/resolveLayout.js';
import type { Layout } from '../lib/layout/types.js';
import { readSubscriptionsFile, type Subscription } from '../lib/subscriptions/subscriptionsFile.js';
import { parseDynamoDbStreamArn, parseKinesisStreamArn } from './streamArns.js';

/** Context keys the app reads. */
export const APP_CONTEXT_KEYS = [
  'tableName',
  'streamArn',
  'tables',
  'stackName',
  'eventBusName',
  'readers',
  'source',
  'layout',
  'embeddingDimensions',
  'bedrockModelId',
  'alarmTopicArn',
  'subscriptions',
] as const;

/** One table of a stack beside several (context `tables`). */
export interface AppContextTable {
  tableName: string;
  streamArn: string;
  /** A preset name, or the layout read from a file. @default 'agent-memory' */
  layout?: string | Layout;
  /** @default the layout's TTL attribute */
  ttlAttribute?: string;
}

/** What the app builds its stack from. */
export interface AppContext {
  /** The table (the first of `tables` when several are given). */
  tableName: string;
  /** The table's DynamoDB stream; may be left out with `source` a Kinesis stream ARN. */
  streamArn?: string;
  /** Several tables, each with its layout (context `tables`); absent for a single table. */
  tables?: AppContextTable[];
  /** Account and region of the table, read from the stream ARN: the stack deploys there. */
  account: string;
  region: string;
  stackName: string;
  eventBusName?: string;
  /** Table-stream readers the stack takes (`-c readers=two` adds the archiver). */
  readers?: 'one' | 'two';
  /**
   * Where the router and the archiver read (`-c source=kinesis`, or `-c source=<Kinesis stream ARN>`
   * of a stream the table already streams to; see `MemoryCdcProps.source`).
   */
  source?: 'dynamodb-stream' | 'kinesis' | { kinesisStreamArn: string };
  layout?: string | Layout;
  embeddingDimensions?: number;
  bedrockModelId?: string;
  alarmTopicArn?: string;
  /** Rules from the subscriptions file (`-c subscriptions=subs.json`). */
  subscriptions?: Subscription[];
}

const HOW_TO =
  'Deploy beside your table with: npx cdk deploy -c tableName=<table> -c streamArn=<stream ARN>, ' +
  'or set both once in the "context" of cdk.json ' +
  '(the ARN: aws dynamodb describe-table --table-name <table> --query Table.LatestStreamArn)';

/**
 * Reads and validates the app's context.
 * @param get the context getter (`app.node.tryGetContext.bind(app.node)`)
 * @param cwd where a `layout` file path resolves
 * @throws ConfigError naming the missing or invalid key and its value
 */
export function readAppContext(get: (key: string) => unknown, cwd = process.cwd()): AppContext {
  const tables = readTables(get, cwd);
  const source = readSource(get);
  const tableName = tables ? tables[0]!.tableName : text(get, 'tableName');
  const streamArn = tables ? tables[0]!.streamArn : text(get, 'streamArn');
  if (tableName !== undefined && streamArn === undefined && typeof source === 'object' && !tables) {
    // A Kinesis stream the table streams to: it names the account and region, no DynamoDB stream needed.
    const { region, account } = parseKinesisStreamArn(source.kinesisStreamArn)!;
    return readOptions(get, cwd, { tableName, account, region, source });
  }
  if (tableName === undefined || streamArn === undefined) {
    const missing = [tableName === undefined && 'tableName', streamArn === undefined && 'streamArn'].filter(
      Boolean,
    );
    throw new ConfigError(`missing context ${missing.join(' and ')}. ${HOW_TO}`);
  }
  const { region, account } = streamArnOf('streamArn', streamArn, tableName);

  if (tables) {
    for (const [i, t] of tables.entries()) {
      const other = streamArnOf(`tables[${i}].streamArn`, t.streamArn, t.tableName);
      if (other.region !== region || other.account !== account) {
        throw new ConfigError(
          `context tables[${i}].streamArn is in ${other.account}/${other.region}, not in ${account}/${region} like tables[0]: one stack deploys to one account and region`,
        );
      }
    }
  }
  return readOptions(get, cwd, {
    tableName,
    streamArn,
    ...(tables ? { tables } : {}),
    account,
    region,
    ...(source ? { source } : {}),
  });
}

/**
 * The region and account of the DynamoDB stream ARN given as context `key`.
 * @throws ConfigError when it is not a stream ARN, or the stream of another table than `tableName`
 */
function streamArnOf(key: string, streamArn: string, tableName: string): { region: string; account: string } {
  const stream = parseDynamoDbStreamArn(streamArn);
  if (!stream) {
    throw new ConfigError(
      `context ${key} must look like arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label> (given ${streamArn})`,
    );
  }
  const { region, account, tableName: streamTable } = stream;
  if (streamTable !== tableName) {
    throw new ConfigError(
      `context ${key} is the stream of table ${streamTable}, not of tableName ${tableName}`,
    );
  }
  return { region, account };
}

/** The `source` key: the table stream, `kinesis`, or the ARN of a Kinesis stream the table streams to. */
function readSource(get: (key: string) => unknown): AppContext['source'] {
  const value = text(get, 'source');
  if (value === undefined) return undefined;
  if (value === 'dynamodb-stream' || value === 'kinesis') return value;
  if (parseKinesisStreamArn(value)) return { kinesisStreamArn: value };
  throw new ConfigError(
    `context source must be dynamodb-stream, kinesis, or the ARN of a Kinesis stream the table streams to, arn:aws:kinesis:<region>:<account>:stream/<name> (given ${value})`,
  );
}

/** The keys besides the table(s) and the source. */
function readOptions(
  get: (key: string) => unknown,
  cwd: string,
  base: Omit<AppContext, 'stackName'>,
): AppContext {
  const tables = base.tables;
  const context: AppContext = {
    ...base,
    stackName: text(get, 'stackName') ?? `MemoryCdc-${base.tableName.replace(/[^A-Za-z0-9-]/g, '-')}`,
  };
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(context.stackName)) {
    throw new ConfigError(
      `context stackName must start with a letter and hold up to 128 letters, digits and - (given ${context.stackName})`,
    );
  }
  const eventBusName = text(get, 'eventBusName');
  if (eventBusName !== undefined) context.eventBusName = eventBusName;
  const readers = text(get, 'readers');
  if (readers !== undefined) {
    if (readers !== 'one' && readers !== 'two') {
      throw new ConfigError(`context readers must be one or two (given ${readers})`);
    }
    context.readers = readers;
  }

  const layout = text(get, 'layout');
  if (layout !== undefined) {
    if (tables)
      throw new ConfigError(
        'context layout and tables cannot be combined: give each table its layout in tables',
      );
    context.layout = layoutOf(layout, 'layout', cwd);
  }
  const dimensions = text(get, 'embeddingDimensions');
  if (dimensions !== undefined) {
    const value = Number(dimensions);
    if (!Number.isInteger(value) || value < 1 || value > 4096) {
      throw new ConfigError(
        `context embeddingDimensions must be an integer between 1 and 4096 (given ${dimensions})`,
      );
    }
    context.embeddingDimensions = value;
  }
  const model = text(get, 'bedrockModelId');
  if (model !== undefined) context.bedrockModelId = model;
  const topic = text(get, 'alarmTopicArn');
  if (topic !== undefined) {
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(topic)) {
      throw new ConfigError(`context alarmTopicArn must be an SNS topic ARN (given ${topic})`);
    }
    context.alarmTopicArn = topic;
  }
  const subscriptions = text(get, 'subscriptions');
  if (subscriptions !== undefined) context.subscriptions = readSubscriptionsFile(subscriptions, cwd);
  return context;
}

/** A preset name as it is, or the layout a file (or inline JSON) holds. */
function layoutOf(spec: string, key: string, cwd: string): string | Layout {
  if (Object.hasOwn(PRESET_LAYOUTS, spec)) return spec;
  try {
    return resolveLayout(spec, cwd);
  } catch (error) {
    throw new ConfigError(`context ${key}: ${(error as Error).message}`, { cause: error });
  }
}

const TABLES_HOW_TO =
  'context tables must be a JSON list of {"tableName", "streamArn", "layout"?, "ttlAttribute"?}, e.g. ' +
  `-c 'tables=[{"tableName":"sessions","streamArn":"arn:aws:dynamodb:…","layout":"session-state"}]'`;

/**
 * Context `tables` (a JSON list, or a list in cdk.json): several tables behind one stack.
 * @throws ConfigError naming the entry and the key that is wrong
 */
function readTables(get: (key: string) => unknown, cwd: string): AppContextTable[] | undefined {
  let value = get('tables');
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw new ConfigError(`${TABLES_HOW_TO} (given ${value}: ${(error as Error).message})`);
    }
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigError(`${TABLES_HOW_TO} (given ${JSON.stringify(value)})`);
  }
  for (const single of ['tableName', 'streamArn']) {
    if (text(get, single) !== undefined) {
      throw new ConfigError(`context ${single} and tables cannot be combined: list every table in tables`);
    }
  }
  return value.map((entry: unknown, i: number) => {
    const where = `tables[${i}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new ConfigError(
        `context ${where} must be an object (given ${JSON.stringify(entry)}). ${TABLES_HOW_TO}`,
      );
    }
    const field = (key: string) => text((k) => (entry as Record<string, unknown>)[k], key, `${where}.`);
    const tableName = field('tableName');
    const streamArn = field('streamArn');
    if (tableName === undefined || streamArn === undefined) {
      throw new ConfigError(`context ${where} needs tableName and streamArn. ${TABLES_HOW_TO}`);
    }
    streamArnOf(`${where}.streamArn`, streamArn, tableName);
    const table: AppContextTable = { tableName, streamArn };
    const layout = field('layout');
    if (layout !== undefined) table.layout = layoutOf(layout, `${where}.layout`, cwd);
    const ttlAttribute = field('ttlAttribute');
    if (ttlAttribute !== undefined) table.ttlAttribute = ttlAttribute;
    return table;
  });
}

/** A context value as text; numbers and booleans from cdk.json are accepted too. */
function text(get: (key: string) => unknown, key: string, where = ''): string | undefined {
  const value = get(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ConfigError(`context ${where}${key} must be a string (given ${JSON.stringify(value)})`);
}
