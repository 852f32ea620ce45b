/**
 * `memory-cdc dev --source kinesis` end to end: the same scripted agent session (and two items
 * written already expired) run through two dev sessions on DynamoDB Local — one reading the table's
 * DynamoDB stream, one reading Kinesis Data Streams for DynamoDB (kinesalite fed by the local bridge,
 * the router and archiver invoked with Lambda Kinesis events) — must come out as the same events,
 * change-log records and archived items. Event ids are not compared: they derive from the change's
 * eventID, which differs by source (and by DynamoDB Local run); outputs are compared by detail-type
 * and item key, each event once (consumers deduplicate on the event id).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevSource } from '../../lib/dev/DevSource.js';
import type { DevSnapshot } from '../../lib/dev/DevStats.js';
import { findFreePort } from '../../lib/dev/findFreePort.js';
import { formatDevView } from '../../lib/dev/formatDevView.js';
import { type DevResult, runDev } from '../../lib/dev/runDev.js';
import { runSeeder } from '../../lib/dev/seed/runSeeder.js';
import type { SeedItem, SeedWrite } from '../../lib/dev/seed/types.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import type { RoutedOutput } from '../../lib/routing/types.js';
import { HEAVY_TEST_TIMEOUT_MS } from '../support/timeouts.js';
import { itemOf } from './expectedOutputs.js';
import { scriptedSession } from './story.js';

const now = Math.floor(Date.now() / 1000);
const session = scriptedSession(now);
const expired: SeedItem[] = [
  { pk: 'USER#u-dev-kds', sk: 'CONV#c-old', title: 'Old chat', expires_at: now - 3600 },
  {
    pk: 'USER#u-dev-kds',
    sk: 'CONV#c-old#TS#2026-10-01T10:00:00.000Z',
    turn_id: 'old-1',
    role: 'user',
    text: 'Remind me.',
    seq: 1,
    expires_at: now - 3600,
  },
];
const writes: SeedWrite[] = [
  ...session.map((s) => s.write),
  ...expired.map((item): SeedWrite => ({ op: 'put', item })),
];
const sessionEvents = session.flatMap((s) => s.eventBridge).length;
const sessionChangeLog = session.filter((s) => s.kinesis !== null).length;

interface Run {
  result: DevResult;
  outputs: RoutedOutput[];
  dir: string;
  lastView: string;
}
const runs = new Map<DevSource | 'kinesis --emulators', Run>();

const totalEvents = (s: DevSnapshot) => Object.values(s.events).reduce((a, b) => a + b, 0);

/** One dev session with the writes made once it is up; it stops when everything owed arrived and went quiet. */
async function devRun(source: DevSource, emulators = false): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), `memory-cdc-dev-${source}-`));
  const outputs: RoutedOutput[] = [];
  const controller = new AbortController();
  let writing: Promise<number> | undefined;
  let client: DynamoDBClient | undefined;
  let lastView = '';
  // Counts seen a moment ago: stop only once they have stopped moving (a late duplicate would show).
  let previous = '';
  let quietSince = 0;
  const result = await runDev({
    layout: agentMemoryLayout,
    port: await findFreePort(),
    source,
    emulators,
    outDir: dir,
    signal: controller.signal,
    viewIntervalMs: 250,
    onOutput: (output) => outputs.push(output),
    onReady: (info) => {
      client = new DynamoDBClient({
        endpoint: info.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      writing = runSeeder({ client, tableName: info.tableName, writes, keyAttributes: ['pk', 'sk'] });
      writing.catch(() => controller.abort());
    },
    onView: (snapshot, info) => {
      lastView = formatDevView({ ...info, table: info.tableName }, snapshot);
      const owed =
        // The session's events, and at least a creation and an expiry per expired item.
        totalEvents(snapshot) >= sessionEvents + expired.length * 2 &&
        snapshot.kinesisRecords >= sessionChangeLog &&
        snapshot.archive.items >= expired.length;
      const counts = JSON.stringify([
        snapshot.changes,
        snapshot.events,
        snapshot.kinesisRecords,
        snapshot.archive,
      ]);
      if (counts !== previous) {
        previous = counts;
        quietSince = Date.now();
      } else if (owed && Date.now() - quietSince >= 2000) {
        controller.abort();
      }
    },
  });
  await writing;
  client?.destroy();
  return { result, outputs, dir, lastView };
}

/** Each output once (by event id), reduced to sink, detail-type and item, sorted. */
function comparable(outputs: readonly RoutedOutput[]): string[] {
  const seen = new Set<string>();
  return outputs
    .filter((o) => !seen.has(`${o.sink}|${o.eventId}`) && seen.add(`${o.sink}|${o.eventId}`))
    .flatMap((o) => {
      if (o.sink === 'eventbridge' || o.sink === 'kinesis') {
        const detail = o.sink === 'eventbridge' ? o.payload.Detail : o.payload.Data;
        return [`${o.sink} ${o.detailType} ${itemOf(detail.keys)}`];
      }
      if (o.sink === 'archive') return [`archive ${o.payload.entity} ${JSON.stringify(o.payload.keys)}`];
      return [];
    })
    .sort();
}

beforeAll(async () => {
  // One after the other: two JVMs at once would only slow both on a busy machine.
  runs.set('dynamodb-stream', await devRun('dynamodb-stream'));
  runs.set('kinesis', await devRun('kinesis'));
  // The source stream then shares kinesalite with the change log.
  runs.set('kinesis --emulators', await devRun('kinesis', true));
}, HEAVY_TEST_TIMEOUT_MS * 3);

afterAll(async () => {
  for (const run of runs.values()) await rm(run.dir, { recursive: true, force: true });
});

describe('memory-cdc dev --source kinesis', () => {
  it('delivers the same events, change-log records and archived items as the DynamoDB stream source', () => {
    const stream = comparable(runs.get('dynamodb-stream')!.outputs);
    const kinesis = comparable(runs.get('kinesis')!.outputs);
    // Not two empty lists: every documented event of the session is there, and both expiries.
    const events = stream.filter((o) => o.startsWith('eventbridge '));
    expect(events.filter((o) => !o.includes('USER#u-dev-kds|'))).toHaveLength(sessionEvents);
    expect(events.filter((o) => / (Conversation|Turn) Expired USER#u-dev-kds\|/.test(o))).toHaveLength(
      expired.length,
    );
    expect(stream.filter((o) => o.startsWith('archive '))).toHaveLength(expired.length);
    expect(kinesis).toEqual(stream);
    expect(comparable(runs.get('kinesis --emulators')!.outputs)).toEqual(stream);
  });

  it('runs the router and archiver on the Kinesis stream the bridge wrote, without dead letters', () => {
    const { result } = runs.get('kinesis')!;
    expect(result.info.source).toBe('kinesis');
    expect(result.info.sourceStream?.name).toBe('memory-source');
    expect(result.info.outputs.source).toMatch(/^http:\/\/127\.0\.0\.1:\d+ stream memory-source /);
    // Every change of the table's stream was written to the source stream (again after a failed call).
    const bridge = result.snapshot.bridge!;
    expect(bridge.written).toBeGreaterThanOrEqual(result.snapshot.changes);
    expect(bridge.lost).toBe(0);
    expect(result.snapshot.changes).toBeGreaterThanOrEqual(writes.length + expired.length);
    expect(result.snapshot.deadLetters).toBe(0);
    expect(runs.get('dynamodb-stream')!.result.snapshot.bridge).toBeUndefined();
    // With --emulators, one kinesalite holds the source stream and the change log.
    const { info } = runs.get('kinesis --emulators')!.result;
    expect(info.outputs.source?.split(' ')[0]).toBe(info.outputs.kinesis?.split(' ')[0]);
    expect(info.outputs.kinesis).toMatch(/ stream memory-changes$/);
  });

  it('names the source in the live view and counts what the bridge wrote', () => {
    const { lastView, result } = runs.get('kinesis')!;
    expect(lastView.split('\n')[0]).toContain('· source Kinesis Data Streams for DynamoDB ·');
    expect(lastView).toContain(
      `bridge: table stream -> Kinesis memory-source · ${result.snapshot.bridge!.written} records written`,
    );
    expect(runs.get('dynamodb-stream')!.lastView.split('\n')[0]).toContain('· source DynamoDB stream ·');
  });

  it('writes the events to the local EventBridge file in both runs alike', async () => {
    const lines = async (source: DevSource) =>
      (await readFile(join(runs.get(source)!.dir, 'eventbridge.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        // Each event once: consumers deduplicate on the event id.
        .filter((e, i, all) => all.findIndex((f) => f.detail.eventId === e.detail.eventId) === i)
        .map((e) => `${e['detail-type']} ${itemOf(e.detail.keys)}`)
        .sort();
    expect(await lines('kinesis')).toEqual(await lines('dynamodb-stream'));
  });
});
