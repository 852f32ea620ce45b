/**
 * Redrive end to end: the real router handler dead-letters a record EventBridge refuses (a poison
 * entry), the cause is fixed, the redrive sends the refused events through the same pipeline with
 * their original event ids, and they arrive once — a second redrive sends nothing.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRedrive } from '../../lib/cli/commands/redrive.js';
import { loadRouterConfig } from '../../lib/config/routerConfig.js';
import { LocalDeadLetterStore } from '../../lib/dev/LocalDeadLetterStore.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import { LocalRedriveSource, S3RedriveSource } from '../../lib/redrive/openRedriveSource.js';
import { redrive } from '../../lib/redrive/redrive.js';
import { EventBridgePublisher } from '../../lib/sinks/eventbridge/EventBridgePublisher.js';
import { KinesisPublisher } from '../../lib/sinks/kinesis/KinesisPublisher.js';
import { fromKinesisDynamoDbRecord } from '../../lib/stream/fromKinesisDynamoDbRecord.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { expiryBatch } from '../archive/expiries.js';
import { type EventBridgeEndpoint, startEventBridgeEndpoint } from '../support/eventBridgeEndpoint.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/faultProxy.js';
import { type KinesaliteHandle, startKinesalite } from '../support/kinesalite.js';
import { toKinesisDynamoDbRecords } from '../support/kinesisDynamoDbRecords.js';
import { runRegisteredCommand } from '../support/runRegisteredCommand.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';

const DLQ = 'redrive-dead-letters';
const FAST_RETRY = { maxAttempts: 2, baseDelayMs: 1, throttlingBaseDelayMs: 1, maxDelayMs: 2 };
const silent = pino({ level: 'silent' });

/** Runs `memory-cdc redrive …`. */
const run = (args: string[], cwd: string) => runRegisteredCommand(registerRedrive, 'redrive', args, cwd);

/**
 * A PutEvents answer that refuses (MalformedDetail) every entry of the poison record and passes the
 * others to the endpoint: a per-entry rejection, as EventBridge gives it.
 */
