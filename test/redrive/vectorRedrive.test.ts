/**
 * Redrive of the vector sync's failures: its dead letters and on-failure batches hold change-log
 * records (Kinesis), and a redrive sends the changes they carry to the vector index again — S3
 * Vectors with `--deliver vector`, the local LanceDB index with `--local` — through the worker the
 * Lambda runs, so a redriven change older than what the index holds does not overwrite it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { S3VectorsClient } from '@aws-sdk/client-s3vectors';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChanges } from '../../lib/changeLog/readChanges.js';
import { registerRedrive } from '../../lib/cli/commands/redrive.js';
import { kinesisRecordAdapter } from '../../lib/delivery/recordAdapters.js';
import { LocalDeadLetterStore } from '../../lib/dev/LocalDeadLetterStore.js';
import { fixtureVector } from '../../lib/fixtures/embeddingBytes.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { LocalRedriveSource } from '../../lib/redrive/openRedriveSource.js';
import { LocalVectorSink } from '../../lib/sinks/vector/LocalVectorSink.js';
import { LanceDbIndex } from '../../lib/vector/backends/LanceDbIndex.js';
import { S3_VECTORS_NON_FILTERABLE_METADATA_KEYS } from '../../lib/vector/backends/S3VectorsIndex.js';
import { createVectorSyncHandler } from '../../lib/vector/createVectorSyncHandler.js';
import { processChangeLogBatch } from '../../lib/vector/processChangeLogBatch.js';
import { loadVectorSyncConfig } from '../../lib/vector/vectorSyncConfig.js';
import { type KinesaliteHandle, startKinesalite } from '../support/kinesalite.js';
import { runRegisteredCommand } from '../support/runRegisteredCommand.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';
import { type S3VectorsEndpoint, startS3VectorsEndpoint } from '../support/s3VectorsEndpoint.js';
import {
  type BedrockEndpoint,
  expectedEmbedding,
  startBedrockEndpoint,
} from '../vector/support/bedrockEndpoint.js';
import { changeLogEvent, kinesisRecord, oneChangePerRecord } from '../vector/support/changeLog.js';
import { DIMENSIONS, TurnTable } from '../vector/support/turnTable.js';

const DLQ = 'vector-dead-letters';
const silent = pino({ level: 'silent' });
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Runs `memory-cdc redrive …` with these environment variables set. */
const run = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  runRegisteredCommand(registerRedrive, 'redrive', args, cwd, { set: env });

/** The records of `event` that carry a change of this op (one change per record). */
function withOp(event: KinesisStreamEvent, op: string): KinesisStreamRecord[] {
  return event.Records.filter((record) => readChanges(record)[0]!.op === op);
}

