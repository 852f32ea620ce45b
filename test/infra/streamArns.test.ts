/** The one parser of the stream ARNs the construct and the app accept. */
import { describe, expect, it } from 'vitest';
import { parseDynamoDbStreamArn, parseKinesisStreamArn } from '../../infra/streamArns.js';

describe('parseDynamoDbStreamArn', () => {
  it('returns partition, region, account, table and label', () => {
    expect(
      parseDynamoDbStreamArn(
        'arn:aws-cn:dynamodb:cn-north-1:123456789012:table/agent.memory_v2-x/stream/2026-01-01T00:00:00.000',
      ),
    ).toEqual({
      partition: 'aws-cn',
      region: 'cn-north-1',
      account: '123456789012',
      tableName: 'agent.memory_v2-x',
      label: '2026-01-01T00:00:00.000',
    });
  });

  it.each([
    'arn:aws:dynamodb:us-east-1:123456789012:table/agent-memory',
    'arn:aws:dynamodb:us-east-1:12345:table/agent-memory/stream/2026-01-01T00:00:00.000',
    'arn:aws:dynamodb:us-east-1:123456789012:table/ab/stream/2026-01-01T00:00:00.000',
    'arn:aws:kinesis:us-east-1:123456789012:stream/agent-memory',
  ])('returns undefined for %s', (arn) => {
    expect(parseDynamoDbStreamArn(arn)).toBeUndefined();
  });
});

describe('parseKinesisStreamArn', () => {
  it('returns partition, region, account and stream name', () => {
    expect(
      parseKinesisStreamArn('arn:aws:kinesis:eu-west-1:123456789012:stream/agent-memory-changes'),
    ).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      account: '123456789012',
      streamName: 'agent-memory-changes',
    });
  });

  it.each([
    'arn:aws:kinesis:eu-west-1:123456789012:stream/',
    'arn:aws:kinesis:eu-west-1:123456789012:stream/a/b',
    `arn:aws:kinesis:eu-west-1:123456789012:stream/${'x'.repeat(129)}`,
    'arn:aws:dynamodb:us-east-1:123456789012:table/agent-memory/stream/2026-01-01T00:00:00.000',
  ])('returns undefined for %s', (arn) => {
    expect(parseKinesisStreamArn(arn)).toBeUndefined();
  });
});
