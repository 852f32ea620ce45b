import { S3VectorsClient } from '@aws-sdk/client-s3vectors';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { fixtureVector } from '../../lib/fixtures/embeddingBytes.js';
import {
  S3_VECTORS_LIMITS,
  S3_VECTORS_NON_FILTERABLE_METADATA_KEYS,
  S3VectorsIndex,
} from '../../lib/vector/backends/S3VectorsIndex.js';
import type { IndexEntry, VectorEntry } from '../../lib/vector/types.js';
import { VectorSyncWorker } from '../../lib/vector/VectorSyncWorker.js';
import { LIMITS, type S3VectorsEndpoint, startS3VectorsEndpoint } from '../support/s3VectorsEndpoint.js';

let endpoint: S3VectorsEndpoint;
let count = 0;

beforeAll(async () => {
  endpoint = await startS3VectorsEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});
beforeEach(() => {
  endpoint.faults.length = 0;
});

/** A fresh index on the endpoint and an adapter for it. */
function fresh(dimension = 8, clientOptions: { maxAttempts?: number } = {}, maxRequestBytes?: number) {
  const indexName = `index-${++count}`;
  endpoint.createIndex({
    vectorBucketName: 'memory',
    indexName,
    dimension,
    nonFilterableMetadataKeys: [...S3_VECTORS_NON_FILTERABLE_METADATA_KEYS],
  });
  const client = new S3VectorsClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: clientOptions.maxAttempts ?? 1,
  });
  const index = new S3VectorsIndex({
    client,
    vectorBucketName: 'memory',
    indexName,
    dimension,
    ...(maxRequestBytes ? { maxRequestBytes } : {}),
  });
  const start = endpoint.requests.length;
  return {
    index,
    stored: () => endpoint.vectors('memory', indexName),
    log: (operation?: string) =>
      endpoint.requests.slice(start).filter((r) => operation === undefined || r.operation === operation),
  };
}

function vectorEntry(n: number, dimension = 8, extra: Partial<VectorEntry> = {}): VectorEntry {
  return {
    kind: 'vector',
    key: `key-${String(n).padStart(5, '0')}`,
    sequenceNumber: String(1000 + n),
    vector: Float32Array.from(fixtureVector(n + 1, dimension)),
    metadata: {
      userId: `u-${n % 3}`,
      conversationId: `c-${n % 2}`,
      role: 'user',
      turnId: `t-${n}`,
      timestamp: 1_700_000_000_000 + n,
    },
    contentHash: `item:${n}`,
    ...extra,
  };
}

