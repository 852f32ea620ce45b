/**
 * End to end on a real DynamoDB stream (DynamoDB Local, started here):
 * - latency from an item write being sent to the router Lambda's handler having had its events
 *   accepted by EventBridge (the PutEvents test endpoint) and Kinesis (kinesalite), p50 and p99,
 *   at a steady 50 writes/s with the stream polled every 100 ms when idle;
 * - throughput of reading the stream (ShardWalker, GetRecords of up to 1,000) with and without the
 *   pipeline, next to replay of the same records from a captured fixture file — all on the one
 *   Node thread (DynamoDB Local's Java process has the other core).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantile } from '../lib/dev/DevStats.js';
import { LocalEventSourceMapping } from '../lib/dev/LocalEventSourceMapping.js';
import { AGENT_MEMORY_STORIES } from '../lib/dev/seed/agentMemoryStories.js';
import { keyOfWrite, runSeeder } from '../lib/dev/seed/runSeeder.js';
import { seedWrites } from '../lib/dev/seed/seedWrites.js';
import type { SeedWrite } from '../lib/dev/seed/types.js';
import { WriteClock } from '../lib/dev/WriteClock.js';
import { agentMemoryLayout } from '../lib/layout/presets/agentMemory.js';
import { ShardWalker } from '../lib/live/ShardWalker.js';
import { writeCaptureFile } from '../lib/live/writeCaptureFile.js';
import { createPipeline } from '../lib/pipeline/createPipeline.js';
import { replay } from '../lib/replay/replay.js';
import type { StreamRecord } from '../lib/stream/types.js';
import { type Harness, startHarness, waitFor } from '../test/e2e/harness.js';
import type { BenchResult } from './measure.js';

const LATENCY_WRITES = 300;
const THROUGHPUT_WRITES = 3000;
const KEYS = ['pk', 'sk'] as const;
const STORIES = AGENT_MEMORY_STORIES.filter(([name]) => name !== 'expired');

/** Writes as fast as DynamoDB Local takes them: 8 lanes, each item always in the same lane (its order kept). */
async function load(h: Harness, table: string, writes: SeedWrite[]): Promise<void> {
  const lanes: SeedWrite[][] = Array.from({ length: 8 }, () => []);
  for (const write of writes) {
    const key = keyOfWrite(write, KEYS);
    let hash = 0;
    for (const c of `${key.pk}|${key.sk}`) hash = (hash * 31 + c.charCodeAt(0)) | 0;
    lanes[Math.abs(hash) % lanes.length]!.push(write);
  }
  await Promise.all(lanes.map((lane) => h.write(table, lane)));
}

async function latency(h: Harness): Promise<number[]> {
  const table = await h.createTable('bench-latency');
  const clock = new WriteClock(KEYS);
  const samples: number[] = [];
  const controller = new AbortController();
  const mapping = new LocalEventSourceMapping({
    client: h.streams,
    streamArn: table.streamArn,
    startAt: 'trim-horizon',
    idlePollMs: 100,
    consumers: [{ name: 'router', handler: (event) => h.router(event) }],
    signal: controller.signal,
    onInvocation: (report) => {
      for (const record of report.acknowledged) {
        const sent = clock.takeRecordKeys(record.dynamodb!.Keys!);
        if (sent !== undefined) samples.push(report.finishedAt - sent);
      }
    },
  });
  const running = mapping.run();
  await runSeeder({
    client: h.dynamodb,
    tableName: table.tableName,
    writes: seedWrites({ stories: STORIES, count: LATENCY_WRITES, seed: 21 }),
    keyAttributes: KEYS,
    ratePerSecond: 50,
    onWrite: (_write, key, at) => clock.written(key, at),
  });
  await waitFor('every write delivered', () => samples.length >= LATENCY_WRITES, 60_000);
  controller.abort();
  await running;
  return samples.sort((a, b) => a - b);
}

/** Reads the whole stream once; `perRecord` runs on every record. Returns records and ms. */
async function walk(h: Harness, streamArn: string, total: number, perRecord?: (r: StreamRecord) => void) {
  const controller = new AbortController();
  const walker = new ShardWalker(h.streams, {
    streamArn,
    startAt: 'trim-horizon',
    idlePollMs: 20,
    signal: controller.signal,
  });
  const records: StreamRecord[] = [];
  const started = process.hrtime.bigint();
  for await (const batch of walker.batches()) {
    for (const record of batch.records) {
      perRecord?.(record);
      records.push(record);
    }
    if (records.length >= total) break;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  controller.abort();
  return { records, ms };
}

export async function benchE2e(): Promise<BenchResult[]> {
  const h = await startHarness();
  const dir = await mkdtemp(join(tmpdir(), 'bench-e2e-'));
  try {
    const samples = await latency(h);

    const table = await h.createTable('bench-throughput');
    await load(h, table.tableName, [...seedWrites({ stories: STORIES, count: THROUGHPUT_WRITES, seed: 22 })]);
    const pipeline = createPipeline({ layout: agentMemoryLayout });
    let outputs = 0;
    // Warm-up pass (JIT, connections), then measured passes: tail alone, tail + pipeline.
    await walk(h, table.streamArn, THROUGHPUT_WRITES);
    const tail = await walk(h, table.streamArn, THROUGHPUT_WRITES);
    const tailPipeline = await walk(h, table.streamArn, THROUGHPUT_WRITES, (r) => {
      outputs += pipeline.process(r).outputs.length;
    });
    const fixture = join(dir, 'captured.json');
    await writeCaptureFile(fixture, tail.records);
    await replay({ files: [fixture], layout: agentMemoryLayout });
    const replayStarted = process.hrtime.bigint();
    const summary = await replay({ files: [fixture], layout: agentMemoryLayout });
    const replayMs = Number(process.hrtime.bigint() - replayStarted) / 1e6;
    if (outputs < 0 || summary.failed > 0) throw new Error('bench: pipeline failed on the stream records');

    const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000);
    const tailPipelineRate = perSecond(tailPipeline.records.length, tailPipeline.ms);
    const replayRate = perSecond(summary.records, replayMs);
    return [
      {
        name: 'e2e: write -> router delivered, p50 (50 writes/s, 100 ms poll)',
        value: Math.round(quantile(samples, 0.5)),
        unit: 'ms',
      },
      {
        name: 'e2e: write -> router delivered, p99 (50 writes/s, 100 ms poll)',
        value: Math.round(quantile(samples, 0.99)),
        unit: 'ms',
      },
      {
        name: `e2e: tail only (${THROUGHPUT_WRITES} records from DynamoDB Local)`,
        value: perSecond(tail.records.length, tail.ms),
        unit: 'records/s',
      },
      { name: 'e2e: tail + pipeline (decode, classify, route)', value: tailPipelineRate, unit: 'records/s' },
      { name: 'e2e: replay of the same records (captured file)', value: replayRate, unit: 'records/s' },
      {
        name: 'e2e: ratio replay / tail + pipeline',
        value: Math.round((replayRate / tailPipelineRate) * 10) / 10,
        unit: 'x',
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
    await h.close();
  }
}
