/**
 * The local Kinesis streaming destination against DynamoDB Local (a real Streams implementation) and
 * kinesalite: every change of the table arrives in the Kinesis stream in the JSON Kinesis Data
 * Streams for DynamoDB writes, one item on one shard, in order; PutRecords failures are retried
 * (duplicates, as at least once allows, never a lost change); stop ends it.
 */
import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryTable } from '../../lib/dev/createMemoryTable.js';
import { KinesisStreamingDestination } from '../../lib/dev/kinesisStreamingDestination.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/dev/startDynamoDbLocal.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { fromKinesisDynamoDbRecord } from '../../lib/stream/fromKinesisDynamoDbRecord.js';
import { kinesisPartitionKeyOf } from '../../lib/stream/kinesisPartitionKeyOf.js';
import { orderKinesisDynamoDbBatch } from '../../lib/stream/orderKinesisDynamoDbBatch.js';
import { toLambdaKinesisRecord } from '../../lib/stream/toLambdaKinesisRecord.js';
import { type FaultProxy, startFaultProxy } from '../support/faultProxy.js';
import {
  type KinesaliteHandle,
  kinesisPartialFailure,
  type StreamedRecord,
  startKinesalite,
} from '../support/kinesalite.js';
import { waitFor } from '../support/streamsSimulator.js';

let ddb: DynamoDbLocal;
let client: DynamoDBClient;
let streams: DynamoDBStreamsClient;
let kinesis: KinesaliteHandle;
let proxy: FaultProxy | undefined;

beforeAll(async () => {
  ddb = await startDynamoDbLocal();
  const settings = { endpoint: ddb.endpoint, region: ddb.region, credentials: ddb.credentials };
  client = new DynamoDBClient(settings);
  streams = new DynamoDBStreamsClient(settings);
  kinesis = await startKinesalite();
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  client?.destroy();
  streams?.destroy();
  await kinesis?.close();
  await ddb?.stop();
});

/** Ten changes on four items: three per conversation (insert, two modifies), a delete, a second item. */
async function writeChanges(table: string): Promise<number> {
  const put = (item: Record<string, unknown>) =>
    client.send(new PutItemCommand({ TableName: table, Item: marshall(item) }));
  const update = (sk: string, title: string) =>
    client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: marshall({ pk: 'USER#u1', sk }),
        UpdateExpression: 'SET title = :t',
        ExpressionAttributeValues: marshall({ ':t': title }),
      }),
    );
  await put({ pk: 'USER#u1', sk: 'CONV#c1', entity_type: 'conversation', title: 'one' });
  await put({ pk: 'USER#u1', sk: 'CONV#c2', entity_type: 'conversation', title: 'a' });
  await update('CONV#c1', 'two');
  await update('CONV#c2', 'b');
  await put({
    pk: 'USER#u1',
    sk: 'CONV#c1#TS#1',
    entity_type: 'turn',
    role: 'user',
    text: 'hi',
    blob: new Uint8Array([1, 2, 3]),
  });
  await update('CONV#c1', 'three');
  await update('CONV#c2', 'c');
  await client.send(
    new DeleteItemCommand({ TableName: table, Key: marshall({ pk: 'USER#u1', sk: 'CONV#c1#TS#1' }) }),
  );
  await put({ pk: 'USER#u2', sk: 'CONV#c9', entity_type: 'conversation', title: 'x' });
  await update('CONV#c1', 'four');
  return 10;
}

const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/changes';
/** The stream's records as Lambda's Kinesis records, converted. */
const converted = (records: StreamedRecord[]) =>
  records.map((r) =>
    toLambdaKinesisRecord(r.data, {
      streamArn: STREAM_ARN,
      shardId: r.shardId,
      sequenceNumber: r.sequenceNumber,
      partitionKey: r.partitionKey,
      arrivalSeconds: 0,
    }),
  );
const titlesByItem = (records: ReturnType<typeof fromKinesisDynamoDbRecord>[]) => {
  const out = new Map<string, string[]>();
  for (const { record } of records) {
    const image = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
    const key = (record.dynamodb!.Keys!.sk as { S: string }).S;
    out.set(key, [
      ...(out.get(key) ?? []),
      `${record.eventName}:${(image?.title as { S?: string } | undefined)?.S ?? ''}`,
    ]);
  }
  return out;
};

