import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { MemoryCdc, type MemoryCdcProps } from '../../infra/MemoryCdc.js';
import { ConfigError } from '../../lib/errors.js';
import { STREAM_ARN, TABLE_NAME, testApp, testStack } from './support.js';

/** Builds the construct with one prop changed; validation runs before any function is created. */
function build(overrides: Partial<MemoryCdcProps>): void {
  const stack = testStack(testApp({ bundle: false }));
  new MemoryCdc(stack, 'MemoryCdc', { tableName: TABLE_NAME, tableStreamArn: STREAM_ARN, ...overrides });
}

describe('MemoryCdc props validation', () => {
  it.each<[string, Partial<MemoryCdcProps>, RegExp]>([
    [
      'a stream ARN that is not one',
      { tableStreamArn: 'arn:aws:kinesis:us-east-1:1:stream/x' },
      /tableStreamArn must look like arn:aws:dynamodb:.*\(given arn:aws:kinesis/,
    ],
    [
      'the stream of another table',
      { tableStreamArn: STREAM_ARN.replace('table/agent-memory', 'table/other') },
      /is the stream of table other, not of tableName agent-memory/,
    ],
    [
      'a table name DynamoDB would refuse',
      { tableName: 'a b' },
      /tableName must be 3-255 characters .*\(given a b\)/,
    ],
    [
      'a batch size above 10,000',
      { router: { batchSize: 20_000 } },
      /router.batchSize must be an integer between 1 and 10000 inclusive \(given 20000\)/,
    ],
    [
      'a batching window above 300 s',
      { readers: 'two', archiver: { maxBatchingWindow: Duration.minutes(6) } },
      /archiver.maxBatchingWindow must be between 0 and 300 seconds inclusive \(given 6 minutes = 360 s\)/,
    ],
    [
      'unbounded retries',
      { router: { retryAttempts: -1 } },
      /router.retryAttempts must be an integer between 0 and 10000 inclusive \(given -1\)/,
    ],
    [
      'a record age beyond the 24 h DynamoDB stream',
      { readers: 'two', archiver: { maxRecordAge: Duration.hours(25) } },
      /archiver.maxRecordAge must be between 60 and 86400 seconds inclusive \(given 1 day 1 hour = 90000 s\)/,
    ],
    [
      'a record age beyond the change log retention',
      { vectorSync: { maxRecordAge: Duration.hours(48) } },
      /vectorSync.maxRecordAge must be between 60 and 86400 seconds/,
    ],
    [
      'a parallelization factor of 11',
      { router: { parallelizationFactor: 11 } },
      /router.parallelizationFactor must be an integer between 1 and 10 inclusive \(given 11\)/,
    ],
    [
      'AT_TIMESTAMP',
      { router: { startingPosition: lambda.StartingPosition.AT_TIMESTAMP } },
      /router.startingPosition must be TRIM_HORIZON or LATEST \(given AT_TIMESTAMP\)/,
    ],
    [
      'a vector dimension above 4,096',
      { embeddingDimensions: 5000 },
      /embeddingDimensions must be an integer between 1 and 4096 inclusive \(given 5000\)/,
    ],
    [
      'an unknown distance metric',
      { distanceMetric: 'dot' as 'cosine' },
      /distanceMetric must be 'cosine' or 'euclidean' \(given dot\)/,
    ],
    [
      'an unknown layout preset',
      { layout: 'electrodb' as 'mastra' },
      /layout must be 'agent-memory', 'mastra', 'session-state', 'session-turns' or a layout object \(given electrodb\)/,
    ],
    [
      'a change log retention under 24 h',
      { changeLogRetention: Duration.hours(12) },
      /changeLogRetention must be a whole number of hours between 24 and 8760 inclusive \(given 12 hours\)/,
    ],
    [
      'a Glacier transition within 30 days of the IA one',
      { archiveGlacierAfter: Duration.days(45) },
      /archiveGlacierAfter must be a whole number of days between 60 and 36500 inclusive \(S3 keeps objects in Standard-IA for at least 30 days\) \(given 45 days\)/,
    ],
    [
      'an archive prefix without a trailing slash',
      { archivePrefix: 'archive' },
      /archivePrefix must be a key prefix ending in \/ .*\(given archive\)/,
    ],
    [
      'an archive prefix inside the expiring claim checks',
      { archivePrefix: 'claim-check/archive/' },
      /archivePrefix must not overlap claim-check\/ or dead-letter\//,
    ],
    [
      'a Node.js runtime older than 22',
      { runtime: lambda.Runtime.NODEJS_20_X },
      /runtime must be a Node.js runtime, version 22 or newer \(given nodejs20.x\)/,
    ],
    ['a Python runtime', { runtime: lambda.Runtime.PYTHON_3_13 }, /runtime must be a Node.js runtime/],
    [
      'an unknown log level',
      { logLevel: 'verbose' as 'info' },
      /logLevel must be one of trace, debug, info, warn, error, fatal \(given verbose\)/,
    ],
    [
      'a vector index name with capitals',
      { vectorIndexName: 'Turns' },
      /vectorIndexName must be 3-63 characters/,
    ],
    [
      'a Bedrock model id that is not one',
      { bedrockModelId: 'titan' },
      /bedrockModelId must be a foundation model id/,
    ],
  ])('rejects %s with an error naming the prop, the range and the value', (_, overrides, message) => {
    expect(() => build(overrides)).toThrow(ConfigError);
    expect(() => build(overrides)).toThrow(message);
  });

  it('rejects a layout too large for the 4 KB of Lambda environment variables', () => {
    const layout = {
      name: 'big',
      partitionKey: 'pk',
      bookkeeping: [],
      entities: Array.from({ length: 60 }, (_, i) => ({
        entity: 'memory' as const,
        pk: `MEMORY#${i}#{memoryId}`,
      })),
    };
    expect(() => build({ layout })).toThrow(
      /layout must fit in 2048 bytes: Lambda allows 4096 bytes .*\(given \d+ bytes of layout and routing JSON\)/,
    );
  });
});