describe('memory-cdc redrive of the vector sync', () => {
  let kinesis: KinesaliteHandle;
  let s3: S3rverHandle;
  let vectors: S3VectorsEndpoint;
  let bedrock: BedrockEndpoint;
  let cwd: string;
  const metricsDisabled = process.env.POWERTOOLS_METRICS_DISABLED;

  beforeAll(async () => {
    // The vector sync's metrics go to stdout (EMF) unless disabled.
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    [kinesis, s3, vectors, bedrock] = await Promise.all([
      startKinesalite(),
      startS3rver({ buckets: [DLQ] }),
      startS3VectorsEndpoint(),
      startBedrockEndpoint(),
    ]);
    cwd = await mkdtemp(join(tmpdir(), 'vector-redrive-'));
  });
  afterAll(async () => {
    if (metricsDisabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = metricsDisabled;
    await Promise.all([kinesis?.close(), s3?.close(), vectors?.close(), bedrock?.close()]);
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it('sends dead-lettered changes to S3 Vectors with --deliver vector; a stale one does not overwrite', async () => {
    // Two text-only turns and a newer text of the first: the embedder makes their vectors.
    const table = new TurnTable();
    table.putTurn('u-1', 'c-a', 't-1', 'user', 'Find me a quiet hotel.');
    table.putTurn('u-2', 'c-z', 't-5', 'user', 'Remind me tomorrow.');
    table.update('t-1', { text: 'Find me a quiet hotel in Alfama.' });
    const event = oneChangePerRecord(await changeLogEvent(kinesis, 'vector-redrive-1', table.records));
    const [inserts, newer] = [withOp(event, 'insert'), withOp(event, 'modify')];
    expect(inserts).toHaveLength(2);
    expect(newer).toHaveLength(1);

    vectors.createIndex({
      vectorBucketName: 'memory-vectors',
      indexName: 'turns-redrive',
      dimension: DIMENSIONS,
      nonFilterableMetadataKeys: [...S3_VECTORS_NON_FILTERABLE_METADATA_KEYS],
    });
    const handler = createVectorSyncHandler(
      loadVectorSyncConfig({
        MEMORY_CDC_LAYOUT: 'agent-memory',
        DEAD_LETTER_BUCKET: DLQ,
        VECTOR_BUCKET_NAME: 'memory-vectors',
        VECTOR_INDEX_NAME: 'turns-redrive',
        EMBEDDING_DIMENSIONS: String(DIMENSIONS),
        LOG_LEVEL: 'silent',
        POWERTOOLS_METRICS_DISABLED: 'true',
      }),
      {
        clients: {
          s3Vectors: new S3VectorsClient({ endpoint: vectors.url, region: 'us-east-1', credentials }),
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
        logger: silent,
      },
    );

    // 1. The embedder refuses the inserts (a misconfigured model): the vector sync dead-letters them.
    const refuse = () => ({ status: 400, type: 'ValidationException' });
    bedrock.faults.push(refuse);
    try {
      expect(await handler({ Records: inserts })).toEqual({ batchItemFailures: [] });
    } finally {
      bedrock.faults.splice(bedrock.faults.indexOf(refuse), 1);
    }
    const listed = await s3
      .client()
      .send(new ListObjectsV2Command({ Bucket: DLQ, Prefix: 'dead-letter/vector-sync/' }));
    expect(listed.Contents).toHaveLength(2);

    // 2. The cause is fixed; the newer text of t-1 arrives and is indexed.
    expect(await handler({ Records: newer })).toEqual({ batchItemFailures: [] });
    const [t1, t5] = table.surviving();
    const stored = () => vectors.vectors('memory-vectors', 'turns-redrive');
    const v2 = expectedEmbedding('Find me a quiet hotel in Alfama.', DIMENSIONS).map(Math.fround);
    expect(stored().get(t1!.vectorKey)?.data).toEqual(v2);
    expect(stored().has(t5!.vectorKey)).toBe(false);

    // 3. Redrive with the vector sync's configuration: t-5 is indexed; t-1's older insert is stale.
    const env = {
      VECTOR_BUCKET_NAME: 'memory-vectors',
      VECTOR_INDEX_NAME: 'turns-redrive',
      EMBEDDING_DIMENSIONS: String(DIMENSIONS),
      AWS_ENDPOINT_URL_S3VECTORS: vectors.url,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    };
    const args = [`s3://${DLQ}/`, '--s3-endpoint-url', s3.endpoint, '--deliver', 'vector', '--json'];
    const dry = JSON.parse(
      (await run([`s3://${DLQ}/`, '--s3-endpoint-url', s3.endpoint, '--dry-run', '--json'], cwd, env)).out,
    );
    expect(dry).toMatchObject({ failed: 0, sent: 0 });
    expect(Object.values(dry.byReason)).toEqual([2]);
    expect(Object.keys(dry.byReason)[0]).toContain('ValidationException');

    const first = await run(args, cwd, env);
    expect(first.err).toBe('');
    expect(JSON.parse(first.out)).toMatchObject({ failed: 0, sent: 2, skippedOutputs: 0 });
    expect(stored().get(t5!.vectorKey)?.data).toEqual(
      expectedEmbedding('Remind me tomorrow.', DIMENSIONS).map(Math.fround),
    );
    expect(stored().get(t1!.vectorKey)?.data).toEqual(v2);
    const marker = await s3
      .client()
      .send(new GetObjectCommand({ Bucket: DLQ, Key: `${listed.Contents![0]!.Key}.redriven.vector` }));
    expect(JSON.parse(await marker.Body!.transformToString())).toMatchObject({ outputs: 1 });

    // 4. A second run sends nothing twice.
    const puts = vectors.requests.filter((r) => r.operation === 'PutVectors').length;
    const second = JSON.parse((await run(args, cwd, env)).out);
    expect(second).toMatchObject({ sent: 0, alreadyRedriven: 2, failed: 0 });
    expect(vectors.requests.filter((r) => r.operation === 'PutVectors').length).toBe(puts);
  });

  it('sends an on-failure batch of the vector sync to the local vector index with --local; a stale change does not overwrite', async () => {
    // Turns with their own embeddings (the local index has no embedder); t-1 is changed later.
    const table = new TurnTable();
    table.putTurn('u-1', 'c-a', 't-1', 'user', 'Find me a quiet hotel.', { seed: 1 });
    table.putTurn('u-2', 'c-z', 't-5', 'user', 'Remind me tomorrow.', { seed: 5 });
    table.update('t-1', {
      text: 'Find me a quiet hotel in Alfama.',
      embedding: fixtureVector(11, DIMENSIONS),
    });
    const event = oneChangePerRecord(await changeLogEvent(kinesis, 'vector-redrive-2', table.records));
    const [inserts, newer] = [withOp(event, 'insert'), withOp(event, 'modify')];

    // The newer change is already in the local index, written by the vector sync's batch processor.
    const index = join(cwd, 'local-index');
    const sink = await LocalVectorSink.open({ directory: index });
    const applied = await processChangeLogBatch(
      { Records: newer },
      {
        layout: agentMemoryLayout,
        sink,
        deadLetters: new LocalDeadLetterStore(join(cwd, 'unused'), kinesisRecordAdapter),
        logger: silent,
      },
    );
    expect(applied.response).toEqual({ batchItemFailures: [] });
    await sink.close();

    // Lambda gave up on the batch of inserts (retries exhausted) and stored it on S3 on-failure.
    const invocation = {
      requestContext: {
        requestId: 'c9b8f2d1-0000-4000-8000-000000000003',
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:MemoryCdc-VectorSyncFunction-AbC123',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 11,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-12-07T10:00:00.000Z',
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: inserts[0]!.kinesis.sequenceNumber,
        endSequenceNumber: inserts.at(-1)!.kinesis.sequenceNumber,
        batchSize: inserts.length,
        streamArn: inserts[0]!.eventSourceARN,
      },
      payload: { Records: inserts },
    };
    await new LocalRedriveSource(join(cwd, 'vector-failures')).put(
      'aws/lambda/5c2d-esm/shardId-000000000000/2026/12/07/2026-12-07T10.00.00-v.json',
      JSON.stringify(invocation),
    );

    // `--function vector-sync` also picks the on-failure batches of its deployed function.
    const args = [
      'vector-failures',
      '--local',
      'out-v',
      '--vector-index',
      'local-index',
      '--function',
      'vector-sync',
      '--json',
    ];
    const first = await run(args, cwd);
    expect(first.err).toBe('');
    expect(JSON.parse(first.out)).toMatchObject({ failed: 0, sent: 2 });
    const [t1, t5] = table.surviving();
    const entries = new Map<string, { vector?: number[]; text?: string }>();
    const opened = await LanceDbIndex.open({ directory: index });
    for await (const entry of opened.list()) entries.set(entry.key, entry as never);
    await opened.close();
    expect(entries.get(t1!.vectorKey)?.text).toBe('Find me a quiet hotel in Alfama.');
    expect(entries.get(t5!.vectorKey)?.text).toBe('Remind me tomorrow.');

    const second = JSON.parse((await run(args, cwd)).out);
    expect(second).toMatchObject({ sent: 0, alreadyRedriven: 2 });
  });

  it('reports a dead-lettered change-log record that still cannot be read, and marks nothing', async () => {
    const folder = join(cwd, 'vector-poison');
    // The vector sync's batch processor dead-letters a record that is not a change-log record.
    const garbage = kinesisRecord(
      '49999999999999999999999999999999999999999999999999990009',
      'pk',
      'not json',
    );
    const sink = await LocalVectorSink.open({ directory: join(cwd, 'poison-index') });
    const deadLetters = new LocalDeadLetterStore(folder, kinesisRecordAdapter);
    const result0 = await processChangeLogBatch(
      { Records: [garbage] },
      { layout: agentMemoryLayout, sink, deadLetters, logger: silent },
    );
    await sink.close();
    expect(result0.response).toEqual({ batchItemFailures: [] });
    expect(deadLetters.written).toHaveLength(1);
    const result = await run(['vector-poison', '--local', 'out-p', '--json'], cwd);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.out);
    expect(summary).toMatchObject({ failed: 1, sent: 0 });
    expect(summary.objects[0].error).toMatch(/still cannot be processed: .*not base64 JSON/);
    const misplaced = await run(['vector-poison', '--dry-run', '--vector-index', 'x'], cwd);
    expect(misplaced.code).toBe(2);
    expect(misplaced.err).toContain('--vector-index goes with --local <folder>');
    const keys: string[] = [];
    for await (const key of new LocalRedriveSource(folder).list('')) keys.push(key);
    expect(keys.some((key) => key.includes('.redriven.'))).toBe(false);
  });
});
