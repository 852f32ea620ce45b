/**
 * The deploy-time table check over several tables (`OtherTables`), judged as deployed (the inline
 * CommonJS text's `failures`): every table is checked, and the message names each failing table.
 * Fed DescribeTable, DescribeKinesisStreamingDestination and DescribeTimeToLive responses in the
 * shapes the DynamoDB API reference documents.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  TABLE_CHECK_SOURCE,
  type TableCheckProperties,
  type TableCheckTable,
} from '../../lib/tableCheck/tableCheckSource.js';

/** One table's properties with the check's responses for it. */
type Checked = TableCheckTable & { described: unknown; ttl: unknown };
type Failures = (checked: Checked[], properties: TableCheckProperties) => string[];

/** Loads the check's source the way the Lambda runtime loads index.js. */
function loadCheck(): { failures: Failures } {
  const module = { exports: {} as { failures: Failures } };
  new Function('require', 'exports', 'module', TABLE_CHECK_SOURCE)(
    createRequire(import.meta.url),
    module.exports,
    module,
  );
  return module.exports;
}

const { failures } = loadCheck();
const REGION_ACCOUNT = 'us-east-1:123456789012';
const streamOf = (table: string) =>
  `arn:aws:dynamodb:${REGION_ACCOUNT}:table/${table}/stream/2026-01-01T00:00:00.000`;
const SOURCE = `arn:aws:kinesis:${REGION_ACCOUNT}:stream/agent-memory-changes`;
const CHANGE_LOG = `arn:aws:kinesis:${REGION_ACCOUNT}:stream/MemoryCdcChangeLog-ABC`;

/** DescribeTimeToLive's response with TTL enabled on `attribute`. */
const ttlOn = (attribute: string) => ({
  TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: attribute },
});
/** DescribeTable's response (the fields the check reads) for a table with a stream. */
const describeTable = (table: string, viewType = 'NEW_AND_OLD_IMAGES') => ({
  Table: {
    TableName: table,
    TableStatus: 'ACTIVE',
    StreamSpecification: { StreamEnabled: true, StreamViewType: viewType },
    LatestStreamArn: streamOf(table),
    LatestStreamLabel: '2026-01-01T00:00:00.000',
  },
});
/** DescribeKinesisStreamingDestination's response. */
const destinations = (table: string, ...list: { StreamArn: string; DestinationStatus: string }[]) => ({
  TableName: table,
  KinesisDataStreamDestinations: list.map((d) => ({
    ...d,
    ApproximateCreationDateTimePrecision: 'MICROSECOND',
  })),
});

const STATE = 'ai-session-state';
const TURNS = 'ai-conversation-turns';
const NOTES = 'ai-notes';

describe('the table check over every table of the stack, table stream source', () => {
  const properties: TableCheckProperties = {
    TableName: STATE,
    StreamArn: streamOf(STATE),
    TtlAttribute: 'TTL',
    OtherTables: [
      { TableName: TURNS, StreamArn: streamOf(TURNS), TtlAttribute: 'ttl' },
      { TableName: NOTES, StreamArn: streamOf(NOTES), TtlAttribute: '' },
    ],
  };
  const tables = [properties, ...properties.OtherTables!];

  it('passes when every table is right', () => {
    const checked = tables.map((t) => ({
      ...t,
      described: describeTable(t.TableName),
      ttl: ttlOn(t.TtlAttribute),
    }));
    expect(failures(checked, properties)).toEqual([]);
  });

  it('fails for a further table alone, naming it and each of its problems against its own TTL attribute', () => {
    const checked = [
      { ...tables[0]!, described: describeTable(STATE), ttl: ttlOn('TTL') },
      { ...tables[1]!, described: describeTable(TURNS, 'KEYS_ONLY'), ttl: ttlOn('TTL') },
      { ...tables[2]!, described: { Table: { TableName: NOTES } }, ttl: {} },
    ];
    expect(failures(checked, properties)).toEqual([
      `memory-cdc cannot run on table ${TURNS}: its stream has view type KEYS_ONLY: memory-cdc needs NEW_AND_OLD_IMAGES (both images, to build events and archive expired items); TTL is on attribute TTL, not on ttl, the layout's`,
      `memory-cdc cannot run on table ${NOTES}: it has no DynamoDB stream: enable one with view type NEW_AND_OLD_IMAGES`,
    ]);
  });
});

describe('the table check over every table of the stack, Kinesis source', () => {
  const properties: TableCheckProperties = {
    TableName: STATE,
    StreamArn: '',
    TtlAttribute: 'TTL',
    OtherTables: [{ TableName: TURNS, StreamArn: '', TtlAttribute: 'ttl' }],
    KinesisStreamArn: SOURCE,
    KinesisEnabledByStack: 'false',
    ChangeLogStreamArn: CHANGE_LOG,
  };
  const [state, turns] = [properties, properties.OtherTables![0]!];

  it('passes when the stream is an ACTIVE destination of every table', () => {
    const checked = [
      {
        ...state,
        described: destinations(STATE, { StreamArn: SOURCE, DestinationStatus: 'ACTIVE' }),
        ttl: ttlOn('TTL'),
      },
      {
        ...turns,
        described: destinations(TURNS, { StreamArn: SOURCE, DestinationStatus: 'ACTIVE' }),
        ttl: ttlOn('ttl'),
      },
    ];
    expect(failures(checked, properties)).toEqual([]);
  });

  it('fails for the second table that does not stream to the source, naming it', () => {
    const checked = [
      {
        ...state,
        described: destinations(STATE, { StreamArn: SOURCE, DestinationStatus: 'ACTIVE' }),
        ttl: ttlOn('TTL'),
      },
      { ...turns, described: destinations(TURNS), ttl: ttlOn('ttl') },
    ];
    expect(failures(checked, properties)).toEqual([
      `memory-cdc cannot run on table ${TURNS}: the Kinesis stream ${SOURCE} is not a Kinesis streaming destination of the table: enable it, or use source 'kinesis'`,
    ]);
  });

  it('fails for a second table whose destination is not ACTIVE, or that streams elsewhere', () => {
    for (const [status, arn, problem] of [
      ['DISABLED', SOURCE, `its Kinesis streaming destination ${SOURCE} is DISABLED, not ACTIVE`],
      ['ENABLING', SOURCE, `its Kinesis streaming destination ${SOURCE} is ENABLING, not ACTIVE`],
      [
        'ACTIVE',
        `${SOURCE}-other`,
        `the Kinesis stream ${SOURCE} is not a Kinesis streaming destination of the table: enable it, or use source 'kinesis'`,
      ],
    ] as const) {
      const checked = [
        {
          ...state,
          described: destinations(STATE, { StreamArn: SOURCE, DestinationStatus: 'ACTIVE' }),
          ttl: ttlOn('TTL'),
        },
        {
          ...turns,
          described: destinations(TURNS, { StreamArn: arn, DestinationStatus: status }),
          ttl: ttlOn('ttl'),
        },
      ];
      expect(failures(checked, properties)).toEqual([`memory-cdc cannot run on table ${TURNS}: ${problem}`]);
    }
  });
});
