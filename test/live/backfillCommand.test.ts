import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerBackfill } from '../../lib/cli/commands/backfill.js';
import { changesOf } from '../support/changesOf.js';
import { type EventBridgeEndpoint, startEventBridgeEndpoint } from '../support/eventBridgeEndpoint.js';
import { type KinesaliteHandle, startKinesalite } from '../support/kinesalite.js';
import { type LocalDynamo, startLocalDynamo } from './localDynamo.js';
import { runCli } from './runCli.js';

const ITEMS = 40;
let dynamo: LocalDynamo;
let dir: string;

function item(i: number): Record<string, unknown> {
  return {
    pk: `USER#u${i % 3}`,
    sk: `CONV#c${i % 4}#TS#2026-11-01T00:00:${String(i).padStart(3, '0')}`,
    entity_type: 'turn',
    role: 'user',
    text: `hello ${i}`,
  };
}

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.table(
    'memories',
    Array.from({ length: ITEMS }, (_, i) => item(i)),
  );
  await dynamo.table('odd', [{ pk: 'x', sk: 'y' }]);
  await dynamo.table('finished-runs', [
    { pk: 'USER#u1', sk: 'RUN#r1', entity_type: 'run', status: 'completed' },
    { pk: 'USER#u1', sk: 'RUN#r2', entity_type: 'run', status: 'failed' },
    { pk: 'USER#u1', sk: 'RUN#r2#STEP#1', entity_type: 'run_step', status: 'completed' },
    { pk: 'USER#u1', sk: 'CONV#c1#TS#2026-11-01T00:00:00Z', entity_type: 'turn', text: 'hi', seq: 1 },
  ]);
  dir = await mkdtemp(join(tmpdir(), 'backfill-cli-'));
});

afterAll(async () => {
  await dynamo.close();
});

const backfill = (...args: string[]) =>
  runCli([registerBackfill], ['backfill', '--endpoint', dynamo.endpoint, '--no-progress', ...args], dir);
const lines = (text: string) => text.split('\n').filter(Boolean);

