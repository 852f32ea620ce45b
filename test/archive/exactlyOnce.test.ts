/**
 * The archive is exactly-once: the real archiver handler, writing to s3rver through a fault proxy,
 * driven through every retry pattern Lambda's event source mapping can produce, leaves each expired
 * item in exactly one object of the bucket.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeArchiveObject } from '../../lib/archive/archiveObjectCodec.js';
import { type ArchiverHandler, createArchiverHandler } from '../../lib/archive/createArchiverHandler.js';
import { S3ArchiveStore } from '../../lib/archive/S3ArchiveStore.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { type Fault, type FaultProxy, faults, startFaultProxy } from '../support/faultProxy.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';
import { archiveOutputsOf, expiryBatch } from './expiries.js';

const ARCHIVE = 'exactly-once-archive';
const DLQ = 'exactly-once-dlq';
const silent = pino({ level: 'silent' });

/** What one invocation's answer makes Lambda do next. */
type OnFailure =
  /** ReportBatchItemFailures: resume at the lowest reported sequence number. */
  | 'resume'
  /** The function errored (or timed out) after its writes: Lambda retries the same batch whole. */
  | 'whole-batch'
  /** The function errored with BisectBatchOnFunctionError: Lambda retries each half on its own. */
  | 'bisect';

interface ShardRun {
  invocations: number;
  failedInvocations: number;
}

/**
 * Lambda's loop over one shard. `sizeOf(n)` is the batch size of the n-th invocation, so a retry
 * can be cut to another size (batch size changed, or a smaller payload limit hit on retry).
 */
async function runShard(
  handler: ArchiverHandler,
  records: readonly StreamRecord[],
  onFailure: OnFailure,
  sizeOf: (invocation: number) => number,
): Promise<ShardRun> {
  const run: ShardRun = { invocations: 0, failedInvocations: 0 };
  const invoke = async (batch: readonly StreamRecord[]) => {
    if (++run.invocations > 40 * records.length) throw new Error('no progress: too many invocations');
    const { batchItemFailures } = await handler(
      { Records: [...batch] },
      { getRemainingTimeInMillis: () => 60_000 },
    );
    if (batchItemFailures.length > 0) run.failedInvocations++;
    return batchItemFailures;
  };
  // Processes `batch` until all of it is acknowledged, the way the mapping would.
  const settle = async (batch: readonly StreamRecord[]): Promise<void> => {
    let rest = batch;
    while (rest.length > 0) {
      const failures = await invoke(rest);
      if (failures.length === 0) return;
      if (onFailure === 'resume') {
        const first = rest.findIndex((r) => r.dynamodb?.SequenceNumber === failures[0]!.itemIdentifier);
        expect(first).toBeGreaterThanOrEqual(0);
        rest = rest.slice(first);
      } else if (onFailure === 'bisect' && rest.length > 1) {
        const half = Math.ceil(rest.length / 2);
        await settle(rest.slice(0, half));
        await settle(rest.slice(half));
        return;
      }
      // 'whole-batch' (and a bisected batch of one): the same records again.
    }
  };
  let position = 0;
  while (position < records.length) {
    const size = sizeOf(run.invocations + 1);
    const batch = records.slice(position, position + size);
    const failures = await invoke(batch);
    if (failures.length === 0) {
      position += batch.length;
      continue;
    }
    if (onFailure === 'resume') {
      position += batch.findIndex((r) => r.dynamodb?.SequenceNumber === failures[0]!.itemIdentifier);
      continue;
    }
    await settle(batch);
    position += batch.length;
  }
  return run;
}

describe('the archive holds every expired item in exactly one object', () => {
  let s3: S3rverHandle;
  let proxy: FaultProxy;
  let client: S3Client;
  let prefix: string;
  const { expiries } = expiryBatch({ users: 3, conversationsPerUser: 3, turns: 4, hours: 3 });
  const eventIds = archiveOutputsOf(expiries).map((output) => output.payload.eventId);

  beforeAll(async () => {
    s3 = await startS3rver({ buckets: [ARCHIVE, DLQ] });
    proxy = await startFaultProxy({ target: s3.endpoint, seed: 15 });
    client = s3.client({ endpoint: proxy.url, maxAttempts: 1 });
  });
  afterAll(async () => {
    await proxy?.close();
    await s3?.close();
  });
  beforeEach(({ task }) => {
    proxy.clearRules();
    prefix = `archive/${task.id}/`;
  });

  const handler = () =>
    createArchiverHandler(
      {
        MEMORY_CDC_LAYOUT: 'agent-memory',
        ARCHIVE_BUCKET: ARCHIVE,
        ARCHIVE_PREFIX: prefix,
        DEAD_LETTER_BUCKET: DLQ,
        // One attempt per invocation: every fault reaches Lambda's retry, which is what is tested.
        DELIVERY_MAX_ATTEMPTS: '1',
      },
      { s3Client: client, logger: silent, metrics: null },
    );
  const archivePuts = (fault: Fault, probability: number) =>
    proxy.addRule({
      match: { method: 'PUT', path: new RegExp(`/${ARCHIVE}/${prefix}`) },
      fault,
      probability,
    });

  /** Every object under the test's prefix, with the event ids of the lines it holds. */
  const bucketContents = async () => {
    const store = new S3ArchiveStore({ client, bucket: ARCHIVE, prefix });
    const objects: { key: string; ids: string[] }[] = [];
    for await (const key of store.listObjects()) {
      const entries = await decodeArchiveObject(await store.getObject(key), key);
      objects.push({ key, ids: entries.map((entry) => entry.eventId) });
    }
    return objects;
  };
  const expectExactlyOnce = async () => {
    const objects = await bucketContents();
    const copies = new Map<string, number>();
    for (const object of objects) for (const id of object.ids) copies.set(id, (copies.get(id) ?? 0) + 1);
    const duplicated = [...copies].filter(([, n]) => n > 1).map(([id]) => id);
    expect(duplicated).toEqual([]);
    expect([...copies.keys()].sort()).toEqual([...eventIds].sort());
    expect(objects.every((object) => object.ids.length === 1)).toBe(true);
  };

  it.each<[string, OnFailure, Fault, (n: number) => number]>([
    ['retried from the reported record', 'resume', faults.s3InternalError(), () => 10],
    [
      'retried from the reported record after a PUT stored but never answered',
      'resume',
      faults.lostAnswer(),
      () => 10,
    ],
    ['retried whole after the function failed', 'whole-batch', faults.lostAnswer(), () => 10],
    ['bisected into halves on function error', 'bisect', faults.lostAnswer(), () => 16],
    [
      'cut to another batch size on every retry',
      'resume',
      faults.lostAnswer(),
      (n) => [10, 7, 13, 3, 25][n % 5]!,
    ],
  ])('when batches are %s', async (_, onFailure, fault, sizeOf) => {
    const injectedBefore = proxy.injected();
    archivePuts(fault, 0.2);
    const run = await runShard(handler(), expiries, onFailure, sizeOf);
    // The faults really cut batches: several invocations failed and were retried.
    expect(proxy.injected() - injectedBefore).toBeGreaterThan(3);
    expect(run.failedInvocations).toBeGreaterThan(1);
    await expectExactlyOnce();
  });

  it('when a batch that was fully written is delivered again in other cuts', async () => {
    const run = handler();
    await runShard(run, expiries, 'resume', () => 20);
    // The mapping replays the shard (an operator moved the iterator back, a second consumer...).
    await runShard(run, expiries.slice(5), 'resume', () => 9);
    await expectExactlyOnce();
  });
});