describe('KinesisStreamingDestination', () => {
  it('writes every change of a DynamoDB Local table to kinesalite as AWS writes it, one item per shard, in order', async () => {
    await createMemoryTable(client, { tableName: 'bridge-a', layout: agentMemoryLayout });
    await kinesis.createStream('changes-a', 3);
    const writes = await writeChanges('bridge-a');
    const bridge = await KinesisStreamingDestination.start({
      streams,
      kinesis: kinesis.client(),
      tableName: 'bridge-a',
      kinesisStream: 'changes-a',
      idlePollMs: 20,
    });
    await waitFor(() => bridge.stats.written >= writes, 30_000);
    await bridge.stop();
    expect(bridge.stats).toEqual({ written: writes, failedCalls: 0, lost: 0 });

    const records = await kinesis.readStream('changes-a');
    expect(records).toHaveLength(writes);
    const changes = records.map(
      (r) => JSON.parse(r.data) as Record<string, unknown> & { dynamodb: Record<string, unknown> },
    );
    for (const [i, change] of changes.entries()) {
      expect(Object.keys(change)).toEqual([
        'awsRegion',
        'eventID',
        'eventName',
        'userIdentity',
        'recordFormat',
        'tableName',
        'dynamodb',
        'eventSource',
      ]);
      expect(change).toMatchObject({
        recordFormat: 'application/json',
        tableName: 'bridge-a',
        eventSource: 'aws:dynamodb',
        userIdentity: null,
      });
      expect(change.dynamodb).toMatchObject({ ApproximateCreationDateTimePrecision: 'MICROSECOND' });
      expect(change.dynamodb).not.toHaveProperty('SequenceNumber');
      expect(records[i]!.partitionKey).toBe(kinesisPartitionKeyOf(change.dynamodb.Keys as never));
    }
    // One item, one shard: the partition key decides.
    const shardOf = new Map<string, Set<string>>();
    for (const r of records)
      shardOf.set(r.partitionKey, (shardOf.get(r.partitionKey) ?? new Set()).add(r.shardId));
    for (const shards of shardOf.values()) expect(shards.size).toBe(1);

    const decoded = converted(records).map((r) => fromKinesisDynamoDbRecord(r));
    expect(new Set(decoded.map((d) => d.record.eventID)).size).toBe(writes);
    expect(orderKinesisDynamoDbBatch(converted(records)).orderUncertain).toEqual([]);
    expect(titlesByItem(orderKinesisDynamoDbBatch(converted(records)).records)).toEqual(
      new Map([
        ['CONV#c1', ['INSERT:one', 'MODIFY:two', 'MODIFY:three', 'MODIFY:four']],
        ['CONV#c2', ['INSERT:a', 'MODIFY:b', 'MODIFY:c']],
        ['CONV#c1#TS#1', ['INSERT:', 'REMOVE:']],
        ['CONV#c9', ['INSERT:x']],
      ]),
    );
    const turn = decoded.find(
      (d) =>
        d.record.eventName === 'INSERT' &&
        (d.record.dynamodb!.Keys!.sk as { S: string }).S === 'CONV#c1#TS#1',
    )!;
    expect(turn.record.dynamodb?.NewImage?.blob).toEqual({ B: 'AQID' });
  });

  it('writes again what PutRecords failed to take: duplicates, never a lost change', async () => {
    await createMemoryTable(client, { tableName: 'bridge-b', layout: agentMemoryLayout });
    await kinesis.createStream('changes-b', 2);
    proxy = await startFaultProxy({ target: kinesis.endpoint });
    proxy.addRule({
      match: { target: 'Kinesis_20131202.PutRecords' },
      times: 2,
      fault: kinesisPartialFailure({ failIndexes: (records) => (records.length > 2 ? [2] : [0]) }),
    });
    const writes = await writeChanges('bridge-b');
    const retries: number[] = [];
    const bridge = await KinesisStreamingDestination.start({
      streams,
      kinesis: kinesis.client({ endpoint: proxy.url, maxAttempts: 1 }),
      tableName: 'bridge-b',
      kinesisStream: 'changes-b',
      idlePollMs: 20,
      onInvocation: (report) => {
        if (report.acknowledged.length < report.records.length) retries.push(report.acknowledged.length);
      },
    });
    await waitFor(() => retries.length >= 2 && bridge.stats.failedCalls >= 2, 30_000);
    const records = await (async () => {
      for (;;) {
        const read = await kinesis.readStream('changes-b');
        const ids = new Set(read.map((r) => (JSON.parse(r.data) as { eventID: string }).eventID));
        if (ids.size >= writes) return read;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await bridge.stop();
    expect(bridge.stats.lost).toBe(0);
    expect(bridge.stats.written).toBe((await kinesis.readStream('changes-b')).length);
    const batch = orderKinesisDynamoDbBatch(converted(records));
    expect(batch.records).toHaveLength(writes);
    expect(batch.duplicates.length).toBeGreaterThan(0);
    expect(titlesByItem(batch.records).get('CONV#c1')).toEqual([
      'INSERT:one',
      'MODIFY:two',
      'MODIFY:three',
      'MODIFY:four',
    ]);
  });

  it('stops: changes made after stop are not written', async () => {
    await createMemoryTable(client, { tableName: 'bridge-c', layout: agentMemoryLayout });
    await kinesis.createStream('changes-c', 1);
    await client.send(
      new PutItemCommand({
        TableName: 'bridge-c',
        Item: marshall({ pk: 'USER#u1', sk: 'CONV#c1', entity_type: 'conversation' }),
      }),
    );
    const bridge = await KinesisStreamingDestination.start({
      streams,
      kinesis: kinesis.client(),
      tableName: 'bridge-c',
      kinesisStream: 'changes-c',
      idlePollMs: 20,
    });
    await waitFor(() => bridge.stats.written === 1, 30_000);
    await bridge.stop();
    await client.send(
      new PutItemCommand({
        TableName: 'bridge-c',
        Item: marshall({ pk: 'USER#u1', sk: 'CONV#c2', entity_type: 'conversation' }),
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await kinesis.readStream('changes-c')).toHaveLength(1);
    expect(bridge.stats.written).toBe(1);
  });
});
