/**
 * `new MemoryCdc(scope, id, { tables })`: one stack beside several memory tables, each with its layout
 * and TTL attribute — the session-memory design's session-state and turns tables.
 */
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { synthesizeEntry } from '../../infra/cloudAssembly.js';
import { MemoryCdc, type MemoryCdcProps } from '../../infra/MemoryCdc.js';
import { ConfigError } from '../../lib/errors.js';
import { parseTableLayouts } from '../../lib/layout/tableLayouts.js';
import {
  ACCOUNT,
  logicalIdOf,
  policyStatements,
  REGION,
  resourcesOf,
  testApp,
  testStack,
  unacknowledgedNagFindings,
} from './support.js';

const STATE = 'ai-session-state';
const TURNS = 'ai-conversation-turns';
const streamOf = (table: string) =>
  `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}/stream/2026-01-01T00:00:00.000`;

function build(props: (stack: ReturnType<typeof testStack>) => MemoryCdcProps) {
  const stack = testStack(testApp({ bundle: false }));
  const cdc = new MemoryCdc(stack, 'MemoryCdc', props(stack));
  return { stack, cdc, template: Template.fromStack(stack) };
}

// The two-reader layout: these tests follow the archiver too.
const twoTables = (s: ReturnType<typeof testStack>): MemoryCdcProps => ({
  readers: 'two',
  tables: [
    {
      table: dynamodb.Table.fromTableAttributes(s, 'Sessions', {
        tableName: STATE,
        tableStreamArn: streamOf(STATE),
      }),
      layout: 'session-state',
    },
    {
      tableName: TURNS,
      tableStreamArn: streamOf(TURNS),
      layout: 'session-turns',
      ttlAttribute: 'expires_at',
    },
  ],
});

function variablesOf(template: Template, fn: IConstruct): Record<string, unknown> {
  return template.toJSON().Resources[logicalIdOf(fn)].Properties.Environment.Variables;
}

describe('MemoryCdc beside two tables (tables)', () => {
  it('maps the router and the archiver onto both streams, and nothing else onto them', () => {
    const { cdc, template } = build(twoTables);
    for (const table of [STATE, TURNS]) {
      const readers = resourcesOf(template, 'AWS::Lambda::EventSourceMapping').filter(
        ([, r]) => r.Properties.EventSourceArn === streamOf(table),
      );
      expect(readers.map(([, r]) => r.Properties.FunctionName)).toEqual([
        { Ref: logicalIdOf(cdc.router) },
        { Ref: logicalIdOf(cdc.archiver!) },
      ]);
    }
    expect(cdc.tables.map((t) => t.tableName)).toEqual([STATE, TURNS]);
  });

  it('gives every function the layout of each table, which the functions read back', () => {
    const { cdc, template } = build(twoTables);
    for (const fn of [cdc.router, cdc.archiver!, cdc.vectorSync]) {
      const variables = variablesOf(template, fn);
      expect(variables.MEMORY_CDC_LAYOUT).toBe('session-state');
      const layouts = parseTableLayouts(JSON.parse(String(variables.MEMORY_CDC_TABLE_LAYOUTS)));
      expect(layouts.get(STATE)?.name).toBe('session-state');
      expect(layouts.get(TURNS)).toMatchObject({ name: 'session-turns', ttlAttribute: 'expires_at' });
    }
  });

  it('grants stream reads on both streams to the router and the archiver, and to no other role', () => {
    const { cdc, template } = build(twoTables);
    const readers = (table: string) =>
      policyStatements(template)
        .filter(
          (st) =>
            [st.Action].flat().includes('dynamodb:GetRecords') &&
            [st.Resource].flat().includes(streamOf(table)),
        )
        .map((st) => st.role)
        .sort();
    const roles = [cdc.consumers.functions.router.role, cdc.consumers.functions.archiver!.role]
      .map((r) => logicalIdOf(r))
      .sort();
    expect([readers(STATE), readers(TURNS)]).toEqual([roles, roles]);
  });

  it('passes cdk-nag', () => {
    const { stack } = build(twoTables);
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });

  it('gives a single table no table-layout map', () => {
    const { cdc, template } = build(() => ({
      tables: [{ tableName: TURNS, tableStreamArn: streamOf(TURNS), layout: 'session-turns' }],
    }));
    const variables = variablesOf(template, cdc.router);
    expect([variables.MEMORY_CDC_LAYOUT, variables.MEMORY_CDC_TABLE_LAYOUTS]).toEqual([
      'session-turns',
      undefined,
    ]);
    // The table check keeps a single table's properties: no OtherTables.
    const [, check] = resourcesOf(template, 'Custom::MemoryCdcTableCheck')[0]!;
    expect(check.Properties).not.toHaveProperty('OtherTables');
    expect(check.Properties).toMatchObject({ TableName: TURNS, TtlAttribute: 'ttl' });
  });

  it.each([
    [
      'tables combined with a single table',
      (s: ReturnType<typeof testStack>) => ({ ...twoTables(s), tableName: STATE }),
      /MemoryCdc: tables must not be combined with table, tableName, tableStreamArn or layout/,
    ],
    [
      'an empty list',
      () => ({ tables: [] }),
      /MemoryCdc: tables must list at least one table \(given \[\]\)/,
    ],
    [
      'the same table twice',
      () => ({
        tables: [
          { tableName: TURNS, tableStreamArn: streamOf(TURNS) },
          { tableName: TURNS, tableStreamArn: streamOf(TURNS) },
        ],
      }),
      /MemoryCdc: tables\[1\] names the same table as tables\[0\] \(given ai-conversation-turns\)/,
    ],
    [
      'a stream of another table',
      () => ({ tables: [{ tableName: TURNS, tableStreamArn: streamOf(STATE) }] }),
      /MemoryCdc: tables\[0\]\.tableStreamArn is the stream of table ai-session-state, not of tables\[0\]\.tableName ai-conversation-turns/,
    ],
    [
      'an unknown layout',
      () => ({ tables: [{ tableName: TURNS, tableStreamArn: streamOf(TURNS), layout: 'turns' }] }),
      /MemoryCdc: tables\[0\]\.layout must be 'agent-memory', 'mastra', 'session-state', 'session-turns' or a layout object \(given turns\)/,
    ],
  ] as const)('rejects %s, naming the prop', (_name, props, message) => {
    expect(() => build(props as never)).toThrow(ConfigError);
    expect(() => build(props as never)).toThrow(message);
  });
});