describe('S3VectorsIndex against an S3 Vectors endpoint', () => {
  test('stores vectors with filterable metadata and tombstones, and reads positions back', async () => {
    const { index, stored } = fresh();
    const outcomes = await index.write([
      vectorEntry(1),
      { kind: 'tombstone', key: 'key-gone', sequenceNumber: '2000', deletedAt: 1_700_000_000_500 },
    ]);
    expect(outcomes).toEqual([{ status: 'accepted' }, { status: 'accepted' }]);
    expect(stored().get('key-00001')?.metadata).toEqual({
      deleted: false,
      seq: '1001',
      contentHash: 'item:1',
      userId: 'u-1',
      conversationId: 'c-1',
      turnId: 't-1',
      role: 'user',
      timestamp: 1_700_000_000_001,
    });
    expect(stored().get('key-gone')?.metadata).toEqual({
      deleted: true,
      seq: '2000',
      deletedAt: 1_700_000_000_500,
    });
    const states = await index.readState(['key-00001', 'key-gone', 'key-never']);
    expect([...states.values()]).toEqual([
      { key: 'key-00001', sequenceNumber: '1001', deleted: false, contentHash: 'item:1' },
      { key: 'key-gone', sequenceNumber: '2000', deleted: true },
    ]);
  });

  test('batches PutVectors at 500 vectors and GetVectors at 100 keys', async () => {
    const { index, log } = fresh();
    const entries = Array.from({ length: 1201 }, (_, n) => vectorEntry(n));
    const outcomes = await index.write(entries);
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(
      log('PutVectors')
        .map((r) => r.items)
        .sort((a, b) => b - a),
    ).toEqual([500, 500, 201]);
    const states = await index.readState(entries.map((e) => e.key));
    expect(states.size).toBe(1201);
    expect(log('GetVectors').every((r) => r.items <= S3_VECTORS_LIMITS.keysPerGet)).toBe(true);
    expect(log('GetVectors')).toHaveLength(13);
  });

  test('keeps every PutVectors body under the byte budget', async () => {
    const dimension = 1024;
    const budget = 256 * 1024;
    const { index, log } = fresh(dimension, {}, budget);
    const entries = Array.from({ length: 40 }, (_, n) => vectorEntry(n, dimension));
    expect((await index.write(entries)).every((o) => o.status === 'accepted')).toBe(true);
    const puts = log('PutVectors');
    expect(puts.length).toBeGreaterThan(1);
    expect(puts.every((r) => r.bytes < budget)).toBe(true);
    expect(puts.reduce((n, r) => n + r.items, 0)).toBe(40);
  });

  test('a throttled request fails only its own vectors, as retryable and throttled', async () => {
    const { index, stored } = fresh();
    // The request holding the second 500 vectors is throttled; the others succeed.
    endpoint.faults.push(({ operation, body }) => {
      const first = (body.vectors as { key: string }[] | undefined)?.[0]?.key;
      return operation === 'PutVectors' && first === 'key-00500'
        ? { status: 429, type: 'TooManyRequestsException' }
        : undefined;
    });
    const entries = Array.from({ length: 1100 }, (_, n) => vectorEntry(n));
    const outcomes = await index.write(entries);
    const failed = outcomes.flatMap((o, i) => (o.status === 'accepted' ? [] : [i]));
    expect(failed).toEqual(Array.from({ length: 500 }, (_, n) => 500 + n));
    expect(outcomes[500]).toMatchObject({ status: 'retryable', throttled: true });
    expect(stored().size).toBe(600);
  });

  test('server errors are retryable; the SDK retry strategy absorbs a transient one', async () => {
    const { index, stored } = fresh(8, { maxAttempts: 3 });
    let calls = 0;
    endpoint.faults.push(({ operation }) =>
      operation === 'PutVectors' && calls++ === 0
        ? { status: 503, type: 'ServiceUnavailableException' }
        : undefined,
    );
    expect(await index.write([vectorEntry(1)])).toEqual([{ status: 'accepted' }]);
    expect(calls).toBe(2);
    expect(stored().size).toBe(1);
    const failing = fresh(8);
    endpoint.faults.push(() => ({ status: 500, type: 'InternalServerException' }));
    expect(await failing.index.write([vectorEntry(2)])).toEqual([
      { status: 'retryable', reason: expect.stringContaining('InternalServerException') },
    ]);
  });

  test('an invalid vector is isolated: the rest of its request is written', async () => {
    const { index, stored, log } = fresh();
    // Filterable metadata over 2 KB: the service refuses the whole request with a ValidationException.
    const entries: IndexEntry[] = Array.from({ length: 300 }, (_, n) => vectorEntry(n));
    entries[137] = vectorEntry(137, 8, {
      metadata: { userId: 'u'.repeat(LIMITS.filterableMetadataBytes + 10), timestamp: 1 },
    });
    const outcomes = await index.write(entries);
    expect(outcomes[137]).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('ValidationException'),
    });
    expect(outcomes.filter((o) => o.status === 'accepted')).toHaveLength(299);
    expect(stored().size).toBe(299);
    // Bisection: about log2(300) extra requests, not 300.
    expect(log('PutVectors').length).toBeLessThan(20);
  });

  test('a vector of the wrong dimension is rejected before any request', async () => {
    const { index, log } = fresh();
    const outcomes = await index.write([vectorEntry(1, 16)]);
    expect(outcomes).toEqual([
      { status: 'rejected', reason: expect.stringContaining('16 dimensions, the index expects 8') },
    ]);
    expect(log('PutVectors')).toHaveLength(0);
  });

  test('queries one user (and conversation) and never returns tombstones', async () => {
    const { index } = fresh();
    await index.write([
      vectorEntry(1, 8, { metadata: { userId: 'u-a', conversationId: 'c-1', timestamp: 1 } }),
      vectorEntry(2, 8, { metadata: { userId: 'u-a', conversationId: 'c-2', timestamp: 2 } }),
      vectorEntry(3, 8, { metadata: { userId: 'u-b', conversationId: 'c-1', timestamp: 3 } }),
      { kind: 'tombstone', key: 'key-dead', sequenceNumber: '5', deletedAt: 5 },
    ]);
    const probe = Float32Array.from(fixtureVector(2, 8));
    const mine = await index.query({ vector: probe, topK: 10, userId: 'u-a' });
    expect(mine.map((m) => m.key)).toEqual(['key-00001', 'key-00002']);
    expect(mine[0]?.distance).toBeLessThan(1e-6);
    const conversation = await index.query({ vector: probe, topK: 10, userId: 'u-a', conversationId: 'c-2' });
    expect(conversation.map((m) => m.key)).toEqual(['key-00002']);
    // Tombstones sit at the placeholder vector: a query there still finds none.
    const placeholder = Float32Array.from({ length: 8 }, (_, i) => (i === 0 ? 1 : 0));
    const nearPlaceholder = await index.query({ vector: placeholder, topK: 100, userId: 'u-a' });
    expect(nearPlaceholder.map((m) => m.key)).not.toContain('key-dead');
  });

  test('a touch keeps the stored vector and moves the position and metadata', async () => {
    const { index, stored } = fresh();
    await index.write([vectorEntry(1)]);
    const before = stored().get('key-00001')!.data;
    expect(
      await index.write([
        {
          kind: 'touch',
          key: 'key-00001',
          sequenceNumber: '9999',
          metadata: { userId: 'u-1', role: 'assistant', timestamp: 7 },
        },
      ]),
    ).toEqual([{ status: 'accepted' }]);
    expect(stored().get('key-00001')).toEqual({
      data: before,
      metadata: {
        deleted: false,
        seq: '9999',
        contentHash: 'item:1',
        userId: 'u-1',
        role: 'assistant',
        timestamp: 7,
      },
    });
  });

  test('lists live vectors page by page, and purges old tombstones with DeleteVectors in batches of 500', async () => {
    const { index, stored, log } = fresh();
    const live = Array.from({ length: 5 }, (_, n) => vectorEntry(n));
    const tombstones: IndexEntry[] = Array.from({ length: 1200 }, (_, n) => ({
      kind: 'tombstone',
      key: `dead-${n}`,
      sequenceNumber: String(n + 1),
      deletedAt: n < 1100 ? 1_000 : 9_000,
    }));
    await index.write([...live, ...tombstones]);
    const listed: string[] = [];
    for await (const entry of index.list()) listed.push(entry.key);
    expect(listed.sort()).toEqual(live.map((e) => e.key));
    expect(log('ListVectors')).toHaveLength(2);
    expect(await index.purgeTombstones(5_000)).toBe(1100);
    expect(log('DeleteVectors').map((r) => r.items)).toEqual([500, 500, 100]);
    expect(stored().size).toBe(5 + 100);
  });

  test('the worker over S3 Vectors: stale changes are skipped, throttled ones retried', async () => {
    const { index, stored } = fresh();
    const worker = new VectorSyncWorker({ index });
    const op = (sequenceNumber: string, seed: number) => ({
      action: 'upsert' as const,
      reason: 'inserted' as const,
      vectorKey: 'turn-1',
      keys: { pk: 'USER#u', sk: 'CONV#c#TS#1' },
      ids: { userId: 'u', conversationId: 'c' },
      embedding: fixtureVector(seed, 8),
      position: { sequenceNumber, approximateCreationEpochMs: 0 },
      eventId: `e-${sequenceNumber}`,
    });
    let throttled = false;
    endpoint.faults.push(({ operation }) => {
      if (operation !== 'PutVectors' || throttled) return undefined;
      throttled = true;
      return { status: 429, type: 'TooManyRequestsException' };
    });
    expect(await worker.apply([op('20', 2)])).toEqual([
      { status: 'retryable', reason: expect.stringContaining('TooManyRequestsException'), throttled: true },
    ]);
    expect(await worker.apply([op('20', 2)])).toEqual([{ status: 'upserted', embedded: false }]);
    expect(await worker.apply([op('19', 1)])).toEqual([{ status: 'stale' }]);
    expect(stored().get('turn-1')?.data).toEqual(fixtureVector(2, 8).map(Math.fround));
  });
});
