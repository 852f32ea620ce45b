import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { type BackfillOptions, runBackfill } from '../../lib/live/backfill/runBackfill.js';
import { BACKFILL_SEQUENCE_NUMBER } from '../../lib/live/backfill/syntheticInsertRecord.js';
import { BackfillError } from '../../lib/live/errors.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { faults, startFaultProxy } from '../support/faultProxy.js';
import { type LocalDynamo, startLocalDynamo } from './localDynamo.js';

const ITEMS = 120;
let dynamo: LocalDynamo;
let dir: string;

function turnItem(i: number): Record<string, unknown> {
  return {
    pk: `USER#u${i % 7}`,
    sk: `CONV#c${i % 5}#TS#2026-11-01T00:00:${String(i).padStart(3, '0')}`,
    entity_type: 'turn',
    role: i % 2 ? 'assistant' : 'user',
    text: `turn number ${i}`,
    blob: new Uint8Array([i % 256, 1, 2]),
  };
}

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.table(
    'memories',
    Array.from({ length: ITEMS }, (_, i) => turnItem(i)),
  );
  await dynamo.table('empty', []);
  dir = await mkdtemp(join(tmpdir(), 'backfill-'));
});

afterAll(async () => {
  await dynamo.close();
});

const throttled = () => faults.jsonError(400, 'ProvisionedThroughputExceededException', 'Rate exceeded');

let run = 0;
function options(overrides: Partial<BackfillOptions> = {}): BackfillOptions & { seen: StreamRecord[] } {
  const seen: StreamRecord[] = [];
  return {
    client: dynamo.client(),
    table: 'memories',
    segments: 3,
    pageSize: 10,
    checkpointPath: join(dir, `checkpoint-${++run}.json`),
    backoff: { baseMs: 1, maxMs: 2, maxRetries: 3 },
    onRecords: async (records) => {
      seen.push(...records);
    },
    seen,
    ...overrides,
  };
}

function keysOf(records: StreamRecord[]): string[] {
  return records.map((r) => JSON.stringify(r.dynamodb?.Keys)).sort();
}

