/**
 * Redrive of a router that writes the TTL archive itself (the one-reader layout: ARCHIVE_BUCKET set):
 * its dead letter of a TTL expiry whose archive object S3 refused resends that archive object — and
 * only it — while a two-reader router's dead letters never start archiving (the archiver owns that).
 * What a router owed is read from its dead letter (`owes`, and the sinks its failures name).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRedrive } from '../../lib/cli/commands/redrive.js';
import { loadRouterConfig } from '../../lib/config/routerConfig.js';
import { createRouterHandler } from '../../lib/delivery/createRouterHandler.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import { LocalRedriveSource } from '../../lib/redrive/openRedriveSource.js';
import { expiryBatch } from '../archive/expiries.js';
import { type EventBridgeEndpoint, startEventBridgeEndpoint } from '../support/eventBridgeEndpoint.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/faultProxy.js';
import { type KinesaliteHandle, startKinesalite } from '../support/kinesalite.js';
import { runRegisteredCommand } from '../support/runRegisteredCommand.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';

const FAST_RETRY = { maxAttempts: 2, baseDelayMs: 1, throttlingBaseDelayMs: 1, maxDelayMs: 2 };
const silent = pino({ level: 'silent' });

/** Runs `memory-cdc redrive …` with these environment variables set. */
const run = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  runRegisteredCommand(registerRedrive, 'redrive', args, cwd, { set: env });

