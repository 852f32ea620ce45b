/**
 * `memory-cdc dev` end to end: DynamoDB Local started, a table seeded through the SDK, its stream
 * consumed into the local sinks, and everything stopped when the session is aborted.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevSnapshot } from '../../lib/dev/DevStats.js';
import { findFreePort } from '../../lib/dev/findFreePort.js';
import { type DevResult, runDev } from '../../lib/dev/runDev.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import type { RoutedOutput } from '../../lib/routing/types.js';
import { HEAVY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

const SEED = 80;
let dir: string;
let result: DevResult;
const views: DevSnapshot[] = [];
const outputs: RoutedOutput[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'memory-cdc-dev-'));
  const controller = new AbortController();
  result = await runDev({
    layout: agentMemoryLayout,
    port: await findFreePort(),
    seed: SEED,
    seedRate: 0,
    outDir: dir,
    signal: controller.signal,
    viewIntervalMs: 100,
    onOutput: (output) => outputs.push(output),
    // Stop once every seeded write has been read and delivered.
    onView: (snapshot) => {
      views.push(snapshot);
      if (snapshot.writes === SEED && snapshot.changes >= SEED && snapshot.pending === 0) controller.abort();
    },
  });
}, HEAVY_TEST_TIMEOUT_MS);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('memory-cdc dev', () => {
  it('delivers every seeded write and times each from write to delivery', () => {
    const { snapshot } = result;
    expect(snapshot.writes).toBe(SEED);
    expect(snapshot.changes).toBeGreaterThanOrEqual(SEED);
    expect(snapshot.pending).toBe(0);
    expect(snapshot.deadLetters).toBe(0);
    expect(views.some((v) => v.latency !== undefined)).toBe(true);
  });

  it('writes the events to the local EventBridge file as rule targets receive them', async () => {
    const lines = (await readFile(join(dir, 'eventbridge.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const total = Object.values(result.snapshot.events).reduce((a, b) => a + b, 0);
    expect(lines).toHaveLength(total);
    expect(lines.every((e) => e.source === 'memory-cdc' && e['detail-type'] === e.detail.detailType)).toBe(
      true,
    );
    expect(result.snapshot.events['Conversation Created']).toBeGreaterThan(0);
  });

  it('writes the change log to the local Kinesis file with its partition keys', async () => {
    const lines = (await readFile(join(dir, 'kinesis.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(result.snapshot.kinesisRecords);
    expect(lines.every((l) => typeof l.partitionKey === 'string' && l.data.version === '1')).toBe(true);
  });

  it('reports every accepted output to the --json printer', () => {
    const bySink = (sink: string) => outputs.filter((o) => o.sink === sink).length;
    expect(bySink('kinesis')).toBe(result.snapshot.kinesisRecords);
    expect(bySink('vector')).toBe(result.snapshot.vector.upserts + result.snapshot.vector.deletes);
  });

  it('stops the DynamoDB Local Java process when the session ends', () => {
    expect(result.info.dynamoDbLocalPid).toBeGreaterThan(0);
    expect(isRunning(result.info.dynamoDbLocalPid!)).toBe(false);
  });
});

describe('memory-cdc dev --emulators', () => {
  it(
    'publishes the change log to kinesalite and keeps S3 objects in s3rver',
    async () => {
      const emulatorDir = await mkdtemp(join(tmpdir(), 'memory-cdc-dev-emulators-'));
      try {
        const controller = new AbortController();
        const { snapshot, info } = await runDev({
          layout: agentMemoryLayout,
          port: await findFreePort(),
          seed: 30,
          seedRate: 0,
          emulators: true,
          outDir: emulatorDir,
          signal: controller.signal,
          viewIntervalMs: 100,
          onView: (s) => {
            if (s.writes === 30 && s.changes >= 30 && s.pending === 0) controller.abort();
          },
        });
        expect(info.outputs.kinesis).toMatch(/^http:\/\/127\.0\.0\.1:\d+ stream memory-changes$/);
        expect(snapshot.kinesisRecords).toBeGreaterThan(0);
        expect(snapshot.deadLetters).toBe(0);
        expect(await readdir(join(emulatorDir, 's3'))).toContain('memory-cdc-dev');
        expect(isRunning(info.dynamoDbLocalPid!)).toBe(false);
      } finally {
        await rm(emulatorDir, { recursive: true, force: true });
      }
    },
    HEAVY_TEST_TIMEOUT_MS,
  );
});
