import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { fixtureVector } from '../../lib/fixtures/embeddingBytes.js';
import type { VectorOperation } from '../../lib/routing/types.js';
import { BedrockTitanEmbedder } from '../../lib/vector/BedrockTitanEmbedder.js';
import { LanceDbIndex } from '../../lib/vector/backends/LanceDbIndex.js';
import type { StoredEntry } from '../../lib/vector/backends/types.js';
import { DimensionMismatchError } from '../../lib/vector/errors.js';
import { VectorSyncWorker } from '../../lib/vector/VectorSyncWorker.js';
import { type BedrockEndpoint, expectedEmbedding, startBedrockEndpoint } from './support/bedrockEndpoint.js';
import { DIMENSIONS, shuffled, TurnTable } from './support/turnTable.js';

let bedrock: BedrockEndpoint;
const directories: string[] = [];
const indexes: LanceDbIndex[] = [];

beforeAll(async () => {
  bedrock = await startBedrockEndpoint();
});
afterAll(async () => {
  await bedrock.close();
});
afterEach(async () => {
  for (const index of indexes.splice(0)) await index.close();
  for (const dir of directories.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function openIndex(): Promise<LanceDbIndex> {
  const dir = await mkdtemp(join(tmpdir(), 'memory-cdc-vectors-'));
  directories.push(dir);
  const index = await LanceDbIndex.open({ directory: dir });
  indexes.push(index);
  return index;
}

function embedder(): BedrockTitanEmbedder {
  const client = new BedrockRuntimeClient({
    endpoint: bedrock.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    // The Bedrock Runtime client speaks HTTP/2 by default; the local endpoint is HTTP/1.1.
    requestHandler: new NodeHttpHandler(),
  });
  return new BedrockTitanEmbedder({ client, dimensions: DIMENSIONS });
}

async function workerWithIndex(): Promise<{ worker: VectorSyncWorker; index: LanceDbIndex }> {
  const index = await openIndex();
  return { worker: new VectorSyncWorker({ index, embedder: embedder(), storeText: true }), index };
}

async function stored(index: LanceDbIndex, tombstones = false): Promise<StoredEntry[]> {
  const out: StoredEntry[] = [];
  for await (const entry of index.list({ includeTombstones: tombstones })) out.push(entry);
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/** The story: inserts (binary, list and no embedding), text edits, other edits, a delete, an expiry. */
function story(): TurnTable {
  const table = new TurnTable();
  table.putTurn('u-1', 'c-a', 't-1', 'user', 'Find me a quiet hotel in Alfama.', { seed: 1, binary: true });
  table.putTurn('u-1', 'c-a', 't-2', 'assistant', 'Here are three quiet hotels.', { seed: 2 });
  table.putTurn('u-1', 'c-a', 't-3', 'user', 'Is breakfast included?');
  table.putTurn('u-1', 'c-b', 't-4', 'user', 'Book a table for two.', { seed: 4, binary: true });
  table.putTurn('u-2', 'c-z', 't-5', 'user', 'Remind me tomorrow.');
  table.update('t-1', {
    text: 'Find me a quiet hotel in Alfama for March.',
    embedding: fixtureVector(11, DIMENSIONS),
  });
  table.update('t-2', { feedback: 'thumbs_up', updated_at: '2026-11-28T10:00:00Z' });
  table.update('t-3', { text: 'Is breakfast included, and from when?' });
  table.delete('t-4');
  table.expire('t-5');
  table.putTurn('u-1', 'c-a', 't-6', 'assistant', 'Breakfast is served from 7:00.');
  return table;
}

/** Asserts the index holds exactly the surviving turns, each findable by its own vector. */
async function expectIndexEquals(index: LanceDbIndex, table: TurnTable): Promise<void> {
  const surviving = table.surviving();
  const live = await stored(index);
  expect(live.map((e) => e.key)).toEqual(surviving.map((t) => t.vectorKey).sort());
  for (const turn of surviving) {
    const entry = live.find((e) => e.key === turn.vectorKey)!;
    expect(entry.text).toBe(turn.text);
    expect(entry.metadata).toMatchObject({
      userId: turn.userId,
      conversationId: turn.conversationId,
      role: turn.role,
    });
    const vector = turn.embedding ?? expectedEmbedding(turn.text, DIMENSIONS);
    const [nearest] = await index.query({
      vector: Float32Array.from(vector),
      topK: 1,
      userId: turn.userId,
      conversationId: turn.conversationId,
    });
    expect(nearest?.key).toBe(turn.vectorKey);
    expect(nearest?.distance).toBeLessThan(1e-5);
  }
}

describe('VectorSyncWorker on LanceDB', () => {
  test('an insert stores the item embedding with filterable metadata and the text', async () => {
    const table = new TurnTable();
    table.putTurn('u-1', 'c-a', 't-1', 'user', 'Find me a quiet hotel in Alfama.', { seed: 1, binary: true });
    const { worker, index } = await workerWithIndex();
    const outcomes = await worker.apply(table.operations());
    expect(outcomes).toEqual([{ status: 'upserted', embedded: false }]);
    expect(index.dimension).toBe(DIMENSIONS);
    const [entry] = await stored(index);
    expect(entry?.metadata).toEqual({
      userId: 'u-1',
      conversationId: 'c-a',
      turnId: 't-1',
      role: 'user',
      timestamp: Date.parse(table.key('t-1').sk.toString().split('#TS#')[1]!),
    });
    await expectIndexEquals(index, table);
  });

  test('insert, modify-text, modify-other, delete and expire leave the table final state', async () => {
    const table = story();
    const { worker, index } = await workerWithIndex();
    for (const op of table.operations()) await worker.apply([op]);
    await expectIndexEquals(index, table);
    const tombstones = (await stored(index, true)).filter((e) => e.deleted);
    expect(tombstones).toHaveLength(2);
    // t-3 (inserted, then edited), t-5 (inserted) and t-6 had no embedding of their own.
    expect(worker.stats.embeddingCalls).toBe(4);
  });

  test('a modify that leaves text and embedding alone costs no operation at all', async () => {
    const table = new TurnTable();
    table.putTurn('u-1', 'c-a', 't-1', 'user', 'Hello there.');
    const inserts = table.operations().length;
    table.update('t-1', { feedback: 'thumbs_up' });
    table.update('t-1', { updated_at: '2026-11-28T10:00:00Z' });
    expect(table.operations()).toHaveLength(inserts);
  });

  test('an upsert whose text equals the stored one moves the position without an embedding call', async () => {
    const table = new TurnTable();
    table.putTurn('u-1', 'c-a', 't-1', 'user', 'Hello there.');
    const { worker, index } = await workerWithIndex();
    const [insert] = table.operations();
    await worker.apply([insert!]);
    expect(worker.stats.embeddingCalls).toBe(1);
    // A later change re-reports the same text (e.g. another part of a JSON content attribute moved).
    const later: VectorOperation = {
      ...insert!,
      reason: 'text-changed',
      role: 'assistant',
      position: {
        ...insert!.position,
        sequenceNumber: (BigInt(insert!.position.sequenceNumber) + 5n).toString(),
      },
    };
    expect(await worker.apply([later])).toEqual([{ status: 'unchanged' }]);
    expect(worker.stats.embeddingCalls).toBe(1);
    const [state] = (await index.readState([insert!.vectorKey])).values();
    expect(state?.sequenceNumber).toBe(later.position.sequenceNumber);
    expect((await stored(index))[0]?.metadata?.role).toBe('assistant');
    // And the older insert, delivered again, is now stale.
    expect(await worker.apply([insert!])).toEqual([{ status: 'stale' }]);
  });

  test('out-of-order replay in small batches converges on the table final state', async () => {
    const table = story();
    const { worker, index } = await workerWithIndex();
    const ops = shuffled(table.operations(), 7);
    for (let i = 0; i < ops.length; i += 3) await worker.apply(ops.slice(i, i + 3));
    await expectIndexEquals(index, table);
  });

  test('every order of delivery, with duplicates, converges on the same index', async () => {
    const table = story();
    const ops = table.operations();
    const orders = [ops, [...ops].reverse(), shuffled(ops, 1), shuffled(ops, 2)];
    for (const order of orders) {
      const { worker, index } = await workerWithIndex();
      await worker.apply([...order, ...shuffled(order, 3)]); // one batch, each change twice
      await worker.apply(order); // and the whole stream delivered again
      await expectIndexEquals(index, table);
    }
  });

  test('duplicate delivery is stale and calls the embedder once', async () => {
    const table = new TurnTable();
    table.putTurn('u-1', 'c-a', 't-1', 'user', 'Only text here.');
    const { worker } = await workerWithIndex();
    const [op] = table.operations();
    expect(await worker.apply([op!, op!])).toEqual([
      { status: 'upserted', embedded: true },
      { status: 'stale' },
    ]);
    expect(await worker.apply([op!])).toEqual([{ status: 'stale' }]);
    expect(worker.stats.embeddingCalls).toBe(1);
  });

  test('a late upsert older than a delete cannot resurrect the turn', async () => {
    const table = new TurnTable();
    table.putTurn('u-1', 'c-a', 't-1', 'user', 'Delete me.', { seed: 3 });
    table.delete('t-1');
    const [insert, remove] = table.operations();
    const { worker, index } = await workerWithIndex();
    expect(await worker.apply([remove!])).toEqual([{ status: 'deleted' }]);
    expect(await worker.apply([insert!])).toEqual([{ status: 'stale' }]);
    expect(await stored(index)).toEqual([]);
    const [tombstone] = await stored(index, true);
    expect(tombstone).toMatchObject({
      key: insert!.vectorKey,
      deleted: true,
      sequenceNumber: remove!.position.sequenceNumber,
    });
  });

  test('sequence numbers compare as integers, not as text', async () => {
    const { worker, index } = await workerWithIndex();
    const op = (sequenceNumber: string, seed: number): VectorOperation => ({
      action: 'upsert',
      reason: 'text-changed',
      vectorKey: 'k-1',
      keys: { pk: 'USER#u', sk: 'CONV#c#TS#1' },
      ids: { userId: 'u', conversationId: 'c' },
      text: `version ${sequenceNumber}`,
      embedding: fixtureVector(seed, DIMENSIONS),
      position: { sequenceNumber, approximateCreationEpochMs: 0 },
      eventId: `e-${sequenceNumber}`,
    });
    await worker.apply([op('10', 1)]);
    expect(await worker.apply([op('9', 2)])).toEqual([{ status: 'stale' }]);
    expect(await worker.apply([op('9', 2), op('100', 3), op('11', 4)])).toEqual([
      { status: 'stale' },
      { status: 'upserted', embedded: false },
      { status: 'stale' },
    ]);
    expect((await stored(index))[0]?.text).toBe('version 100');
  });

  test('a vector of the wrong dimension is rejected and never written', async () => {
    const table = new TurnTable();
    table.putTurn('u-1', 'c-a', 't-1', 'user', 'First.', { seed: 1 });
    const { worker, index } = await workerWithIndex();
    await worker.apply(table.operations());
    const [first] = table.operations();
    const wrong: VectorOperation = {
      ...first!,
      vectorKey: 'other',
      embedding: fixtureVector(5, 8),
      position: { ...first!.position, sequenceNumber: '900000000000000000000' },
    };
    const [outcome] = await worker.apply([wrong]);
    expect(outcome).toMatchObject({ status: 'rejected' });
    expect(outcome?.status === 'rejected' && outcome.error).toBeInstanceOf(DimensionMismatchError);
    expect((await stored(index, true)).map((e) => e.key)).toEqual([first!.vectorKey]);
  });

  test('an embedder whose dimension differs from the index is refused at construction', async () => {
    const index = await openIndex();
    await new VectorSyncWorker({ index }).apply(
      (() => {
        const t = new TurnTable();
        t.putTurn('u', 'c', 't', 'user', 'x', { seed: 1 });
        return t.operations();
      })(),
    );
    const other = new BedrockTitanEmbedder({
      client: new BedrockRuntimeClient({ region: 'us-east-1' }),
      dimensions: 512,
    });
    expect(() => new VectorSyncWorker({ index, embedder: other })).toThrow(DimensionMismatchError);
  });

  test('a text-only turn without an embedder is rejected, saying how to configure one', async () => {
    const table = new TurnTable();
    table.putTurn('u-1', 'c-a', 't-1', 'user', 'No embedding here.');
    const index = await openIndex();
    const [outcome] = await new VectorSyncWorker({ index }).apply(table.operations());
    expect(outcome).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('no embedder is configured'),
    });
  });

  test('a malformed embedding attribute is rejected, not replaced by the text', async () => {
    const table = new TurnTable();
    table.putTurn('u-1', 'c-a', 't-1', 'user', 'Text.', { seed: 1 });
    const [op] = table.operations();
    const { worker } = await workerWithIndex();
    const [outcome] = await worker.apply([{ ...op!, embedding: [0.1, Number.NaN] }]);
    expect(outcome).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('InvalidEmbeddingError'),
    });
    expect(bedrock.embedded).not.toContain('Text.');
  });

  test('throttled embedding calls are retryable; the next attempt indexes the turn', async () => {
    const table = new TurnTable();
    table.putTurn('u-1', 'c-a', 't-1', 'user', 'Throttle me once.');
    const { worker, index } = await workerWithIndex();
    let throttled = false;
    const rule = ({ inputText }: { inputText: string }) => {
      if (inputText !== 'Throttle me once.' || throttled) return undefined;
      throttled = true;
      return { status: 429, type: 'ThrottlingException' };
    };
    bedrock.faults.push(rule);
    try {
      const ops = table.operations();
      expect(await worker.apply(ops)).toEqual([
        { status: 'retryable', reason: expect.stringContaining('ThrottlingException'), throttled: true },
      ]);
      expect(await worker.apply(ops)).toEqual([{ status: 'upserted', embedded: true }]);
      await expectIndexEquals(index, table);
    } finally {
      bedrock.faults.splice(bedrock.faults.indexOf(rule), 1);
    }
  });
});