describe('backfill', () => {
  it('emits every item through the pipeline, prints the replay summary and the final count', async () => {
    const run = await backfill(
      '--table',
      'memories',
      '--segments',
      '3',
      '--page-size',
      '7',
      '--checkpoint',
      'a.json',
    );
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^memory-cdc backfill: 40 record\(s\), 40 replayed, 0 failed/);
    expect(run.out).toMatch(/Changes by entity\n {2}turn {2}40/);
    expect(run.out).toMatch(/Turn Created +40/);
    expect(run.err).toContain('backfill: 40 item(s) emitted by this run, 40 in all; complete');
  });

  it('prints with --json one replay-format line per routed output, and no summary', async () => {
    const run = await backfill('--table', 'memories', '--json', '--checkpoint', 'b.json');
    expect(run.code).toBe(0);
    const parsed = lines(run.out).map(
      (l) => JSON.parse(l) as { record: string; sink: string; entity: string },
    );
    expect(new Set(parsed.map((p) => p.record)).size).toBe(ITEMS);
    const bySink = (sink: string) => parsed.filter((p) => p.sink === sink).length;
    // Each turn read: a Turn Created event (op read), a change-log record and a vector upsert.
    expect(bySink('kinesis')).toBe(ITEMS);
    expect(bySink('vector')).toBe(ITEMS);
    expect(bySink('eventbridge')).toBeGreaterThanOrEqual(ITEMS);
    expect(run.err).toContain('40 item(s) emitted by this run');
  });

  it('detects the layout from a sample of the table, not from the first page, and says how many items it used', async () => {
    await dynamo.table('big', [
      ...Array.from({ length: 250 }, (_, i) => item(i)),
      // One item no preset fits: detection must not hinge on which page arrives first.
      { pk: 'SYSTEM#migrations', sk: 'v12' },
    ]);
    const run = await backfill(
      '--table',
      'big',
      '--segments',
      '4',
      '--page-size',
      '2',
      '--checkpoint',
      'big.json',
    );
    expect(run.code).toBe(0);
    expect(run.err).toMatch(
      /^backfill: layout agent-memory, detected from a sample of the first 200 items scanned$/m,
    );
    const small = await backfill('--table', 'memories', '--page-size', '2', '--checkpoint', 'small.json');
    expect(small.err).toMatch(
      /^backfill: layout agent-memory, detected from all 40 item\(s\) of the table$/m,
    );
    expect(small.out).toContain('40 of 40 partition keys fit the agent-memory templates');
  });

  it('says the backfill is already complete on a second run, and scans again with --restart', async () => {
    await backfill('--table', 'memories', '--checkpoint', 'c.json');
    const again = await backfill('--table', 'memories', '--checkpoint', 'c.json');
    expect(again.err).toContain('0 item(s) emitted by this run, 40 in all; already complete');
    const restarted = await backfill('--table', 'memories', '--checkpoint', 'c.json', '--restart');
    expect(restarted.err).toContain('40 item(s) emitted by this run, 40 in all; complete');
  });

  it('writes its checkpoint under .memory-cdc/backfill by default', async () => {
    await backfill('--table', 'memories');
    const checkpoint = JSON.parse(
      await readFile(join(dir, '.memory-cdc/backfill/memories.checkpoint.json'), 'utf8'),
    );
    expect(checkpoint).toMatchObject({ table: 'memories', totalSegments: 4 });
  });

  it('fails with exit 2 on a missing table and bad numbers', async () => {
    const missing = await backfill('--table', 'nope', '--checkpoint', 'd.json');
    expect([missing.code, missing.err]).toEqual([2, 'memory-cdc backfill: table nope does not exist\n']);
    expect((await backfill('--table', 'memories', '--rate', 'fast')).err).toContain(
      '--rate must be a positive number',
    );
    expect((await backfill('--table', 'memories', '--segments', '0')).code).toBe(2);
  });

  it('shows items no preset fits as entity "unknown" with one warning, as replay does', async () => {
    const odd = await backfill('--table', 'odd', '--checkpoint', 'e.json', '--json');
    expect(odd.code).toBe(0);
    expect(odd.err.match(/^warning: .*entity "unknown"/gm)).toHaveLength(1);
    expect(odd.err).toContain('pass --layout FILE');
    const lines = odd.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.entity === 'unknown')).toBe(true);
  });

  it('fails with exit 2 when --deliver has no sink configured', async () => {
    const saved = { ...process.env };
    for (const name of [
      'EVENT_BUS_NAME',
      'CHANGE_LOG_STREAM_NAME',
      'VECTOR_BUCKET_NAME',
      'VECTOR_INDEX_NAME',
    ])
      delete process.env[name];
    try {
      const run = await backfill('--table', 'memories', '--deliver');
      expect(run.code).toBe(2);
      expect(run.err).toContain(
        '--deliver needs at least one sink configured: EVENT_BUS_NAME (eventbridge), CHANGE_LOG_STREAM_NAME (kinesis)',
      );
      const named = await backfill('--table', 'memories', '--deliver', 'kinesis');
      expect(named.err).toContain('--deliver kinesis needs CHANGE_LOG_STREAM_NAME set');
      expect((await backfill('--table', 'memories', '--deliver', 'archive')).err).toContain('never archived');
    } finally {
      process.env = saved;
    }
  });

  describe('with --deliver', () => {
    let kinesis: KinesaliteHandle;
    let eventBridge: EventBridgeEndpoint;
    let saved: NodeJS.ProcessEnv;

    beforeAll(async () => {
      kinesis = await startKinesalite();
      await kinesis.createStream('changes', 1);
      eventBridge = await startEventBridgeEndpoint();
    });

    afterAll(async () => {
      await kinesis.close();
      await eventBridge.close();
    });

    beforeEach(() => {
      saved = { ...process.env };
      Object.assign(process.env, {
        AWS_ENDPOINT_URL_KINESIS: kinesis.endpoint,
        AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.url,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      });
      for (const name of [
        'EVENT_BUS_NAME',
        'CHANGE_LOG_STREAM_NAME',
        'VECTOR_BUCKET_NAME',
        'VECTOR_INDEX_NAME',
      ]) {
        delete process.env[name];
      }
    });

    afterEach(() => {
      process.env = saved;
    });

    it('sends every item to the configured sinks: the Kinesis change log and the EventBridge bus', async () => {
      Object.assign(process.env, { CHANGE_LOG_STREAM_NAME: 'changes', EVENT_BUS_NAME: 'memory-bus' });
      const run = await backfill(
        '--table',
        'memories',
        '--deliver',
        '--region',
        'us-east-1',
        '--checkpoint',
        'k.json',
      );
      expect(run.err).toContain('40 item(s) emitted by this run, 40 in all; complete');
      expect(run.out).toContain('Delivered to: eventbridge, kinesis');
      expect(run.code).toBe(0);
      const changes = changesOf(await kinesis.readStream('changes'));
      expect(changes).toHaveLength(ITEMS);
      expect(JSON.parse(changes[0]!.data)).toMatchObject({ op: 'read', entity: 'turn' });
      const created = eventBridge.accepted.filter((e) => e.detailType === 'Turn Created');
      expect(created).toHaveLength(ITEMS);
      expect(created[0]!.eventBusName).toBe('memory-bus');
    });

    it('refuses to deliver items no preset fits (exit 2): a forgotten --layout never sends a table unclassified', async () => {
      Object.assign(process.env, { CHANGE_LOG_STREAM_NAME: 'changes' });
      const before = (await kinesis.readStream('changes')).length;
      const run = await backfill(
        '--table',
        'odd',
        '--deliver',
        '--region',
        'us-east-1',
        '--checkpoint',
        'o.json',
      );
      expect(run.code).toBe(2);
      expect(run.err).toContain('cannot choose a layout');
      expect(await kinesis.readStream('changes')).toHaveLength(before);
    });

    it('delivers finished runs as snapshot reads: no Run Completed, Run Failed or Conversation Started', async () => {
      Object.assign(process.env, { CHANGE_LOG_STREAM_NAME: 'changes', EVENT_BUS_NAME: 'memory-bus' });
      const before = eventBridge.accepted.length;
      const run = await backfill(
        '--table',
        'finished-runs',
        '--deliver',
        'eventbridge',
        '--region',
        'us-east-1',
        '--checkpoint',
        'runs.json',
      );
      expect(run.code).toBe(0);
      const delivered = eventBridge.accepted.slice(before);
      expect(delivered.map((e) => e.detailType).sort()).toEqual([
        'Run Created',
        'Run Created',
        'Run Step Created',
        'Turn Created',
      ]);
      expect(delivered.every((e) => (e.detail as { op: string }).op === 'read')).toBe(true);
      expect(delivered.some((e) => 'transition' in (e.detail as object))).toBe(false);
    });

    it('exits 1 and keeps the checkpoint where delivery stopped when a sink does not accept', async () => {
      Object.assign(process.env, { CHANGE_LOG_STREAM_NAME: 'no-such-stream', DELIVERY_MAX_ATTEMPTS: '1' });
      const run = await backfill(
        '--table',
        'memories',
        '--deliver',
        'kinesis',
        '--region',
        'us-east-1',
        '--checkpoint',
        'bad.json',
      );
      expect(run.code).toBe(1);
      expect(run.err).toMatch(
        /memory-cdc backfill: segment \d: kinesis did not accept every output of a page \(.*\); run backfill again/,
      );
      const checkpoint = JSON.parse(await readFile(join(dir, 'bad.json'), 'utf8'));
      expect(checkpoint.segments.every((s: { done: boolean }) => s.done)).toBe(false);
    });

    it('counts an output the sink rejects as invalid, goes on, and exits 1', async () => {
      Object.assign(process.env, { EVENT_BUS_NAME: 'memory-bus' });
      eventBridge.rejectEntries((entry) =>
        (entry.detail as { keys?: { sk?: string } }).keys?.sk?.endsWith('007')
          ? 'MalformedDetail'
          : undefined,
      );
      try {
        const run = await backfill(
          '--table',
          'memories',
          '--deliver',
          'eventbridge',
          '--region',
          'us-east-1',
          '--checkpoint',
          'rej.json',
        );
        expect(run.code).toBe(1);
        expect(run.err).toContain('40 item(s) emitted by this run, 40 in all; complete');
        expect(run.out).toMatch(
          /Errors \(1\)\n {2}eventbridge eventID [0-9a-f]+: eventbridge sink did not accept: .*MalformedDetail/,
        );
      } finally {
        eventBridge.rejectEntries(undefined);
      }
    });
  });
});
