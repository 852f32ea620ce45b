/**
 * Redrive of a stack beside two tables with different layouts (agent-memory and Mastra): the real
 * router dead-letters the records of both (EventBridge refuses every entry), and a redrive sends
 * them as the router would have — each table's records read with its own layout, so the same
 * detail-types and event ids the router emits when delivery succeeds. The layouts come from the
 * functions' variables (MEMORY_CDC_LAYOUT, MEMORY_CDC_TABLE_LAYOUTS), from --layout and
 * --table-layouts, or, none given, are detected per table; a table no preset fits flows as entity
 * `unknown`, with replay's warning.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRedrive } from '../../lib/cli/commands/redrive.js';
import { loadRouterConfig } from '../../lib/config/routerConfig.js';
import { createRouterHandler } from '../../lib/delivery/createRouterHandler.js';
import { LocalDeadLetterStore } from '../../lib/dev/LocalDeadLetterStore.js';
import { LocalRedriveSource } from '../../lib/redrive/openRedriveSource.js';
import { loadFixtureFile } from '../../lib/replay/loadFixtureFile.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { type EventBridgeEndpoint, startEventBridgeEndpoint } from '../support/eventBridgeEndpoint.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/faultProxy.js';
import { type KinesaliteHandle, startKinesalite } from '../support/kinesalite.js';
import { runRegisteredCommand } from '../support/runRegisteredCommand.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';

const FAST_RETRY = { maxAttempts: 2, baseDelayMs: 1, throttlingBaseDelayMs: 1, maxDelayMs: 2 };
const silent = pino({ level: 'silent' });
const DLQ = 'layouts-dlq';
const MASTRA_TABLE = 'mastra-single-table';
const LAYOUT_VARIABLES = ['MEMORY_CDC_LAYOUT', 'MEMORY_CDC_TABLE_LAYOUTS'];

/** Runs `memory-cdc redrive …` with exactly these layout variables (others of the test's environment unset). */
const run = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  runRegisteredCommand(registerRedrive, 'redrive', args, cwd, { set: env, unset: LAYOUT_VARIABLES });

/** An event as compared here: its detail-type and id. */
type Sent = { detailType: string; eventId: string };

const sorted = (events: Sent[]) =>
  events.map((e) => `${e.detailType} ${e.eventId}`).sort((a, b) => a.localeCompare(b));

