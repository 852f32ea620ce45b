import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { S3VectorsClient } from '@aws-sdk/client-s3vectors';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { KinesisStreamEvent } from 'aws-lambda';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readChanges } from '../../lib/changeLog/readChanges.js';
import { fixtureVector } from '../../lib/fixtures/embeddingBytes.js';
import { S3ClaimCheckStore } from '../../lib/sinks/claimCheck/S3ClaimCheckStore.js';
import { S3_VECTORS_NON_FILTERABLE_METADATA_KEYS } from '../../lib/vector/backends/S3VectorsIndex.js';
import { loadVectorSyncConfig, type VectorSyncConfig } from '../../lib/vector/vectorSyncConfig.js';
import { type KinesaliteHandle, startKinesalite } from '../support/kinesalite.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';
import { type S3VectorsEndpoint, startS3VectorsEndpoint } from '../support/s3VectorsEndpoint.js';
import { type BedrockEndpoint, expectedEmbedding, startBedrockEndpoint } from './support/bedrockEndpoint.js';
import { changeLogEvent, kinesisRecord, oneChangePerRecord } from './support/changeLog.js';
import { DIMENSIONS, TurnTable } from './support/turnTable.js';

let kinesis: KinesaliteHandle;
let s3: S3rverHandle;
let vectors: S3VectorsEndpoint;
let bedrock: BedrockEndpoint;
let indexCount = 0;
let createVectorSyncHandler: typeof import('../../lib/vector/createVectorSyncHandler.js')['createVectorSyncHandler'];

