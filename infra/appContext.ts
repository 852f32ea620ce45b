/**
 * The CDK context the app entry reads (`npx cdk deploy -c tableName=… -c streamArn=…`), validated
 * with errors that say which key is wrong and how to fix it.
 */
import { ConfigError } from '../lib/errors.js';
import { PRESET_LAYOUTS, resolveLayout } from '../lib/layout/resolveLayout.js';
import type { Layout } from '../lib/layout/types.js';
import { readSubscriptionsFile, type Subscription } from '../lib/subscriptions/subscriptionsFile.js';

/** Context keys the app reads. */
export const APP_CONTEXT_KEYS = [
  'tableName',
  'streamArn',
  'stackName',
  'eventBusName',
  'layout',
  'embeddingDimensions',
  'bedrockModelId',
  'alarmTopicArn',
  'subscriptions',
] as const;

/** What the app builds its stack from. */
export interface AppContext {
  tableName: string;
  streamArn: string;
  /** Account and region of the table, read from the stream ARN: the stack deploys there. */
  account: string;
  region: string;
  stackName: string;
  eventBusName?: string;
  layout?: 'agent-memory' | 'mastra' | Layout;
  embeddingDimensions?: number;
  bedrockModelId?: string;
  alarmTopicArn?: string;
  /** Rules from the subscriptions file (`-c subscriptions=subs.json`). */
  subscriptions?: Subscription[];
}

const STREAM_ARN =
  /^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([A-Za-z0-9_.-]{3,255})\/stream\/.+$/;
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
  const tableName = text(get, 'tableName');
  const streamArn = text(get, 'streamArn');
  if (tableName === undefined || streamArn === undefined) {
    const missing = [tableName === undefined && 'tableName', streamArn === undefined && 'streamArn'].filter(
      Boolean,
    );
    throw new ConfigError(`missing context ${missing.join(' and ')}. ${HOW_TO}`);
  }
  const match = STREAM_ARN.exec(streamArn);
  if (!match) {
    throw new ConfigError(
      `context streamArn must look like arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label> (given ${streamArn})`,
    );
  }
  const [, region = '', account = '', streamTable = ''] = match;
  if (streamTable !== tableName) {
    throw new ConfigError(
      `context streamArn is the stream of table ${streamTable}, not of tableName ${tableName}`,
    );
  }

  const context: AppContext = {
    tableName,
    streamArn,
    account,
    region,
    stackName: text(get, 'stackName') ?? `MemoryCdc-${tableName.replace(/[^A-Za-z0-9-]/g, '-')}`,
  };
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(context.stackName)) {
    throw new ConfigError(
      `context stackName must start with a letter and hold up to 128 letters, digits and - (given ${context.stackName})`,
    );
  }
  const eventBusName = text(get, 'eventBusName');
  if (eventBusName !== undefined) context.eventBusName = eventBusName;

  const layout = text(get, 'layout');
  if (layout !== undefined) {
    if (layout === 'agent-memory' || layout === 'mastra') context.layout = layout;
    else if (PRESET_LAYOUTS[layout]) context.layout = PRESET_LAYOUTS[layout];
    else {
      try {
        context.layout = resolveLayout(layout, cwd);
      } catch (error) {
        throw new ConfigError(`context layout: ${(error as Error).message}`, { cause: error });
      }
    }
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

/** A context value as text; numbers and booleans from cdk.json are accepted too. */
function text(get: (key: string) => unknown, key: string): string | undefined {
  const value = get(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ConfigError(`context ${key} must be a string (given ${JSON.stringify(value)})`);
}
