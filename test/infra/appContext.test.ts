import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAppContext } from '../../infra/appContext.js';
import { ConfigError } from '../../lib/errors.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { STREAM_ARN, TABLE_NAME } from './support.js';

const work = mkdtempSync(join(tmpdir(), 'memory-cdc-context-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A context getter over a plain object, like `app.node.tryGetContext`. */
const contextOf = (values: Record<string, unknown>) => (key: string) => values[key];
const base = { tableName: TABLE_NAME, streamArn: STREAM_ARN };

describe('readAppContext', () => {
  it('reads the table and its stream, and deploys to the account and region of the stream', () => {
    expect(readAppContext(contextOf(base))).toEqual({
      tableName: TABLE_NAME,
      streamArn: STREAM_ARN,
      account: '123456789012',
      region: 'us-east-1',
      stackName: 'MemoryCdc-agent-memory',
    });
  });

  it('names every missing key and shows the command that passes them', () => {
    expect(() => readAppContext(contextOf({}))).toThrow(ConfigError);
    expect(() => readAppContext(contextOf({ tableName: TABLE_NAME }))).toThrow(
      /^missing context streamArn\. Deploy beside your table with: npx cdk deploy -c tableName=<table> -c streamArn=<stream ARN>, or set both once in the "context" of cdk\.json \(the ARN: aws dynamodb describe-table --table-name <table> --query Table\.LatestStreamArn\)$/,
    );
  });

  it('rejects a stream ARN of another table or of another service', () => {
    expect(() => readAppContext(contextOf({ ...base, tableName: 'other-table' }))).toThrow(
      `context streamArn is the stream of table agent-memory, not of tableName other-table`,
    );
    expect(() =>
      readAppContext(contextOf({ ...base, streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/x' })),
    ).toThrow(
      'context streamArn must look like arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label> (given arn:aws:kinesis:us-east-1:123456789012:stream/x)',
    );
  });

  it('reads the optional keys, numbers given as text included', () => {
    const context = readAppContext(
      contextOf({
        ...base,
        stackName: 'Memory',
        eventBusName: 'shared',
        readers: 'two',
        layout: 'mastra',
        embeddingDimensions: '512',
        bedrockModelId: 'cohere.embed-english-v3',
        alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:oncall',
      }),
    );
    expect(context).toMatchObject({
      stackName: 'Memory',
      eventBusName: 'shared',
      readers: 'two',
      layout: 'mastra',
      embeddingDimensions: 512,
      bedrockModelId: 'cohere.embed-english-v3',
      alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:oncall',
    });
  });

  it('reads the source: kinesis, or a Kinesis stream ARN that then names account and region without streamArn', () => {
    const arn = 'arn:aws:kinesis:eu-west-1:210987654321:stream/agent-memory-changes';
    expect(readAppContext(contextOf({ ...base, source: 'kinesis' }))).toMatchObject({ source: 'kinesis' });
    expect(readAppContext(contextOf({ tableName: TABLE_NAME, source: arn }))).toEqual({
      tableName: TABLE_NAME,
      account: '210987654321',
      region: 'eu-west-1',
      source: { kinesisStreamArn: arn },
      stackName: 'MemoryCdc-agent-memory',
    });
    expect(() => readAppContext(contextOf({ ...base, source: 'kafka' }))).toThrow(
      /^context source must be dynamodb-stream, kinesis, or the ARN of a Kinesis stream .* \(given kafka\)$/,
    );
    // source=kinesis creates the stream: the table's stream ARN still names account and region.
    expect(() => readAppContext(contextOf({ tableName: TABLE_NAME, source: 'kinesis' }))).toThrow(
      /^missing context streamArn/,
    );
  });

  it('reads a custom layout from a JSON file relative to the working directory', () => {
    writeFileSync(join(work, 'layout.json'), JSON.stringify({ ...agentMemoryLayout, name: 'custom' }));
    const context = readAppContext(contextOf({ ...base, layout: 'layout.json' }), work);
    expect(context.layout).toMatchObject({ name: 'custom', partitionKey: agentMemoryLayout.partitionKey });
  });

  it.each([
    [{ layout: 'nope.json' }, /^context layout: /],
    [
      { embeddingDimensions: '0' },
      'context embeddingDimensions must be an integer between 1 and 4096 (given 0)',
    ],
    [{ readers: '3' }, 'context readers must be one or two (given 3)'],
    [{ alarmTopicArn: 'oncall' }, 'context alarmTopicArn must be an SNS topic ARN (given oncall)'],
    [{ stackName: '1st' }, /context stackName must start with a letter .*\(given 1st\)/],
    [{ eventBusName: { name: 'x' } }, 'context eventBusName must be a string (given {"name":"x"})'],
  ])('rejects %j naming the key and the value', (extra, message) => {
    expect(() => readAppContext(contextOf({ ...base, ...extra }), work)).toThrow(message);
  });
});

describe('readAppContext with several tables', () => {
  const arn = (table: string, region = 'us-east-1') =>
    `arn:aws:dynamodb:${region}:123456789012:table/${table}/stream/2026-01-01T00:00:00.000`;
  const tables = [
    { tableName: 'ai-session-state', streamArn: arn('ai-session-state'), layout: 'session-state' },
    {
      tableName: 'ai-conversation-turns',
      streamArn: arn('ai-conversation-turns'),
      layout: 'session-turns',
      ttlAttribute: 'ttl',
    },
  ];

  it('reads tables given as JSON text (-c tables=…), each with its layout and TTL attribute', () => {
    const context = readAppContext(contextOf({ tables: JSON.stringify(tables) }));
    expect(context).toMatchObject({
      tableName: 'ai-session-state',
      account: '123456789012',
      region: 'us-east-1',
      stackName: 'MemoryCdc-ai-session-state',
      tables,
    });
  });

  it('reads tables given as a list (cdk.json), a layout file among them', () => {
    const file = join(work, 'turns-layout.json');
    writeFileSync(file, JSON.stringify({ ...agentMemoryLayout, name: 'my-turns' }));
    const context = readAppContext(contextOf({ tables: [tables[0], { ...tables[1], layout: file }] }));
    expect(context.tables?.map((t) => (typeof t.layout === 'string' ? t.layout : t.layout?.name))).toEqual([
      'session-state',
      'my-turns',
    ]);
  });

  it.each([
    ['not JSON', { tables: '[{' }, /^context tables must be a JSON list of/],
    ['an empty list', { tables: '[]' }, /^context tables must be a JSON list .*\(given \[\]\)$/],
    [
      'an entry without its stream',
      { tables: [{ tableName: 'a-table' }] },
      /^context tables\[0\] needs tableName and streamArn/,
    ],
    [
      'a stream of another table',
      { tables: [{ tableName: 'a-table', streamArn: arn('b-table') }] },
      /^context tables\[0\]\.streamArn is the stream of table b-table, not of tableName a-table$/,
    ],
    [
      'tables in two regions',
      { tables: [tables[0], { ...tables[1], streamArn: arn('ai-conversation-turns', 'eu-west-1') }] },
      /^context tables\[1\]\.streamArn is in 123456789012\/eu-west-1, not in 123456789012\/us-east-1 like tables\[0\]/,
    ],
    [
      'tables with tableName',
      { tables, tableName: 'x-table' },
      /^context tableName and tables cannot be combined/,
    ],
    ['tables with layout', { tables, layout: 'mastra' }, /^context layout and tables cannot be combined/],
    [
      'an unknown layout',
      { tables: [{ ...tables[0], layout: 'sessions' }] },
      /^context tables\[0\]\.layout: layout "sessions" is neither a preset/,
    ],
  ])('rejects %s with an error that names the key', (_name, values, message) => {
    expect(() => readAppContext(contextOf(values), work)).toThrow(ConfigError);
    expect(() => readAppContext(contextOf(values), work)).toThrow(message);
  });

  it('passes a preset layout of a single table by name', () => {
    expect(readAppContext(contextOf({ ...base, layout: 'session-turns' })).layout).toBe('session-turns');
  });
});
