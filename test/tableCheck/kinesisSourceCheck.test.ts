/**
 * The deploy-time table check with a Kinesis source, run as deployed (the inline CommonJS text):
 * the stream must be an ACTIVE Kinesis streaming destination of the table (ENABLING too right after
 * the stack enabled it) and must not be the change log. Fed DescribeKinesisStreamingDestination
 * responses in the shape the DynamoDB API reference documents (DynamoDB Local has no such API).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { TABLE_CHECK_SOURCE, type TableCheckProperties } from '../../lib/tableCheck/tableCheckSource.js';

interface Destination {
  StreamArn: string;
  DestinationStatus: string;
  ApproximateCreationDateTimePrecision?: string;
}
type KinesisProblems = (
  destinations: Destination[] | undefined,
  properties: TableCheckProperties,
) => string[];
type Problems = (table: unknown, ttl: unknown, expected: Record<string, unknown>) => string[];

/** Loads the check's source the way the Lambda runtime loads index.js. */
function loadCheck(): { kinesisProblems: KinesisProblems; problems: Problems } {
  const module = { exports: {} as { kinesisProblems: KinesisProblems; problems: Problems } };
  new Function('require', 'exports', 'module', TABLE_CHECK_SOURCE)(
    createRequire(import.meta.url),
    module.exports,
    module,
  );
  return module.exports;
}

const { kinesisProblems, problems } = loadCheck();
const SOURCE = 'arn:aws:kinesis:us-east-1:123456789012:stream/agent-memory-changes';
const CHANGE_LOG = 'arn:aws:kinesis:us-east-1:123456789012:stream/MemoryCdcChangeLog-ABC';
const properties = (enabledByStack: boolean, source = SOURCE): TableCheckProperties => ({
  TableName: 'agent-memory',
  StreamArn: '',
  TtlAttribute: 'expires_at',
  KinesisStreamArn: source,
  KinesisEnabledByStack: String(enabledByStack),
  ChangeLogStreamArn: CHANGE_LOG,
});

describe('the table check with a Kinesis source', () => {
  it('passes an ACTIVE destination on the source stream, beside others', () => {
    const destinations = [
      { StreamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/other', DestinationStatus: 'DISABLED' },
      { StreamArn: SOURCE, DestinationStatus: 'ACTIVE', ApproximateCreationDateTimePrecision: 'MICROSECOND' },
    ];
    expect(kinesisProblems(destinations, properties(false))).toEqual([]);
  });

  it('accepts ENABLING only right after the stack enabled the destination itself', () => {
    const enabling = [{ StreamArn: SOURCE, DestinationStatus: 'ENABLING' }];
    expect(kinesisProblems(enabling, properties(true))).toEqual([]);
    expect(kinesisProblems(enabling, properties(false))).toEqual([
      `its Kinesis streaming destination ${SOURCE} is ENABLING, not ACTIVE`,
    ]);
    expect(
      kinesisProblems([{ StreamArn: SOURCE, DestinationStatus: 'ENABLE_FAILED' }], properties(true)),
    ).toEqual([`its Kinesis streaming destination ${SOURCE} is ENABLE_FAILED, not ACTIVE`]);
  });

  it('fails a stream the table does not stream to, saying how to fix it', () => {
    for (const destinations of [
      undefined,
      [],
      [{ StreamArn: CHANGE_LOG.replace('ABC', 'X'), DestinationStatus: 'ACTIVE' }],
    ]) {
      expect(kinesisProblems(destinations, properties(false))).toEqual([
        `the Kinesis stream ${SOURCE} is not a Kinesis streaming destination of the table: enable it, or use source 'kinesis'`,
      ]);
    }
  });

  it('fails the change log given as the source, even when the table streams to it', () => {
    const destinations = [{ StreamArn: CHANGE_LOG, DestinationStatus: 'ACTIVE' }];
    expect(kinesisProblems(destinations, properties(false, CHANGE_LOG))).toEqual([
      `the Kinesis source ${CHANGE_LOG} is the change log memory-cdc writes (the router would read its own output)`,
    ]);
  });

  it('checks TTL but not the DynamoDB stream, which a Kinesis source does not read', () => {
    expect(
      problems(
        {},
        { TimeToLiveStatus: 'ENABLED', AttributeName: 'expires_at' },
        { kinesis: true, ttlAttribute: 'expires_at' },
      ),
    ).toEqual([]);
    expect(
      problems({}, { TimeToLiveStatus: 'DISABLED' }, { kinesis: true, ttlAttribute: 'expires_at' }),
    ).toEqual(["TTL is not enabled: enable it on expires_at, the layout's TTL attribute"]);
    expect(problems({}, undefined, { ttlAttribute: '' })).toEqual([
      'it has no DynamoDB stream: enable one with view type NEW_AND_OLD_IMAGES',
    ]);
  });
});
