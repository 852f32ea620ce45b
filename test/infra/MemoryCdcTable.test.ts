/**
 * `new MemoryCdc(scope, id, { table })`: the memory table as an `ITable`, or by name and stream
 * ARN — exactly one of the two forms.
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { describe, expect, it } from 'vitest';
import { MemoryCdc, type MemoryCdcProps } from '../../infra/MemoryCdc.js';
import { ConfigError } from '../../lib/errors.js';
import {
  logicalIdOf,
  resourcesOf,
  STREAM_ARN,
  TABLE_NAME,
  testApp,
  testStack,
  unacknowledgedNagFindings,
} from './support.js';

/** Builds the construct in a fresh stack; `table` receives that stack as its scope. */
function build(props: (stack: ReturnType<typeof testStack>) => MemoryCdcProps) {
  const stack = testStack(testApp({ bundle: false }));
  const cdc = new MemoryCdc(stack, 'MemoryCdc', props(stack));
  return { stack, cdc };
}

const imported = (stack: ReturnType<typeof testStack>) =>
  dynamodb.Table.fromTableAttributes(stack, 'Memory', { tableName: TABLE_NAME, tableStreamArn: STREAM_ARN });

describe('MemoryCdc with table: an ITable', () => {
  it('reads the stream of a table imported with Table.fromTableAttributes (one reader by default)', () => {
    const { stack, cdc } = build((s) => ({ table: imported(s) }));
    const template = Template.fromStack(stack);
    const readers = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').filter(
      ([, r]) => r.Properties.EventSourceArn === STREAM_ARN,
    );
    expect(readers.map(([, r]) => r.Properties.FunctionName)).toEqual([{ Ref: logicalIdOf(cdc.router) }]);
    expect(cdc.archiver).toBeUndefined();
  });

  it('names the bus, the Glue database and the descriptions after the imported table', () => {
    const { stack } = build((s) => ({ table: imported(s) }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: `memory-cdc-${TABLE_NAME}` });
    template.hasResourceProperties('AWS::Glue::Database', {
      DatabaseInput: { Name: 'memory_cdc_agent_memory' },
    });
  });

  it('exposes the given table, not a copy of it', () => {
    const { stack, cdc } = build((s) => ({ table: imported(s) }));
    expect(cdc.table).toBe(stack.node.findChild('Memory'));
  });

  it('synthesizes the same resources as the tableName and tableStreamArn form', () => {
    const types = (props: (stack: ReturnType<typeof testStack>) => MemoryCdcProps) =>
      Object.values(
        Template.fromStack(build(props).stack).toJSON().Resources as Record<string, { Type: string }>,
      )
        .map((r) => r.Type)
        .sort();
    expect(types((s) => ({ table: imported(s) }))).toEqual(
      types(() => ({ tableName: TABLE_NAME, tableStreamArn: STREAM_ARN })),
    );
  });

  it('passes cdk-nag with an imported table', () => {
    const { stack } = build((s) => ({ table: imported(s) }));
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });

  it('reads the stream of a table created in the same stack, given a Glue database name', () => {
    const { stack } = build((s) => ({
      table: new dynamodb.Table(s, 'Memory', {
        partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
        stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
        timeToLiveAttribute: 'ttl',
      }),
      glueDatabaseName: 'memory_cdc',
    }));
    const template = Template.fromStack(stack);
    const tableId = logicalIdOf(stack.node.findChild('Memory'));
    const readers = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').filter(
      ([, r]) =>
        JSON.stringify(r.Properties.EventSourceArn) ===
        JSON.stringify({ 'Fn::GetAtt': [tableId, 'StreamArn'] }),
    );
    expect(readers).toHaveLength(1);
  });
});

describe('MemoryCdc table validation', () => {
  it.each<[string, (stack: ReturnType<typeof testStack>) => MemoryCdcProps, RegExp]>([
    [
      'a table and tableName together',
      (s) => ({ table: imported(s), tableName: TABLE_NAME }),
      /MemoryCdc: table must not be combined with tableName: name the table either by table, or by tableName and tableStreamArn/,
    ],
    [
      'a table and both string props together',
      (s) => ({ table: imported(s), tableName: TABLE_NAME, tableStreamArn: STREAM_ARN }),
      /table must not be combined with tableName and tableStreamArn/,
    ],
    ['neither form', () => ({}), /MemoryCdc: table or tableName and tableStreamArn must be given/],
    [
      'a tableName without its stream ARN',
      () => ({ tableName: TABLE_NAME }),
      /MemoryCdc: tableStreamArn must be given too: tableName and tableStreamArn name the table together/,
    ],
    [
      'a stream ARN without the tableName',
      () => ({ tableStreamArn: STREAM_ARN }),
      /MemoryCdc: tableName must be given too/,
    ],
    [
      'a table imported without its stream ARN',
      (s) => ({ table: dynamodb.Table.fromTableName(s, 'NoStream', TABLE_NAME) }),
      /MemoryCdc: table must have a stream ARN: import it with Table.fromTableAttributes\(scope, id, \{ tableName, tableStreamArn \}\).*\(given Test\/NoStream\)/,
    ],
    [
      'a table whose stream ARN belongs to another table',
      (s) => ({
        table: dynamodb.Table.fromTableAttributes(s, 'Other', {
          tableName: 'other-table',
          tableStreamArn: STREAM_ARN,
        }),
      }),
      /MemoryCdc: table is the stream of table agent-memory, not of table other-table/,
    ],
  ])('rejects %s with an error naming the prop', (_, props, message) => {
    expect(() => build(props)).toThrow(ConfigError);
    expect(() => build(props)).toThrow(message);
  });
});