/** The actions of the table check's role on each resource. */
function checkGrants(template: Template, cdc: MemoryCdc) {
  return policyStatements(template)
    .filter((st) => st.role === logicalIdOf(cdc.tableCheck.function.role!))
    .filter((st) => [st.Action].flat().some((a) => String(a).startsWith('dynamodb:')))
    .map((st) => ({ Action: st.Action, Resource: [st.Resource].flat().sort() }));
}
const tableArn = (table: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${table}`;

describe('the deploy-time check beside two tables', () => {
  it("checks every table's stream ARN and its layout's TTL attribute, describing exactly those tables", () => {
    const { cdc, template } = build(twoTables);
    const checks = resourcesOf(template, 'Custom::MemoryCdcTableCheck');
    expect(checks).toHaveLength(1);
    expect(checks[0]![1].Properties).toMatchObject({
      TableName: STATE,
      StreamArn: streamOf(STATE),
      TtlAttribute: 'TTL',
      OtherTables: [{ TableName: TURNS, StreamArn: streamOf(TURNS), TtlAttribute: 'expires_at' }],
    });
    expect(checkGrants(template, cdc)).toEqual([
      {
        Action: ['dynamodb:DescribeTable', 'dynamodb:DescribeTimeToLive'],
        Resource: [tableArn(STATE), tableArn(TURNS)].sort(),
      },
    ]);
  });

  it("checks with a Kinesis source that the stream is every table's destination, after enabling each; cdk-nag clean", () => {
    const { cdc, stack, template } = build(() => ({
      source: 'kinesis',
      tables: [
        { tableName: STATE, layout: 'session-state' },
        { tableName: TURNS, layout: 'session-turns' },
      ],
    }));
    const [checkId, check] = resourcesOf(template, 'Custom::MemoryCdcTableCheck')[0]!;
    expect(check.Properties).toMatchObject({
      TableName: STATE,
      StreamArn: '',
      TtlAttribute: 'TTL',
      OtherTables: [{ TableName: TURNS, StreamArn: '', TtlAttribute: 'ttl' }],
      KinesisStreamArn: { 'Fn::GetAtt': [logicalIdOf(cdc.kinesisSource!.stream), 'Arn'] },
      KinesisEnabledByStack: 'true',
    });
    const destinations = resourcesOf(template, 'Custom::MemoryCdcKinesisStreamingDestination').map(
      ([id]) => id,
    );
    expect(destinations).toHaveLength(2);
    expect((template.toJSON().Resources[checkId] as { DependsOn?: string[] }).DependsOn).toEqual(
      expect.arrayContaining(destinations),
    );
    expect(checkGrants(template, cdc)).toEqual([
      {
        Action: ['dynamodb:DescribeKinesisStreamingDestination', 'dynamodb:DescribeTimeToLive'],
        Resource: [tableArn(STATE), tableArn(TURNS)].sort(),
      },
    ]);
    expect(unacknowledgedNagFindings(stack)).toEqual([]);
  });

  it('refuses an invalid layout object of a further table at synth, naming it', () => {
    expect(() =>
      build(() => ({
        tables: [
          { tableName: STATE, tableStreamArn: streamOf(STATE), layout: 'session-state' },
          { tableName: TURNS, tableStreamArn: streamOf(TURNS), layout: { entities: [{}] } as never },
        ],
      })),
    ).toThrow(/^MemoryCdc: tables\[1\]\.layout: inline layout: invalid layout/);
  });
});

describe('the bundled app beside two tables (context tables)', () => {
  it('synthesizes both session-design tables with no layout file, cdk-nag clean', async () => {
    const tables = [
      { tableName: STATE, streamArn: streamOf(STATE), layout: 'session-state' },
      { tableName: TURNS, streamArn: streamOf(TURNS), layout: 'session-turns' },
    ];
    const [stack, ...others] = await synthesizeEntry(join(import.meta.dirname, '../../infra/app.ts'), {
      tables: JSON.stringify(tables),
    });
    expect(others).toEqual([]);
    const resources = Object.values(
      stack!.template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
    );
    const mapped = resources
      .filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping')
      .map((r) => r.Properties.EventSourceArn)
      .filter((arn) => typeof arn === 'string')
      .sort();
    // One reader per table stream (the default readers: 'one': the router, which archives too).
    expect(mapped).toEqual([streamOf(TURNS), streamOf(STATE)].sort());
    const router = resources.find(
      (r) =>
        r.Type === 'AWS::Lambda::Function' &&
        String(r.Properties.Description).startsWith('memory-cdc router'),
    );
    const variables = (router!.Properties.Environment as { Variables: Record<string, string> }).Variables;
    expect(JSON.parse(variables.MEMORY_CDC_TABLE_LAYOUTS!)).toEqual({
      [STATE]: 'session-state',
      [TURNS]: 'session-turns',
    });
  }, 120_000);
});
