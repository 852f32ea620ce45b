/**
 * The vector sync worker:
 * 1. upserts per second into the local LanceDB index for 10,000 turns with 1,024-dimension vectors
 *    (the items' own embeddings), applied in Lambda-sized batches of 500 — stale checks, merge-insert
 *    and cleanup included;
 * 2. embedding calls the worker makes on a realistic modify-heavy stream of text-only turns, next
 *    to a naive sync that embeds every turn insert and modify. The stream: turns written, then read
 *    (`last_accessed_at`), rated, token-counted, re-saved whole with the same text, now and then
 *    edited, deleted or expired; the change log delivers 3 % of records twice (at-least-once) and
 *    the last 10 % again (a consumer restarting from an older checkpoint). Embeddings come from the
 *    real Bedrock client against the local test endpoint, which counts the calls.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { fixtureVector } from '../lib/fixtures/embeddingBytes.js';
import { seededRandom } from '../lib/fixtures/seededRandom.js';
import { type Item, TableSimulator } from '../lib/fixtures/TableSimulator.js';
import { agentMemoryLayout } from '../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../lib/pipeline/createPipeline.js';
import type { VectorOperation, VectorOutput } from '../lib/routing/types.js';
import { vectorKeyFor } from '../lib/routing/vectorOperation.js';
import type { StreamViewType } from '../lib/stream/types.js';
import { BedrockTitanEmbedder } from '../lib/vector/BedrockTitanEmbedder.js';
import { LanceDbIndex } from '../lib/vector/backends/LanceDbIndex.js';
import { VectorSyncWorker } from '../lib/vector/VectorSyncWorker.js';
import { startBedrockEndpoint } from '../test/vector/support/bedrockEndpoint.js';
import type { BenchResult } from './measure.js';

const TURNS = 10_000;
const DIMENSIONS = 1024;
const BATCH = 500;

/** 10,000 turn inserts with their own 1,024-dimension embeddings, as the pipeline produces them. */
function turnInserts(): VectorOperation[] {
  const ops: VectorOperation[] = [];
  for (let i = 0; i < TURNS; i++) {
    const keys = { pk: `USER#u-${i % 50}`, sk: `CONV#c-${i % 400}#TS#2026-11-28T10:00:00.000Z-${i}` };
    ops.push({
      action: 'upsert',
      reason: 'inserted',
      vectorKey: vectorKeyFor('agent-memory', keys),
      keys,
      ids: {
        userId: `u-${i % 50}`,
        conversationId: `c-${i % 400}`,
        turnId: `t-${i}`,
        timestamp: String(1_795_860_000 + i),
      },
      text: `turn ${i}: a question about quiet hotels, breakfast and trams in Lisbon`,
      embedding: fixtureVector(i + 1, DIMENSIONS),
      role: i % 2 ? 'assistant' : 'user',
      position: {
        sequenceNumber: String(100_000_000_000_000_000_000n + BigInt(i)),
        approximateCreationEpochMs: 0,
      },
      eventId: `e-${i}`,
    });
  }
  return ops;
}

