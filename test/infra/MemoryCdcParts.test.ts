/**
 * The construct's parts: each resource sits in a sub-construct named after what it holds, and
 * keeps the logical id it had before the construct was split (a changed id replaces the resource).
 */
import { readFileSync } from 'node:fs';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryCdc } from '../../infra/MemoryCdc.js';
import { MemoryCdcBus } from '../../infra/MemoryCdcBus.js';
import { MemoryCdcConsumers } from '../../infra/MemoryCdcConsumers.js';
import { MemoryCdcStorage } from '../../infra/MemoryCdcStorage.js';
import { MemoryCdcVectorIndex } from '../../infra/MemoryCdcVectorIndex.js';
import { makeUniqueId } from '../../infra/PreSplitLogicalIds.js';
import { STREAM_ARN, TABLE_NAME, testApp, testStack } from './support.js';

/** Logical id -> type of every resource of the construct with default props, before the split. */
const PRE_SPLIT = JSON.parse(
  readFileSync(new URL('./fixtures/pre-split-logical-ids.json', import.meta.url), 'utf8'),
) as Record<string, string>;

let stack: Stack;
let cdc: MemoryCdc;
let template: Template;

beforeAll(() => {
  stack = testStack(testApp({ bundle: false }));
  cdc = new MemoryCdc(stack, 'MemoryCdc', {
    tableName: TABLE_NAME,
    tableStreamArn: STREAM_ARN,
    readers: 'two',
  });
  template = Template.fromStack(stack);
});

describe('MemoryCdc parts', () => {
  it('keeps the logical id and type of every resource it synthesized before the split', () => {
    const now = Object.fromEntries(
      Object.entries(template.toJSON().Resources as Record<string, { Type: string }>).map(([id, r]) => [
        id,
        r.Type,
      ]),
    );
    // Since the split, the SQS on-failure queues (and their depth alarms) gave way to the S3 on-failure
    // destination, which adds its alarm and the missing-images alarms; every other id is unchanged.
    const replaced = /DeadLetterQueue/;
    const expected = Object.fromEntries(Object.entries(PRE_SPLIT).filter(([id]) => !replaced.test(id)));
    for (const id of [
      'MemoryCdcMonitoringOnFailureRecords0BC6A5ED',
      'MemoryCdcMonitoringarchiverMissingImages5E1348E9',
      'MemoryCdcMonitoringrouterMissingImagesC8321A1C',
    ])
      expected[id] = 'AWS::CloudWatch::Alarm';
    // The catalog's `… Restored` detail-types (one schema each) came after the split too.
    for (const id of Object.keys(now).filter((id) => /^MemoryCdcSchemas\w+restored[0-9A-F]{8}$/.test(id)))
      expected[id] = 'AWS::EventSchemas::Schema';
    // So did the deploy-time table check (its custom resource, function, provider, roles and logs).
    for (const id of Object.keys(now).filter((id) => id.startsWith('MemoryCdcTableCheck')))
      expected[id] = now[id]!;
    expect(now).toEqual(expected);
    expect(Object.keys(PRE_SPLIT).filter((id) => replaced.test(id))).toHaveLength(9);
  });

  it('puts the bus and the change log in MemoryCdcBus', () => {
    expect(cdc.bus).toBeInstanceOf(MemoryCdcBus);
    expect(cdc.eventBus.node.scope).toBe(cdc.bus);
    expect(cdc.changeLog.node.scope).toBe(cdc.bus);
  });

  it('puts both buckets in MemoryCdcStorage', () => {
    expect(cdc.storage).toBeInstanceOf(MemoryCdcStorage);
    expect(cdc.bucket.node.scope).toBe(cdc.storage);
    expect(cdc.accessLogsBucket.node.scope).toBe(cdc.storage);
  });

  it('puts the vector bucket and index in MemoryCdcVectorIndex', () => {
    expect(cdc.vectors).toBeInstanceOf(MemoryCdcVectorIndex);
    expect(cdc.vectorIndex.node.scope).toBe(cdc.vectors);
  });

  it('puts the functions in MemoryCdcConsumers', () => {
    expect(cdc.consumers).toBeInstanceOf(MemoryCdcConsumers);
    expect(cdc.router.node.path).toBe('Test/MemoryCdc/Consumers/Router/Function');
    expect(cdc.archiver!.node.scope?.node.scope).toBe(cdc.consumers);
  });
});

describe('makeUniqueId', () => {
  it.each([
    ['one component', ['Bucket']],
    ['a nested path', ['MemoryCdc', 'Bucket', 'Resource']],
    ['a path with a Default component', ['MemoryCdc', 'Default', 'Queue']],
    ['a path with repeated components', ['Router', 'Router', 'Resource']],
    ['components with punctuation', ['Memory-Cdc', 'DynamoDBEventSource:Test.Table']],
  ])("agrees with the CDK's own logical ids for %s", (_, components) => {
    const app = testApp({ bundle: false });
    const scratch = new Stack(app, 'Scratch');
    let scope: Construct = scratch;
    for (const id of components.slice(0, -1)) scope = new Construct(scope, id);
    const bucket = new s3.CfnBucket(scope, components.at(-1)!);
    expect(makeUniqueId(components)).toBe(scratch.getLogicalId(bucket));
  });
});
