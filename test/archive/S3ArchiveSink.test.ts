import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeArchiveObject } from '../../lib/archive/archiveObjectCodec.js';
import { groupArchiveOutputs } from '../../lib/archive/groupArchiveOutputs.js';
import { S3ArchiveStore } from '../../lib/archive/S3ArchiveStore.js';
import { DeliveryError } from '../../lib/errors.js';
import { S3ArchiveSink } from '../../lib/sinks/archive/S3ArchiveSink.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/faultProxy.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';
import { archiveOutputsOf, expiryBatch } from './expiries.js';

const BUCKET = 'archive-sink-test';
const FAST_RETRY = { maxAttempts: 2, baseDelayMs: 1, throttlingBaseDelayMs: 1, maxDelayMs: 2 };

describe('S3ArchiveSink against s3rver', () => {
  let s3: S3rverHandle;
  let proxy: FaultProxy;
  let client: S3Client;
  let prefix: string;
  const outputs = archiveOutputsOf(expiryBatch({ hours: 2 }).expiries);
  const groups = groupArchiveOutputs(outputs);

  beforeAll(async () => {
    s3 = await startS3rver({ buckets: [BUCKET] });
    proxy = await startFaultProxy({ target: s3.endpoint });
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

  const sink = (options: Partial<ConstructorParameters<typeof S3ArchiveSink>[0]> = {}) =>
    new S3ArchiveSink({ client, bucket: BUCKET, prefix, retry: FAST_RETRY, keepWritten: true, ...options });
  const puts = () => proxy.log.filter((entry) => entry.method === 'PUT' && entry.path.includes(prefix));
  const listKeys = async () =>
    ((await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map(
      (o) => o.Key!,
    );

  it('writes one object per expired item of the batch, each holding exactly that entry', async () => {
    const archive = sink({ keepWritten: false });
    const report = await archive.deliver(outputs);
    expect(report.outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(puts()).toHaveLength(groups.length);
    expect(archive.totals).toMatchObject({ objects: groups.length, items: outputs.length });
    expect(archive.written).toEqual([]);
    expect((await listKeys()).sort()).toEqual(groups.map((g) => prefix + g.key).sort());
    const store = new S3ArchiveStore({ client, bucket: BUCKET, prefix });
    for (const group of groups) {
      const entries = await decodeArchiveObject(await store.getObject(group.key), group.key);
      expect(entries).toEqual(group.outputs.map((o) => o.payload));
    }
  });

  it('overwrites its own objects when the same batch is delivered again', async () => {
    await sink().deliver(outputs);
    await sink().deliver(outputs);
    expect(await listKeys()).toHaveLength(groups.length);
  });

  it.each([
    ['500 InternalError', faults.s3InternalError(), /HTTP 500/],
    ['503 SlowDown', faults.s3SlowDown(), /SlowDown/],
    ['a connection reset', faults.reset(), /ECONNRESET|socket hang up/i],
  ])(
    'reports the outputs of an object that keeps failing with %s as retryable, and only those',
    async (_, fault, reason) => {
      const failing = groups.find((g) => g.partition.entity === 'turn')!;
      proxy.addRule({ match: { method: 'PUT', path: `/${BUCKET}/${prefix}${failing.key}` }, fault });
      const injectedBefore = proxy.injected();
      const report = await sink().deliver(outputs);
      const failed = new Set(failing.indexes);
      report.outcomes.forEach((outcome, i) => {
        if (failed.has(i)) {
          expect(outcome.status).toBe('retryable');
          expect(outcome.status === 'retryable' && outcome.reason).toMatch(reason);
        } else {
          expect(outcome).toEqual({ status: 'accepted' });
        }
      });
      expect(proxy.injected() - injectedBefore).toBe(FAST_RETRY.maxAttempts);
      expect(await listKeys()).toHaveLength(groups.length - 1);
    },
  );

  it('retries a transient SlowDown within the delivery and accepts everything', async () => {
    proxy.addRule({ match: { method: 'PUT' }, fault: faults.s3SlowDown(), times: 2 });
    const archive = sink();
    const report = await archive.deliver(outputs);
    expect(report.outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(archive.retriedObjects).toBe(2);
    expect(await listKeys()).toHaveLength(groups.length);
  });

  it('reports everything retryable when the deadline signal has fired', async () => {
    const report = await sink().deliver(outputs, { signal: AbortSignal.abort() });
    expect(report.outcomes.every((o) => o.status === 'retryable')).toBe(true);
    expect(puts()).toHaveLength(0);
  });

  it("in 'close' mode buffers until close() and throws DeliveryError when a write fails there", async () => {
    const archive = sink({ flush: 'close' });
    const report = await archive.deliver(outputs);
    expect(report.outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(puts()).toHaveLength(0);
    proxy.addRule({
      match: { method: 'PUT', path: `/${BUCKET}/${prefix}${groups[0]!.key}` },
      fault: faults.internalError(),
    });
    await expect(archive.close()).rejects.toThrow(DeliveryError);
    expect(archive.written.length).toBe(groups.length - 1);
  });
});