describe('memory-cdc redrive of the router in either layout', () => {
  let s3: S3rverHandle;
  let s3Proxy: FaultProxy;
  let busProxy: FaultProxy;
  let bus: EventBridgeEndpoint;
  let kinesis: KinesaliteHandle;
  let cwd: string;
  const metricsDisabled = process.env.POWERTOOLS_METRICS_DISABLED;
  const { records, expiries } = expiryBatch({ users: 1, conversationsPerUser: 1, turns: 2 });
  const pipeline = createPipeline({ layout: agentMemoryLayout });
  const archiveOutputs = expiries.flatMap((r) =>
    pipeline.process(r).outputs.filter((o) => o.sink === 'archive'),
  );

  beforeAll(async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    [s3, bus, kinesis] = await Promise.all([
      startS3rver({ buckets: ['one-reader-dlq', 'two-reader-dlq', 'router-claims', 'router-archive'] }),
      startEventBridgeEndpoint(),
      startKinesalite(),
    ]);
    s3Proxy = await startFaultProxy({ target: s3.endpoint });
    busProxy = await startFaultProxy({ target: bus.url });
    await kinesis.createStream('router-changes');
    cwd = await mkdtemp(join(tmpdir(), 'router-redrive-'));
  });
  afterAll(async () => {
    if (metricsDisabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = metricsDisabled;
    await Promise.all([s3Proxy?.close(), busProxy?.close()]);
    await Promise.all([s3?.close(), bus?.close(), kinesis?.close()]);
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  /** The real router, its S3 and EventBridge calls through the fault proxies. */
  function router(env: Record<string, string>) {
    return createRouterHandler(
      loadRouterConfig({
        MEMORY_CDC_LAYOUT: 'agent-memory',
        EVENT_BUS_NAME: 'memory-events',
        CHANGE_LOG_STREAM_NAME: 'router-changes',
        CLAIM_CHECK_BUCKET: 'router-claims',
        POWERTOOLS_METRICS_DISABLED: 'true',
        ...env,
      }),
      {
        clients: {
          eventBridge: bus.client({ endpoint: busProxy.url, maxAttempts: 1 }),
          kinesis: kinesis.client({ maxAttempts: 1 }),
          s3: s3.client({ endpoint: s3Proxy.url, maxAttempts: 1 }),
        },
        retry: FAST_RETRY,
        logger: silent,
      },
    );
  }

  async function keys(bucket: string, prefix: string): Promise<string[]> {
    const listed = await s3.client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (listed.Contents ?? []).map((object) => object.Key!);
  }

  it('one-reader layout: resends the archive object S3 refused, and nothing else', async () => {
    expect(archiveOutputs.length).toBeGreaterThan(0);
    // 1. S3 refuses the archive objects (a bucket policy denying the writes, say): dead letters.
    s3Proxy.addRule({
      match: { method: 'PUT', path: /^\/router-archive\// },
      fault: faults.s3Error(400, 'InvalidArgument', 'Refused.'),
    });
    const handler = router({ DEAD_LETTER_BUCKET: 'one-reader-dlq', ARCHIVE_BUCKET: 'router-archive' });
    expect((await handler({ Records: records })).batchItemFailures).toEqual([]);
    const letters = await keys('one-reader-dlq', 'dead-letter/router/');
    expect(letters).toHaveLength(expiries.length);
    const letter = JSON.parse(
      await (
        await s3.client().send(new GetObjectCommand({ Bucket: 'one-reader-dlq', Key: letters[0] }))
      ).Body!.transformToString(),
    );
    expect(letter.owes).toEqual(['eventbridge', 'kinesis', 'archive']);
    expect(letter.failures).toEqual([expect.objectContaining({ stage: 'deliver', sink: 'archive' })]);
    expect(await keys('router-archive', '')).toEqual([]);

    // 2. The cause is fixed; redrive to every sink the environment configures.
    s3Proxy.clearRules();
    const events = bus.accepted.length;
    const changes = (await kinesis.readStream('router-changes')).length;
    const env = {
      EVENT_BUS_NAME: 'memory-events',
      CHANGE_LOG_STREAM_NAME: 'router-changes',
      ARCHIVE_BUCKET: 'router-archive',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.url,
      AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    };
    const args = ['s3://one-reader-dlq/', '--s3-endpoint-url', s3.endpoint, '--deliver', '--json'];
    const first = await run(args, cwd, env);
    expect(first.err).toBe('');
    expect(JSON.parse(first.out)).toMatchObject({
      failed: 0,
      sent: archiveOutputs.length,
      skippedOutputs: 0,
    });
    expect(await keys('router-archive', 'archive/')).toHaveLength(archiveOutputs.length);
    // Only what S3 refused: the events and change-log entries were accepted before.
    expect(bus.accepted.length).toBe(events);
    expect((await kinesis.readStream('router-changes')).length).toBe(changes);

    // 3. A second run sends nothing twice.
    const second = JSON.parse((await run(args, cwd, env)).out);
    expect(second).toMatchObject({ sent: 0, alreadyRedriven: archiveOutputs.length });
  });

  it('two-reader layout: a router dead letter of a TTL expiry never starts archiving', async () => {
    // EventBridge refuses every entry: the router dead-letters every record, expiries included.
    busProxy.addRule({
      match: { method: 'POST' },
      fault: faults.jsonError(400, 'ValidationException', 'Refused.'),
    });
    const handler = router({ DEAD_LETTER_BUCKET: 'two-reader-dlq' });
    try {
      expect((await handler({ Records: records })).batchItemFailures).toEqual([]);
    } finally {
      busProxy.clearRules();
    }
    const letters = await keys('two-reader-dlq', 'dead-letter/router/');
    expect(letters.length).toBeGreaterThanOrEqual(expiries.length);
    const letter = JSON.parse(
      await (
        await s3.client().send(new GetObjectCommand({ Bucket: 'two-reader-dlq', Key: letters[0] }))
      ).Body!.transformToString(),
    );
    expect(letter.owes).toEqual(['eventbridge', 'kinesis']);
    const result = await run(
      ['s3://two-reader-dlq/', '--s3-endpoint-url', s3.endpoint, '--local', 'out-two', '--json'],
      cwd,
      { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' },
    );
    expect(result.err).toBe('');
    expect(JSON.parse(result.out)).toMatchObject({ failed: 0, skippedOutputs: 0 });
    const sent = (await readFile(join(cwd, 'out-two', 'eventbridge.jsonl'), 'utf8')).trim().split('\n');
    const expiryIds = new Set(expiries.map((r) => r.eventID));
    expect(sent.some((line) => expiryIds.has(JSON.parse(line).detail.origin.eventId))).toBe(true);
    expect(existsSync(join(cwd, 'out-two', 'archive'))).toBe(false);
  });

  it('an on-failure batch of the router (which does not say what it owed) archives only with --router-archives', async () => {
    const invocation = {
      requestContext: {
        requestId: 'c9b8f2d1-0000-4000-8000-000000000004',
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:MemoryCdc-RouterFunction-AbC123',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 11,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-12-07T10:00:00.000Z',
      payload: { Records: expiries },
    };
    await new LocalRedriveSource(join(cwd, 'router-failures')).put(
      'aws/lambda/6d3e-esm/shardId-00000001700000000000-abcdef01/2026/12/07/2026-12-07T10.00.00-r.json',
      JSON.stringify(invocation),
    );
    const twoReader = JSON.parse((await run(['router-failures', '--local', 'out-or-2', '--json'], cwd)).out);
    expect(twoReader).toMatchObject({ failed: 0 });
    expect(existsSync(join(cwd, 'out-or-2', 'archive'))).toBe(false);

    const oneReader = await run(
      ['router-failures', '--local', 'out-or-1', '--router-archives', '--json'],
      cwd,
    );
    expect(oneReader.err).toBe('');
    // Only the archive is new: the other sinks' markers were written by the first run.
    expect(JSON.parse(oneReader.out)).toMatchObject({ failed: 0, sent: archiveOutputs.length });
    expect(existsSync(join(cwd, 'out-or-1', 'archive'))).toBe(true);

    // The real archive needs its bucket named, as the functions have it.
    delete process.env.ARCHIVE_BUCKET;
    const unnamed = await run(['router-failures', '--deliver', 'archive'], cwd);
    expect(unnamed.code).toBe(2);
    expect(unnamed.err).toContain('--deliver archive needs ARCHIVE_BUCKET set');
  });
});