/** The EventBridge events a `--local` redrive wrote. */
async function localEvents(
  folder: string,
): Promise<{ 'detail-type': string; detail: Record<string, unknown> }[]> {
  const text = await readFile(join(folder, 'eventbridge.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

async function localSent(folder: string): Promise<Sent[]> {
  return (await localEvents(folder)).map((e) => ({
    detailType: e['detail-type'],
    eventId: e.detail.eventId as string,
  }));
}

describe('memory-cdc redrive of a stack beside tables with different layouts', () => {
  let s3: S3rverHandle;
  let bus: EventBridgeEndpoint;
  let busProxy: FaultProxy;
  let kinesis: KinesaliteHandle;
  let cwd: string;
  let agentRecords: StreamRecord[];
  let mastraRecords: StreamRecord[];
  /** What the router emits for both tables' records when delivery succeeds. */
  let delivered: Sent[];
  /** The router's dead letters, by key, as it wrote them. */
  const letters = new Map<string, string>();
  const metricsDisabled = process.env.POWERTOOLS_METRICS_DISABLED;
  const routerEnv = {
    MEMORY_CDC_LAYOUT: 'agent-memory',
    MEMORY_CDC_TABLE_LAYOUTS: JSON.stringify({ [MASTRA_TABLE]: 'mastra' }),
  };

  /** A copy of the router's dead letters in a local folder (a redrive marks what it sent in its source). */
  async function copyOfLetters(name: string): Promise<string> {
    const source = new LocalRedriveSource(join(cwd, name));
    for (const [key, body] of letters) await source.put(key, body);
    return name;
  }

  beforeAll(async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    [s3, bus, kinesis] = await Promise.all([
      startS3rver({ buckets: [DLQ, 'layouts-claims'] }),
      startEventBridgeEndpoint(),
      startKinesalite(),
    ]);
    busProxy = await startFaultProxy({ target: bus.url });
    await kinesis.createStream('layouts-changes');
    cwd = await mkdtemp(join(tmpdir(), 'redrive-layouts-'));
    agentRecords = await loadFixtureFile('events/agent-memory/conversation.json');
    mastraRecords = await loadFixtureFile('events/mastra/memory.json');

    // The real router of a stack serving both tables, one batch per table as their event source
    // mappings deliver them: first with every delivery accepted, then with EventBridge refusing all.
    const handler = createRouterHandler(
      loadRouterConfig({
        ...routerEnv,
        EVENT_BUS_NAME: 'memory-events',
        CHANGE_LOG_STREAM_NAME: 'layouts-changes',
        CLAIM_CHECK_BUCKET: 'layouts-claims',
        DEAD_LETTER_BUCKET: DLQ,
        POWERTOOLS_METRICS_DISABLED: 'true',
      }),
      {
        clients: {
          eventBridge: bus.client({ endpoint: busProxy.url, maxAttempts: 1 }),
          kinesis: kinesis.client({ maxAttempts: 1 }),
          s3: s3.client({ maxAttempts: 1 }),
        },
        retry: FAST_RETRY,
        logger: silent,
      },
    );
    for (const batch of [agentRecords, mastraRecords]) {
      expect((await handler({ Records: batch })).batchItemFailures).toEqual([]);
    }
    delivered = bus.accepted.map((e) => ({ detailType: e.detailType, eventId: e.detail.eventId as string }));
    busProxy.addRule({
      match: { method: 'POST' },
      fault: faults.jsonError(400, 'ValidationException', 'Refused.'),
    });
    try {
      for (const batch of [agentRecords, mastraRecords]) {
        expect((await handler({ Records: batch })).batchItemFailures).toEqual([]);
      }
    } finally {
      busProxy.clearRules();
    }
    const listed = await s3.client().send(new ListObjectsV2Command({ Bucket: DLQ, Prefix: 'dead-letter/' }));
    for (const { Key } of listed.Contents ?? []) {
      const object = await s3.client().send(new GetObjectCommand({ Bucket: DLQ, Key }));
      letters.set(Key!, await object.Body!.transformToString());
    }
  });
  afterAll(async () => {
    if (metricsDisabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = metricsDisabled;
    await busProxy?.close();
    await Promise.all([s3?.close(), bus?.close(), kinesis?.close()]);
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it('the router dead-lettered records of both tables, whose events differ by layout', () => {
    const tables = new Set(
      [...letters.values()].map((body) => (JSON.parse(body).record as StreamRecord).eventSourceARN),
    );
    expect([...tables].map((arn) => arn?.split('/')[1]).sort()).toEqual(['agent-memory', MASTRA_TABLE]);
    // The router read Mastra's threads and messages as conversations and turns; agent-memory would
    // have made every one of them an unknown item.
    const ofMastra = bus.accepted.filter(
      (e) => (e.detail.origin as { table: string }).table === MASTRA_TABLE,
    );
    expect(ofMastra.every((e) => e.detail.layout === 'mastra')).toBe(true);
    const types = ofMastra.map((e) => e.detailType);
    expect(types).toContain('Conversation Created');
    expect(types).toContain('Turn Created');
  });

  it('with the functions’ MEMORY_CDC_LAYOUT and MEMORY_CDC_TABLE_LAYOUTS: the router’s detail-types and event ids', async () => {
    const result = await run(
      [`s3://${DLQ}/`, '--s3-endpoint-url', s3.endpoint, '--local', 'out-env', '--json'],
      cwd,
      {
        ...routerEnv,
        AWS_ACCESS_KEY_ID: 'S3RVER',
        AWS_SECRET_ACCESS_KEY: 'S3RVER',
        AWS_REGION: 'us-east-1',
      },
    );
    expect(result.err).toBe('');
    expect(JSON.parse(result.out)).toMatchObject({
      failed: 0,
      sent: delivered.length,
    });
    expect(sorted(await localSent(join(cwd, 'out-env')))).toEqual(sorted(delivered));
  });

  it('with --layout and --table-layouts (a file): the same, the options in place of the variables', async () => {
    const folder = await copyOfLetters('letters-flags');
    await writeFile(join(cwd, 'table-layouts.json'), JSON.stringify({ [MASTRA_TABLE]: 'mastra' }));
    const result = await run(
      [folder, '--layout', 'agent-memory', '--table-layouts', 'table-layouts.json', '--local', 'out-flags'],
      cwd,
      // Variables the options replace, wrong on purpose: the options win.
      { MEMORY_CDC_LAYOUT: 'mastra', MEMORY_CDC_TABLE_LAYOUTS: '{"agent-memory":"mastra"}' },
    );
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(sorted(await localSent(join(cwd, 'out-flags')))).toEqual(sorted(delivered));
  });

  it('with one --layout for every table (what redrive did before): Mastra’s records become other events', async () => {
    const folder = await copyOfLetters('letters-one-layout');
    const result = await run([folder, '--layout', 'agent-memory', '--local', 'out-one', '--json'], cwd);
    expect(result.err).toBe('');
    const mastraIds = new Set(mastraRecords.map((r) => r.eventID));
    const sent = await localEvents(join(cwd, 'out-one'));
    const ofMastra = sent.filter((e) => mastraIds.has((e.detail.origin as { eventId: string }).eventId));
    expect(ofMastra.length).toBeGreaterThan(0);
    expect(ofMastra.every((e) => e.detail.layout === 'agent-memory')).toBe(true);
    expect(
      sorted(sent.map((e) => ({ detailType: e['detail-type'], eventId: e.detail.eventId as string }))),
    ).not.toEqual(sorted(delivered));
  });

  it('with no layout given: detects each table’s, and sends what the router did', async () => {
    const folder = await copyOfLetters('letters-detect');
    const result = await run([folder, '--local', 'out-detect', '--json'], cwd);
    expect(result.err).toBe('');
    const summary = JSON.parse(result.out);
    expect(summary.layouts['agent-memory']).toMatch(/^detected: .*agent-memory templates/);
    expect(summary.layouts[MASTRA_TABLE]).toMatch(/^detected: .*Mastra's/);
    expect(sorted(await localSent(join(cwd, 'out-detect')))).toEqual(sorted(delivered));
  });

  it('with no layout given: a table no preset fits flows as entity "unknown", with replay’s warning', async () => {
    const folder = join(cwd, 'letters-unknown');
    const store = new LocalDeadLetterStore<StreamRecord>(folder);
    const order: StreamRecord = {
      eventID: 'a3c5e7f9b1d3f5a7c9e1b3d5f7a9c1e3',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-11-01T00:00:00.000',
      dynamodb: {
        ApproximateCreationDateTime: 1790000001,
        Keys: { orderId: { S: 'o-1' } },
        NewImage: { orderId: { S: 'o-1' }, total: { N: '12' } },
        SequenceNumber: '100000000000000000001',
        SizeBytes: 40,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
    for (const record of [order, mastraRecords[0]!]) {
      await store.write({
        version: '1',
        function: 'router',
        reason: 'deliver: eventbridge: ValidationException',
        failures: [{ stage: 'deliver', reason: 'eventbridge: ValidationException' }],
        record,
        deadLetteredAt: '2026-12-07T10:00:00.000Z',
      });
    }
    const result = await run(['letters-unknown', '--local', 'out-unknown', '--json'], cwd);
    expect(result.code).toBe(0);
    expect(result.err).toContain('warning: dead letters of table orders: ');
    expect(result.err).toContain('Its records redrive as entity "unknown"');
    expect(result.err).toContain('pass --layout FILE');
    expect(result.err).toContain(`give it for this one only: --table-layouts '{"orders":"FILE"}'`);
    expect(result.err).not.toContain(MASTRA_TABLE);
    const summary = JSON.parse(result.out);
    expect(summary).toMatchObject({ failed: 0, layouts: { orders: 'no preset fits' } });
    expect(summary.layouts[MASTRA_TABLE]).toMatch(/^detected: /);
    const sent = await localEvents(join(cwd, 'out-unknown'));
    const byRecord = (id: string) =>
      sent.filter((e) => (e.detail.origin as { eventId: string }).eventId === id);
    expect(byRecord(order.eventID!).length).toBeGreaterThan(0);
    expect(byRecord(order.eventID!).every((e) => e.detail.entity === 'unknown')).toBe(true);
    const mastra = byRecord(mastraRecords[0]!.eventID!);
    expect(mastra.length).toBeGreaterThan(0);
    expect(mastra.every((e) => e.detail.layout === 'mastra' && e.detail.entity !== 'unknown')).toBe(true);
  });
});
