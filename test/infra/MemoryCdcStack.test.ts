/**
 * The ready stack and the construct's options that change its shape: an existing bus, a
 * customer-managed change-log key, and the two-reader limit of DynamoDB Streams.
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import { describe, expect, it } from 'vitest';
import { MemoryCdc } from '../../infra/MemoryCdc.js';
import { MemoryCdcStack } from '../../infra/MemoryCdcStack.js';
import {
  acknowledgements,
  ENV,
  logicalIdOf,
  policyStatements,
  STREAM_ARN,
  TABLE_NAME,
  testApp,
  testStack,
  unacknowledgedNagFindings,
} from './support.js';

describe('MemoryCdcStack', () => {
  it('publishes to an existing bus by name instead of creating one', () => {
    const stack = new MemoryCdcStack(testApp({ bundle: false }), 'Shared', {
      env: ENV,
      tableName: TABLE_NAME,
      tableStreamArn: STREAM_ARN,
      existingEventBusName: 'shared-bus',
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::EventBus', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { EVENT_BUS_NAME: 'shared-bus' } },
    });
    const putEvents = policyStatements(template).filter((s) => s.Action === 'events:PutEvents');
    expect(putEvents.map((s) => s.Resource)).toEqual([
      'arn:aws:events:us-east-1:123456789012:event-bus/shared-bus',
    ]);
    expect(template.toJSON().Metadata).toEqual({ 'memory-cdc': { eventBuses: ['shared-bus'] } });
  });

  it('outputs the names users need: bus, change log, bucket, vector index, Glue table and dashboard', () => {
    const stack = new MemoryCdcStack(testApp({ bundle: false }), 'Outputs', {
      env: ENV,
      tableName: TABLE_NAME,
      tableStreamArn: STREAM_ARN,
    });
    expect(Object.keys(Template.fromStack(stack).toJSON().Outputs)).toEqual([
      'EventBusName',
      'ChangeLogStreamName',
      'BucketName',
      'VectorBucketArn',
      'VectorIndexArn',
      'ArchiveDatabase',
      'ArchiveTable',
      'DashboardName',
    ]);
  });
});

describe('MemoryCdc', () => {
  it('leaves the second reader slot of the DynamoDB stream free, and refuses to synthesize a third reader', () => {
    const withReaders = (ids: string[]) => {
      const stack = testStack(testApp({ bundle: false }));
      const cdc = new MemoryCdc(stack, 'MemoryCdc', { tableName: TABLE_NAME, tableStreamArn: STREAM_ARN });
      for (const id of ids) {
        const fn = new lambda.Function(stack, id, {
          runtime: lambda.Runtime.NODEJS_22_X,
          handler: 'index.handler',
          code: lambda.Code.fromInline('export const handler = async () => ({});'),
        });
        fn.addEventSource(
          new sources.DynamoEventSource(cdc.table, { startingPosition: lambda.StartingPosition.LATEST }),
        );
      }
      return () => Template.fromStack(stack);
    };
    expect(withReaders(['Replicator'])).not.toThrow();
    expect(withReaders(['Replicator', 'Indexer'])).toThrow(
      /DynamoDB stream arn:aws:dynamodb:us-east-1:123456789012:table\/agent-memory\/stream\/2026-01-01T00:00:00\.000 has 3 event source mappings .*DynamoDB Streams allows at most 2 readers per shard\. Consume the Kinesis change log/,
    );
  });

  it("refuses a third reader beside the two-reader layout's router and archiver", () => {
    const stack = testStack(testApp({ bundle: false }));
    const cdc = new MemoryCdc(stack, 'MemoryCdc', {
      tableName: TABLE_NAME,
      tableStreamArn: STREAM_ARN,
      readers: 'two',
    });
    const third = new lambda.Function(stack, 'Indexer', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => ({});'),
    });
    third.addEventSource(
      new sources.DynamoEventSource(cdc.table, { startingPosition: lambda.StartingPosition.LATEST }),
    );
    expect(() => Template.fromStack(stack)).toThrow(/has 3 event source mappings/);
  });

  it('encrypts the change log with a customer-managed key when given one, and grants exactly its use', () => {
    const stack = testStack(testApp({ bundle: false }));
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const cdc = new MemoryCdc(stack, 'MemoryCdc', {
      tableName: TABLE_NAME,
      tableStreamArn: STREAM_ARN,
      changeLogEncryptionKey: key,
    });
    const template = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [logicalIdOf(key), 'Arn'] };
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: keyArn },
    });
    const grants = policyStatements(template)
      .filter((s) => JSON.stringify(s.Resource) === JSON.stringify(keyArn))
      .map((s) => [s.role, s.Action]);
    expect(grants).toEqual([
      [logicalIdOf(cdc.router.role!), 'kms:GenerateDataKey'],
      [logicalIdOf(cdc.vectorSync.role!), 'kms:Decrypt'],
    ]);
    expect(unacknowledgedNagFindings(cdc)).toEqual([]);
  });

  it("acknowledges cdk-nag's latest-runtime rule only for a runtime older than the newest", () => {
    const stack = testStack(testApp({ bundle: false }));
    const cdc = new MemoryCdc(stack, 'MemoryCdc', {
      tableName: TABLE_NAME,
      tableStreamArn: STREAM_ARN,
      runtime: lambda.Runtime.NODEJS_24_X,
    });
    Template.fromStack(stack);
    expect(acknowledgements(cdc).filter((ack) => ack.id === 'AwsSolutions-L1')).toEqual([]);
    expect(unacknowledgedNagFindings(cdc)).toEqual([]);
  });
});