describe('runBackfill', () => {
  it('emits one snapshot read per item across all segments, in Lambda format, through the pipeline', async () => {
    const o = options();
    const result = await runBackfill(o);
    expect(result).toMatchObject({ items: ITEMS, totalItems: ITEMS, complete: true, resumed: false });
    expect(new Set(keysOf(o.seen)).size).toBe(ITEMS);
    const pipeline = createPipeline({ layout: agentMemoryLayout });
    for (const record of o.seen) {
      expect(record.eventName).toBe('READ');
      expect(record.dynamodb?.SequenceNumber).toBe(BACKFILL_SEQUENCE_NUMBER);
      expect(record.dynamodb?.NewImage?.blob).toEqual({ B: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) });
      const processed = pipeline.process(record);
      expect(processed.change.op).toBe('read');
      expect(processed.classification.entity).toBe('turn');
      expect(processed.change.position.table).toBe('memories');
    }
  });

  it('gives an unchanged item the same eventID on every backfill', async () => {
    const first = options();
    const second = options();
    await runBackfill(first);
    await runBackfill(second);
    const ids = (records: StreamRecord[]) => records.map((r) => r.eventID).sort();
    expect(ids(second.seen)).toEqual(ids(first.seen));
  });

  it('resumes from the checkpoint after a failure, emitting every item and re-emitting only the failed page', async () => {
    let pages = 0;
    const failing = options({
      onRecords: async (records) => {
        if (++pages === 5) throw new Error('sink down');
        failing.seen.push(...records);
      },
    });
    const error = await runBackfill(failing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('sink down');
    const checkpoint = JSON.parse(await readFile(failing.checkpointPath, 'utf8'));
    expect(checkpoint.segments.some((s: { lastEvaluatedKey?: unknown }) => s.lastEvaluatedKey)).toBe(true);

    const resumed = options({ checkpointPath: failing.checkpointPath });
    const result = await runBackfill(resumed);
    expect(result.resumed).toBe(true);
    expect(result.complete).toBe(true);
    expect(result.totalItems).toBe(ITEMS);
    const all = [...failing.seen, ...resumed.seen];
    expect(all).toHaveLength(ITEMS);
    expect(new Set(keysOf(all)).size).toBe(ITEMS);
  });

  it('stops cleanly on abort and finishes on the next run', async () => {
    const controller = new AbortController();
    const first = options({ signal: controller.signal, concurrency: 1 });
    first.onRecords = async (records) => {
      first.seen.push(...records);
      if (first.seen.length >= 30) controller.abort();
    };
    const stopped = await runBackfill(first);
    expect(stopped.complete).toBe(false);
    const second = options({ checkpointPath: first.checkpointPath });
    const finished = await runBackfill(second);
    expect(finished.complete).toBe(true);
    expect(new Set(keysOf([...first.seen, ...second.seen])).size).toBe(ITEMS);
    expect(first.seen.length + second.seen.length).toBe(ITEMS);
  });

  it('does nothing when the checkpoint says the backfill is complete, unless told to restart', async () => {
    const first = options();
    await runBackfill(first);
    const again = options({ checkpointPath: first.checkpointPath });
    const result = await runBackfill(again);
    expect(result).toMatchObject({ alreadyComplete: true, items: 0, totalItems: ITEMS });
    expect(again.seen).toHaveLength(0);
    const restarted = options({ checkpointPath: first.checkpointPath, restart: true });
    expect((await runBackfill(restarted)).items).toBe(ITEMS);
  });

  it('refuses a checkpoint made for another segment count or table, and one that is not a checkpoint', async () => {
    const first = options();
    await runBackfill(first);
    await expect(runBackfill(options({ checkpointPath: first.checkpointPath, segments: 5 }))).rejects.toThrow(
      /checkpoint .* is for table memories with 3 segment\(s\), not memories with 5/,
    );
    const junk = join(dir, 'junk.json');
    await writeFile(junk, '{"hello":1}');
    await expect(runBackfill(options({ checkpointPath: junk }))).rejects.toBeInstanceOf(BackfillError);
    await writeFile(junk, 'not json');
    await expect(runBackfill(options({ checkpointPath: junk }))).rejects.toThrow(/not JSON/);
  });

  it('reports a missing table and bad options as ConfigError', async () => {
    await expect(runBackfill(options({ table: 'nope' }))).rejects.toBeInstanceOf(ConfigError);
    await expect(runBackfill(options({ segments: 0 }))).rejects.toThrow(/--segments must be an integer/);
    await expect(runBackfill(options({ rate: -1 }))).rejects.toThrow(/--rate must be a positive/);
  });

  it('completes an empty table with zero items', async () => {
    const result = await runBackfill(options({ table: 'empty' }));
    expect(result).toMatchObject({ items: 0, complete: true });
  });

  it('backs off on throttled scans and goes on', async () => {
    const proxy = await startFaultProxy({ target: dynamo.endpoint });
    try {
      proxy.addRule({ match: { target: 'DynamoDB_20120810.Scan' }, times: 2, fault: throttled() });
      const retries: number[] = [];
      const o = options({ client: dynamo.client(proxy.url), onRetry: (n) => retries.push(n.attempt) });
      const result = await runBackfill(o);
      expect(result.items).toBe(ITEMS);
      expect(retries.length).toBe(2);
    } finally {
      await proxy.close();
    }
  });

  it('fails with BackfillError naming the segment when throttling outlasts the retries, keeping the checkpoint', async () => {
    const proxy = await startFaultProxy({ target: dynamo.endpoint });
    try {
      proxy.addRule({ match: { target: 'DynamoDB_20120810.Scan' }, fault: throttled() });
      const o = options({ client: dynamo.client(proxy.url), segments: 1 });
      const error = await runBackfill(o).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackfillError);
      expect((error as BackfillError).segment).toBe(0);
      expect(JSON.parse(await readFile(o.checkpointPath, 'utf8')).segments[0].done).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it('keeps to the rate: the limiter is asked for every record', async () => {
    const taken: number[] = [];
    let clock = 0;
    const o = options({
      rate: 50,
      timer: {
        now: () => clock,
        sleep: async (ms) => {
          taken.push(ms);
          clock += ms;
        },
      },
    });
    await runBackfill(o);
    // 120 records at 50/s with a one-second burst: the last one is emitted no earlier than 1.4 s.
    expect(clock).toBeGreaterThanOrEqual(1400);
    expect(o.seen).toHaveLength(ITEMS);
  });
});