async function upsertThroughput(): Promise<BenchResult[]> {
  const ops = turnInserts();
  const directory = await mkdtemp(join(tmpdir(), 'memory-cdc-bench-vectors-'));
  try {
    const index = await LanceDbIndex.open({ directory });
    const worker = new VectorSyncWorker({ index, storeText: true });
    const start = process.hrtime.bigint();
    for (let i = 0; i < ops.length; i += BATCH) {
      const outcomes = await worker.apply(ops.slice(i, i + BATCH));
      if (outcomes.some((o) => o.status !== 'upserted')) throw new Error('bench: an upsert was not applied');
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    // The same 10,000 again (a replay): every operation is stale, nothing is written.
    const replayStart = process.hrtime.bigint();
    for (let i = 0; i < ops.length; i += BATCH) await worker.apply(ops.slice(i, i + BATCH));
    const replaySeconds = Number(process.hrtime.bigint() - replayStart) / 1e9;
    await index.close();
    return [
      {
        name: `vector: upserts/s into LanceDB (${TURNS} turns, ${DIMENSIONS} dims, batches of ${BATCH})`,
        value: Math.round(TURNS / seconds),
        unit: 'ops/s',
      },
      {
        name: 'vector: replayed (stale) operations/s on the same index',
        value: Math.round(TURNS / replaySeconds),
        unit: 'ops/s',
      },
    ];
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** The modify-heavy stream of text-only turns, as change-log vector outputs in delivery order. */
function modifyHeavyStream(viewType: StreamViewType): {
  outputs: VectorOutput[];
  naiveCalls: number;
  records: number;
} {
  const random = seededRandom(11);
  const sim = new TableSimulator({
    table: 'agent-memory',
    keyAttributes: ['pk', 'sk'],
    startEpochSeconds: 1_795_860_000,
    viewType,
  });
  const live: Item[] = [];
  const words = 'quiet hotel breakfast tram lisbon march alfama booking refund table dinner museum'.split(
    ' ',
  );
  const sentence = () =>
    Array.from({ length: 12 }, () => words[Math.floor(random() * words.length)]).join(' ');
  let serial = 0;
  let naiveCalls = 0;
  for (let step = 0; step < 10_000; step++) {
    sim.advance(1);
    const roll = random();
    if (live.length === 0 || roll < 0.15) {
      serial++;
      const item: Item = {
        pk: `USER#u-${serial % 40}`,
        sk: `CONV#c-${serial % 150}#TS#${new Date(sim.now * 1000).toISOString()}-${serial}`,
        turn_id: `t-${serial}`,
        role: serial % 2 ? 'assistant' : 'user',
        text: sentence(),
        tokens: 0,
      };
      sim.put(item);
      live.push(item);
      naiveCalls++;
      continue;
    }
    const index = Math.floor(random() * live.length);
    const key = { pk: live[index]!.pk, sk: live[index]!.sk };
    const current = sim.get(key)!;
    if (roll < 0.55) sim.update(key, { last_accessed_at: new Date(sim.now * 1000).toISOString() });
    else if (roll < 0.7) sim.update(key, { feedback: random() < 0.5 ? 'up' : 'down' });
    else if (roll < 0.8) sim.update(key, { tokens: Number(current.tokens) + 17 });
    else if (roll < 0.88)
      sim.put({ ...current, updated_at: new Date(sim.now * 1000).toISOString() }); // re-save
    else if (roll < 0.96)
      sim.update(key, { text: sentence() }); // an edit
    else {
      live.splice(index, 1);
      if (roll < 0.98) sim.delete(key);
      else sim.expire(key);
      continue;
    }
    naiveCalls++; // A naive sync embeds every modify of a turn.
  }
  const pipeline = createPipeline({ layout: agentMemoryLayout });
  const inOrder = sim.records.flatMap((r) =>
    pipeline.process(r).outputs.filter((o): o is VectorOutput => o.sink === 'vector'),
  );
  // At-least-once: 3 % delivered twice (the copy right after), then the last 10 % again.
  const delivered: VectorOutput[] = [];
  for (const output of inOrder) {
    delivered.push(output);
    if (random() < 0.03) delivered.push(output);
  }
  delivered.push(...inOrder.slice(Math.floor(inOrder.length * 0.9)));
  return { outputs: delivered, naiveCalls, records: sim.records.length };
}

/** Embedding calls the worker makes on the stream of one view type. */
async function embeddingCalls(viewType: StreamViewType) {
  const { outputs, naiveCalls, records } = modifyHeavyStream(viewType);
  const endpoint = await startBedrockEndpoint();
  const directory = await mkdtemp(join(tmpdir(), 'memory-cdc-bench-embed-'));
  try {
    const client = new BedrockRuntimeClient({
      endpoint: endpoint.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
    const index = await LanceDbIndex.open({ directory });
    const worker = new VectorSyncWorker({
      index,
      embedder: new BedrockTitanEmbedder({ client, dimensions: 256 }),
    });
    for (let i = 0; i < outputs.length; i += 100) {
      const outcomes = await worker.apply(outputs.slice(i, i + 100).map((o) => o.payload));
      if (outcomes.some((o) => o.status === 'retryable' || o.status === 'rejected'))
        throw new Error('bench: an operation failed');
    }
    await index.close();
    return {
      naiveCalls,
      records,
      operations: outputs.length,
      made: endpoint.calls,
      stats: { ...worker.stats },
    };
  } finally {
    await endpoint.close();
    await rm(directory, { recursive: true, force: true });
  }
}

async function embeddingSavings(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  // NEW_AND_OLD_IMAGES: a modify that leaves the text alone yields no operation at all.
  // NEW_IMAGE: no old image to compare, every modify is an operation; the content hash skips it.
  for (const viewType of ['NEW_AND_OLD_IMAGES', 'NEW_IMAGE'] as const) {
    const r = await embeddingCalls(viewType);
    const tag = `vector [${viewType}]`;
    if (viewType === 'NEW_AND_OLD_IMAGES') {
      results.push({
        name: `vector: turn inserts and modifies in the stream (${r.records} records)`,
        value: r.naiveCalls,
        unit: 'calls naive',
      });
    }
    results.push(
      { name: `${tag}: operations delivered (with duplicates and replay)`, value: r.operations, unit: 'ops' },
      { name: `${tag}: skipped as stale (duplicates, replay)`, value: r.stats.stale, unit: 'ops' },
      {
        name: `${tag}: skipped as unchanged (same text, no embedding call)`,
        value: r.stats.unchanged,
        unit: 'ops',
      },
      { name: `${tag}: embedding calls made`, value: r.made, unit: 'calls' },
      {
        name: `${tag}: embedding calls saved vs naive`,
        value: Math.round((1 - r.made / r.naiveCalls) * 1000) / 10,
        unit: '%',
      },
    );
  }
  return results;
}

/** Runs both vector benchmarks (about a minute on two cores). */
export async function benchVector(): Promise<BenchResult[]> {
  return [...(await upsertThroughput()), ...(await embeddingSavings())];
}