/** The environment the module-level handler is built from when the module loads. */
const MODULE_ENV = {
  MEMORY_CDC_LAYOUT: 'agent-memory',
  DEAD_LETTER_BUCKET: 'dead-letters',
  VECTOR_BUCKET_NAME: 'memory-vectors',
  VECTOR_INDEX_NAME: 'turns',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

beforeAll(async () => {
  Object.assign(process.env, MODULE_ENV);
  // The Lambda entry point builds its handler from the environment when imported.
  const entry = await import('../../functions/vector-sync.js');
  expect(typeof entry.handler).toBe('function');
  createVectorSyncHandler = (await import('../../lib/vector/createVectorSyncHandler.js'))
    .createVectorSyncHandler;
  [kinesis, s3, vectors, bedrock] = await Promise.all([
    startKinesalite(),
    startS3rver({ buckets: ['dead-letters', 'claim-checks'] }),
    startS3VectorsEndpoint(),
    startBedrockEndpoint(),
  ]);
});
afterAll(async () => {
  await Promise.all([kinesis.close(), s3.close(), vectors.close(), bedrock.close()]);
});

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A handler on a fresh index, wired to the local endpoints, with fast retries. */
function setup(env: Record<string, string> = {}) {
  const indexName = `turns-${++indexCount}`;
  vectors.createIndex({
    vectorBucketName: 'memory-vectors',
    indexName,
    dimension: DIMENSIONS,
    nonFilterableMetadataKeys: [...S3_VECTORS_NON_FILTERABLE_METADATA_KEYS],
  });
  const config: VectorSyncConfig = loadVectorSyncConfig({
    MEMORY_CDC_LAYOUT: 'agent-memory',
    DEAD_LETTER_BUCKET: 'dead-letters',
    VECTOR_BUCKET_NAME: 'memory-vectors',
    VECTOR_INDEX_NAME: indexName,
    EMBEDDING_DIMENSIONS: String(DIMENSIONS),
    DELIVERY_MAX_ATTEMPTS: '3',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const handler = createVectorSyncHandler(config, {
    clients: {
      s3Vectors: new S3VectorsClient({
        endpoint: vectors.url,
        region: 'us-east-1',
        credentials,
        maxAttempts: 1,
      }),
      bedrock: new BedrockRuntimeClient({
        endpoint: bedrock.url,
        region: 'us-east-1',
        credentials,
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler(),
      }),
      s3: s3.client({ maxAttempts: 1 }),
    },
    retry: { baseDelayMs: 1, throttlingBaseDelayMs: 1, maxDelayMs: 5 },
    logger: pino({ level: 'silent' }),
  });
  return { handler, stored: () => vectors.vectors('memory-vectors', indexName) };
}

/** The story of the worker tests, plus items the index does not follow (a conversation). */
function story(): TurnTable {
  const table = new TurnTable();
  table.sim.put({ pk: 'USER#u-1', sk: 'CONV#c-a', title: 'Lisbon', turn_count: 0 });
  table.putTurn('u-1', 'c-a', 't-1', 'user', 'Find me a quiet hotel in Alfama.', { seed: 1, binary: true });
  table.putTurn('u-1', 'c-a', 't-2', 'assistant', 'Here are three quiet hotels.', { seed: 2 });
  table.putTurn('u-1', 'c-a', 't-3', 'user', 'Is breakfast included?');
  table.putTurn('u-2', 'c-z', 't-4', 'user', 'Remind me tomorrow.');
  table.update('t-1', {
    text: 'Find me a quiet hotel in Alfama for March.',
    embedding: fixtureVector(11, DIMENSIONS),
  });
  table.update('t-2', { feedback: 'thumbs_up' });
  table.update('t-3', { text: 'Is breakfast included, and from when?' });
  table.delete('t-2');
  table.expire('t-4');
  table.sim.update({ pk: 'USER#u-1', sk: 'CONV#c-a' }, { turn_count: 3 });
  return table;
}

/** Asserts the S3 Vectors index holds exactly the surviving turns with their vectors and metadata. */
function expectIndexEquals(
  stored: Map<string, { data: number[]; metadata: Record<string, unknown> | undefined }>,
  table: TurnTable,
) {
  const live = [...stored].filter(([, v]) => v.metadata?.deleted === false);
  const surviving = table.surviving();
  expect(live.map(([key]) => key).sort()).toEqual(surviving.map((t) => t.vectorKey).sort());
  for (const turn of surviving) {
    const v = stored.get(turn.vectorKey)!;
    const expected = turn.embedding ?? expectedEmbedding(turn.text, DIMENSIONS);
    expect(v.data).toEqual(expected.map((x) => Math.fround(x)));
    expect(v.metadata).toMatchObject({
      userId: turn.userId,
      conversationId: turn.conversationId,
      role: turn.role,
    });
    expect(typeof v.metadata?.timestamp).toBe('number');
  }
}

async function deadLetterKeys(): Promise<string[]> {
  const client = s3.client();
  const listed = await client.send(
    new ListObjectsV2Command({ Bucket: 'dead-letters', Prefix: 'dead-letter/vector-sync/' }),
  );
  return (listed.Contents ?? []).map((o) => o.Key!);
}

describe('vector-sync handler', () => {
  test('syncs the change log into S3 Vectors: the index holds exactly the surviving turns', async () => {
    const table = story();
    const event = await changeLogEvent(kinesis, 'changes-1', table.records);
    const { handler, stored } = setup();
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expectIndexEquals(stored(), table);
    const tombstones = [...stored().values()].filter((v) => v.metadata?.deleted === true);
    expect(tombstones).toHaveLength(2);
  });

  test('a second delivery of the whole log writes nothing and embeds nothing', async () => {
    const table = story();
    const event = await changeLogEvent(kinesis, 'changes-2', table.records);
    const { handler, stored } = setup();
    await handler(event);
    const calls = bedrock.calls;
    const puts = vectors.requests.filter((r) => r.operation === 'PutVectors').length;
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(bedrock.calls).toBe(calls);
    expect(vectors.requests.filter((r) => r.operation === 'PutVectors').length).toBe(puts);
    expectIndexEquals(stored(), table);
  });

  test('throttled writes are retried a bounded number of times, then reported by Kinesis sequence number', async () => {
    const table = story();
    // One change per record, so which records are reported shows which changes were applied.
    const event = oneChangePerRecord(await changeLogEvent(kinesis, 'changes-3', table.records));
    const { handler, stored } = setup();
    const throttle = () => ({ status: 429, type: 'TooManyRequestsException' });
    const rule = ({ operation }: { operation: string }) =>
      operation === 'PutVectors' ? throttle() : undefined;
    vectors.faults.push(rule);
    const before = vectors.requests.filter((r) => r.operation === 'PutVectors').length;
    let response: Awaited<ReturnType<typeof handler>>;
    try {
      response = await handler(event);
    } finally {
      vectors.faults.splice(vectors.faults.indexOf(rule), 1);
    }
    // Three attempts (DELIVERY_MAX_ATTEMPTS), each one PutVectors request.
    expect(vectors.requests.filter((r) => r.operation === 'PutVectors').length - before).toBe(3);
    // Reported: the first record the index does not reflect and every later one (Kinesis sequence
    // numbers). Records before it were acknowledged: the conversation item, and turn changes a newer
    // change of the same turn in the batch supersedes.
    const sequenceNumbers = event.Records.map((r) => r.kinesis.sequenceNumber);
    const reported = response.batchItemFailures.map((f) => f.itemIdentifier);
    const first = sequenceNumbers.indexOf(reported[0]!);
    expect(first).toBeGreaterThan(0);
    expect(reported).toEqual(sequenceNumbers.slice(first));
    // Lambda resumes at the lowest reported record: the retry converges.
    const retry: KinesisStreamEvent = { Records: event.Records.slice(first) };
    expect(await handler(retry)).toEqual({ batchItemFailures: [] });
    expectIndexEquals(stored(), table);
  });

  test('a transient throttle is absorbed within the invocation', async () => {
    const table = story();
    const event = await changeLogEvent(kinesis, 'changes-4', table.records);
    const { handler, stored } = setup();
    let throttled = 0;
    const rule = ({ operation }: { operation: string }) =>
      operation === 'PutVectors' && throttled++ === 0
        ? { status: 503, type: 'ServiceUnavailableException' }
        : undefined;
    vectors.faults.push(rule);
    try {
      expect(await handler(event)).toEqual({ batchItemFailures: [] });
    } finally {
      vectors.faults.splice(vectors.faults.indexOf(rule), 1);
    }
    expect(throttled).toBeGreaterThan(1);
    expectIndexEquals(stored(), table);
  });

  test('poison records are dead-lettered to S3 with the reason, and the batch moves on', async () => {
    const table = new TurnTable();
    table.putTurn('u-1', 'c-a', 't-1', 'user', 'Fine turn.', { seed: 1 });
    table.putTurn('u-1', 'c-a', 't-2', 'user', 'Wrong size.', { seed: 2 });
    const event = await changeLogEvent(kinesis, 'changes-5', table.records);
    // Both turns are of one conversation: one change-log record carries them, in order.
    expect(event.Records).toHaveLength(1);
    // The second turn's own embedding has 8 dimensions instead of 256: the first is still applied,
    // and the record is dead-lettered for the second.
    const second = event.Records[0]!;
    const data = JSON.parse(Buffer.from(second.kinesis.data, 'base64').toString('utf8'));
    expect(data.changes).toHaveLength(2);
    data.changes[1].after.embedding = fixtureVector(2, 8);
    second.kinesis.data = Buffer.from(JSON.stringify(data)).toString('base64');
    const garbage = kinesisRecord(
      '49999999999999999999999999999999999999999999999999990001',
      'pk',
      'not json',
    );
    const { handler, stored } = setup();
    expect(await handler({ Records: [...event.Records, garbage] })).toEqual({ batchItemFailures: [] });
    expect([...stored().keys()]).toHaveLength(1);
    const keys = await deadLetterKeys();
    expect(keys).toEqual(
      expect.arrayContaining([
        expect.stringContaining(encodeURIComponent(second.kinesis.sequenceNumber)),
        expect.stringContaining(garbage.kinesis.sequenceNumber),
      ]),
    );
    const object = await s3.client().send(
      new GetObjectCommand({
        Bucket: 'dead-letters',
        Key: keys.find((k) => k.includes(second.kinesis.sequenceNumber))!,
      }),
    );
    const letter = JSON.parse(await object.Body!.transformToString());
    expect(letter).toMatchObject({
      version: '1',
      function: 'vector-sync',
      record: { kinesis: { sequenceNumber: second.kinesis.sequenceNumber } },
    });
    expect(letter.reason).toContain('DimensionMismatchError');
  });

  test('a poison record whose dead letter cannot be written is reported, never dropped', async () => {
    const { handler } = setup({ DEAD_LETTER_BUCKET: 'no-such-bucket' });
    const garbage = kinesisRecord(
      '49999999999999999999999999999999999999999999999999990002',
      'pk',
      '{"half":',
    );
    const response = await handler({ Records: [garbage] });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: garbage.kinesis.sequenceNumber }]);
  });

  test('a turn too large for a Kinesis record is claim-checked by the router and read back from S3', async () => {
    const table = new TurnTable();
    const long = `A long answer. ${'The hotel is quiet and near the tram. '.repeat(400)}`;
    table.putTurn('u-1', 'c-a', 't-1', 'assistant', long);
    const claimCheck = new S3ClaimCheckStore({
      client: s3.client({ maxAttempts: 1 }),
      bucket: 'claim-checks',
    });
    const event = await changeLogEvent(kinesis, 'changes-6', table.records, {
      claimCheck,
      maxRecordBytes: 8192,
    });
    const [detail] = readChanges(event.Records[0]!);
    expect(detail!.claimCheck).toBeDefined();
    expect(detail!.after).toBeUndefined();
    const { handler, stored } = setup();
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expectIndexEquals(stored(), table);
    expect(bedrock.embedded).toContain(long);
  });
});