function refuseEntriesOf(streamEventId: string) {
  return faults.custom(async (request, forward) => {
    const body = JSON.parse(request.body.toString()) as { Entries: { Detail: string }[] };
    const poisoned = body.Entries.map((entry) => entry.Detail.includes(`"${streamEventId}"`));
    const rest = body.Entries.filter((_, i) => !poisoned[i]);
    let answered: { EventId?: string; ErrorCode?: string }[] = [];
    let base = {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' } as Record<string, string>,
    };
    if (rest.length > 0) {
      const answer = await forward({
        ...request,
        body: Buffer.from(JSON.stringify({ ...body, Entries: rest })),
      });
      answered = (JSON.parse(answer.body.toString()) as { Entries: { EventId?: string }[] }).Entries;
      base = { status: answer.status, headers: answer.headers as Record<string, string> };
    }
    const entries = poisoned.map((bad) =>
      bad ? { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' } : answered.shift()!,
    );
    const reply = { FailedEntryCount: entries.filter((e) => e.ErrorCode).length, Entries: entries };
    return { ...base, body: Buffer.from(JSON.stringify(reply)) };
  });
}

describe('memory-cdc redrive', () => {
  let s3: S3rverHandle;
  let bus: EventBridgeEndpoint;
  let proxy: FaultProxy;
  let kinesis: KinesaliteHandle;
  let cwd: string;
  const { records } = expiryBatch({ users: 1, conversationsPerUser: 1, turns: 3 });
  const writes = records.filter((record) => record.eventName === 'INSERT');
  const poison = writes.find((record) => JSON.stringify(record.dynamodb?.NewImage).includes('"turn"'))!;
  const arrivalsOf = (record: StreamRecord) =>
    bus.accepted.filter((event) => (event.detail.origin as { eventId?: string })?.eventId === record.eventID);

  beforeAll(async () => {
    s3 = await startS3rver({ buckets: [DLQ, 'redrive-claims'] });
    bus = await startEventBridgeEndpoint();
    proxy = await startFaultProxy({ target: bus.url });
    kinesis = await startKinesalite();
    await kinesis.createStream('memory-changes');
    cwd = await mkdtemp(join(tmpdir(), 'redrive-'));
  });
  afterAll(async () => {
    await proxy?.close();
    await bus?.close();
    await kinesis?.close();
    await s3?.close();
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it('sends a refused event again once the cause is fixed, with its original id, and only once', async () => {
    // 1. The router meets a record EventBridge refuses: it dead-letters it and moves on.
    proxy.addRule({ match: { method: 'POST' }, fault: refuseEntriesOf(poison.eventID!) });
    const env = {
      MEMORY_CDC_LAYOUT: 'agent-memory',
      EVENT_BUS_NAME: 'memory-events',
      CHANGE_LOG_STREAM_NAME: 'memory-changes',
      CLAIM_CHECK_BUCKET: 'redrive-claims',
      DEAD_LETTER_BUCKET: DLQ,
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    const { createRouterHandler } = await import('../../lib/delivery/createRouterHandler.js');
    const handler = createRouterHandler(loadRouterConfig(env), {
      clients: {
        eventBridge: bus.client({ endpoint: proxy.url, maxAttempts: 1 }),
        kinesis: kinesis.client({ maxAttempts: 1 }),
        s3: s3.client({ maxAttempts: 1 }),
      },
      retry: FAST_RETRY,
      logger: silent,
    });
    const response = await handler({ Records: writes });
    expect(response.batchItemFailures).toEqual([]);
    expect(arrivalsOf(poison)).toEqual([]);
    const pipeline = createPipeline({ layout: agentMemoryLayout });
    const owed = pipeline.process(poison).outputs.filter((o) => o.sink === 'eventbridge');
    expect(owed.length).toBeGreaterThan(0);
    const kinesisBefore = (await kinesis.readStream('memory-changes')).length;

    // 2. The cause is fixed.
    proxy.clearRules();

    // 3. Redrive: grouped by reason on a dry run, then sent.
    const source = new S3RedriveSource(s3.client({ maxAttempts: 1 }), DLQ, '');
    const sinks = [
      new EventBridgePublisher({
        client: bus.client({ maxAttempts: 1 }),
        eventBusName: 'memory-events',
        retry: FAST_RETRY,
      }),
      new KinesisPublisher({
        client: kinesis.client({ maxAttempts: 1 }),
        stream: 'memory-changes',
        retry: FAST_RETRY,
      }),
    ];
    const dry = await redrive({ source, pipeline, sinks, dryRun: true });
    expect(dry.objects).toHaveLength(1);
    expect(Object.entries(dry.byReason)).toEqual([
      [expect.stringMatching(/^eventbridge: MalformedDetail/), 1],
    ]);
    expect(arrivalsOf(poison)).toEqual([]);

    const first = await redrive({ source, pipeline, sinks });
    expect(first).toMatchObject({ failed: 0, sent: owed.length });
    const arrived = arrivalsOf(poison);
    expect(arrived.map((event) => event.detail.eventId).sort()).toEqual(owed.map((o) => o.eventId).sort());
    // Only what was refused: the record's change-log entry had been accepted, and is not sent again.
    expect((await kinesis.readStream('memory-changes')).length).toBe(kinesisBefore);

    // 4. A second run sends nothing twice.
    const second = await redrive({ source, pipeline, sinks });
    expect(second).toMatchObject({ sent: 0, alreadyRedriven: owed.length });
    expect(arrivalsOf(poison)).toHaveLength(owed.length);
  });

  it('works from a local folder from the command line: dry run by reason, local files, nothing twice', async () => {
    const folder = join(cwd, '.memory-cdc');
    await new LocalDeadLetterStore(folder).write({
      version: '1',
      function: 'router',
      reason: 'prepare: NewImage has an unknown attribute type',
      failures: [{ stage: 'prepare', reason: 'NewImage has an unknown attribute type' }],
      record: poison,
      deadLetteredAt: '2026-12-07T10:00:00.000Z',
    });
    const dry = await run(['.memory-cdc', '--dry-run'], cwd);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(
      '1 object(s) to redrive, by reason:\n  1  prepare: NewImage has an unknown attribute type',
    );

    const sent = await run(['.memory-cdc', '--local', 'out-1'], cwd);
    expect(sent.err).toBe('');
    expect(sent.code).toBe(0);
    const events = (await readFile(join(cwd, 'out-1', 'eventbridge.jsonl'), 'utf8')).trim().split('\n');
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((line) => JSON.parse(line).detail.origin.eventId === poison.eventID)).toBe(true);

    const again = await run(['.memory-cdc', '--local', 'out-2'], cwd);
    expect(again.out).toContain('Sent 0 output(s)');
    expect(await readFile(join(cwd, 'out-2', 'eventbridge.jsonl'), 'utf8')).toBe('');
  });

  it("reads the batches Lambda's S3 on-failure destination stored, payload as text or as JSON", async () => {
    const folder = join(cwd, 'on-failure');
    const batch = writes.slice(0, 3);
    const invocation = (payload: unknown) => ({
      requestContext: {
        requestId: 'c9b8f2d1-0000-4000-8000-000000000001',
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:MemoryCdc-RouterFunction-AbC123',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 11,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-12-07T10:00:00.000Z',
      DDBStreamBatchInfo: {
        shardId: 'shardId-00000001700000000000-abcdef01',
        startSequenceNumber: batch[0]!.dynamodb!.SequenceNumber,
        endSequenceNumber: batch.at(-1)!.dynamodb!.SequenceNumber,
        batchSize: batch.length,
        streamArn: batch[0]!.eventSourceARN,
      },
      payload,
    });
    const prefix = 'aws/lambda/3f2a-esm/shardId-00000001700000000000-abcdef01/2026/12/07';
    const source = new LocalRedriveSource(folder);
    await source.put(
      `${prefix}/2026-12-07T10.00.00-a.json`,
      JSON.stringify(invocation(JSON.stringify({ Records: batch }))),
    );
    await source.put(`${prefix}/2026-12-07T10.05.00-b.json`, JSON.stringify(invocation({ Records: batch })));

    const dry = await run(['on-failure', '--dry-run'], cwd);
    expect(dry.out).toContain('2 object(s) to redrive, by reason:\n  2  RetryAttemptsExhausted (Unhandled)');
    const sent = await run(['on-failure', '--local', 'out-3', '--json'], cwd);
    const summary = JSON.parse(sent.out);
    const owed = batch.flatMap((r) => createPipeline({ layout: agentMemoryLayout }).process(r).outputs);
    const forRouter = owed.filter((o) => o.sink === 'eventbridge' || o.sink === 'kinesis').length;
    expect(summary).toMatchObject({ failed: 0, sent: 2 * forRouter });
    expect((await run(['on-failure', '--local', 'out-4', '--json'], cwd)).out).toContain('"sent":0');
  });

  it('redrives a Kinesis-sourced router batch as the changes it carries, with the ids the router gives them', async () => {
    const folder = join(cwd, 'on-failure-kinesis');
    const batch = toKinesisDynamoDbRecords(writes.slice(0, 3));
    const invocation = {
      requestContext: {
        requestId: 'c9b8f2d1-0000-4000-8000-000000000002',
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:MemoryCdc-RouterFunction-AbC123',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 11,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-12-07T10:00:00.000Z',
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: batch[0]!.kinesis.sequenceNumber,
        endSequenceNumber: batch.at(-1)!.kinesis.sequenceNumber,
        batchSize: batch.length,
        streamArn: batch[0]!.eventSourceARN,
      },
      payload: { Records: batch },
    };
    await new LocalRedriveSource(folder).put(
      'aws/lambda/4b1c-esm/shardId-000000000000/2026/12/07/2026-12-07T10.00.00-k.json',
      JSON.stringify(invocation),
    );
    const sent = JSON.parse((await run(['on-failure-kinesis', '--local', 'out-k', '--json'], cwd)).out);
    const pipeline = createPipeline({ layout: agentMemoryLayout });
    const owed = batch
      .flatMap((r) => pipeline.process(fromKinesisDynamoDbRecord(r).record).outputs)
      .filter((o) => o.sink === 'eventbridge');
    expect(sent).toMatchObject({ failed: 0 });
    const events = (await readFile(join(cwd, 'out-k', 'eventbridge.jsonl'), 'utf8')).trim().split('\n');
    expect(
      events.map((line) => (JSON.parse(line) as { detail: { eventId: string } }).detail.eventId).sort(),
    ).toEqual(owed.map((o) => o.eventId).sort());
  });

  it('asks for exactly one of --dry-run, --deliver and --local', async () => {
    const result = await run(['.memory-cdc'], cwd);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/exactly one of --dry-run .* --deliver .* --local/);
  });
});
