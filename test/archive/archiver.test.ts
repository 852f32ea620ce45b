import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeArchiveObject } from '../../lib/archive/archiveObjectCodec.js';
import { createArchiverHandler } from '../../lib/archive/createArchiverHandler.js';
import { groupArchiveOutputs } from '../../lib/archive/groupArchiveOutputs.js';
import { processArchiveBatch } from '../../lib/archive/processArchiveBatch.js';
import { S3ArchiveStore } from '../../lib/archive/S3ArchiveStore.js';
import { S3DeadLetterStore } from '../../lib/delivery/S3DeadLetterStore.js';
import { ConfigError } from '../../lib/errors.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import { S3ArchiveSink } from '../../lib/sinks/archive/S3ArchiveSink.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { type Fault, type FaultProxy, faults, startFaultProxy } from '../support/faultProxy.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';
import { archiveOutputsOf, expiryBatch } from './expiries.js';

const ARCHIVE = 'archiver-test-archive';
const DLQ = 'archiver-test-dlq';
const FAST_RETRY = { maxAttempts: 2, baseDelayMs: 1, throttlingBaseDelayMs: 1, maxDelayMs: 2 };
const silent = pino({ level: 'silent' });

describe('archiver', () => {
  let s3: S3rverHandle;
  let proxy: FaultProxy;
  let client: S3Client;
  let prefix: string;
  // The whole stream: writes (not expiries: the handler must ignore them) then TTL deletions over 2 hours.
  const { records, expiries } = expiryBatch({ hours: 2 });
  const groups = groupArchiveOutputs(archiveOutputsOf(expiries));

  beforeAll(async () => {
    s3 = await startS3rver({ buckets: [ARCHIVE, DLQ] });
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

  const options = () => ({
    pipeline: createPipeline({ layout: agentMemoryLayout }),
    sink: new S3ArchiveSink({ client, bucket: ARCHIVE, prefix, retry: FAST_RETRY }),
    deadLetters: new S3DeadLetterStore({ client, bucket: DLQ }),
    retry: FAST_RETRY,
    logger: silent,
  });
  const archivedEventIds = async () => {
    const store = new S3ArchiveStore({ client, bucket: ARCHIVE, prefix });
    const ids: string[] = [];
    for await (const key of store.listObjects()) {
      for (const entry of await decodeArchiveObject(await store.getObject(key), key))
        ids.push(entry.origin.eventId);
    }
    return ids;
  };
  const puts = () =>
    proxy.log.filter((e) => e.method === 'PUT' && decodeURIComponent(e.path).includes(prefix));

  it('archives the TTL expiries of a batch, one object per item, and ignores everything else', async () => {
    const metrics = new Metrics({ namespace: 'MemoryCdcTest', serviceName: 'archiver' });
    const added = vi.spyOn(metrics, 'addMetric');
    vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    const result = await processArchiveBatch({ Records: records }, { ...options(), metrics });
    expect(result.response.batchItemFailures).toEqual([]);
    expect(result.ignored).toBe(records.length - expiries.length);
    expect(added).toHaveBeenCalledWith('ArchiveRecordsIgnored', 'Count', records.length - expiries.length);
    expect(puts()).toHaveLength(groups.length);
    expect((await archivedEventIds()).sort()).toEqual(expiries.map((r) => r.eventID).sort());
    expect(result.summary.sinks.archive).toMatchObject({
      outputs: expiries.length,
      accepted: expiries.length,
    });
  });

  it.each<[string, Fault]>([
    ['500 InternalError', faults.s3InternalError()],
    ['503 SlowDown', faults.s3SlowDown()],
    ['a connection reset', faults.reset()],
  ])(
    'reports the records of an object S3 keeps failing (%s) for retry, and loses none once Lambda retries',
    async (_, fault) => {
      const failing = groups.find((g) => g.partition.entity === 'turn' && g.partition.hour === '11')!;
      const remove = proxy.addRule({
        match: { method: 'PUT', path: `/${ARCHIVE}/${prefix}${failing.key}` },
        fault,
      });
      const failingRecords = new Set(failing.outputs.map((o) => o.record));
      const firstFailed = expiries.findIndex((r) => failingRecords.has(r.eventID!));
      const first = await processArchiveBatch({ Records: expiries }, options());
      // Lambda resumes at the lowest reported sequence number: the first record of the failed object,
      // then every later one (their objects are written again, under keys of the retried batch).
      expect(first.response.batchItemFailures).toEqual(
        expiries.slice(firstFailed).map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber })),
      );
      expect(first.summary.sinks.archive).toMatchObject({ retryable: failing.outputs.length, rejected: 0 });
      const archivedFirst = new Set(await archivedEventIds());
      expect([...failingRecords].filter((id) => archivedFirst.has(id))).toEqual([]);

      remove();
      const retried = await processArchiveBatch({ Records: expiries.slice(firstFailed) }, options());
      expect(retried.response.batchItemFailures).toEqual([]);
      const archived = new Set(await archivedEventIds());
      for (const record of expiries) expect(archived.has(record.eventID!)).toBe(true);
    },
  );

  it('dead-letters a poison expiry with the reason and moves on', async () => {
    const poison: StreamRecord = structuredClone(expiries[0]!);
    poison.dynamodb!.OldImage!.seq = { N: 'not-a-number' };
    const batch = [poison, ...expiries.slice(1, 5)];
    const result = await processArchiveBatch({ Records: batch }, options());
    expect(result.response.batchItemFailures).toEqual([]);
    expect(result.summary.deadLettered).toBe(1);
    const listed = await client.send(
      new ListObjectsV2Command({ Bucket: DLQ, Prefix: 'dead-letter/archiver/' }),
    );
    const key = listed.Contents!.find((o) => o.Key!.includes(poison.eventID!))!.Key!;
    const letter = JSON.parse(
      await (await client.send(new GetObjectCommand({ Bucket: DLQ, Key: key }))).Body!.transformToString(),
    );
    expect(letter).toMatchObject({ function: 'archiver', record: { eventID: poison.eventID } });
    expect(letter.reason).toMatch(/not-a-number/);
    expect((await archivedEventIds()).sort()).toEqual(
      batch
        .slice(1)
        .map((r) => r.eventID)
        .sort(),
    );
  });

  it('builds its handler from the environment and archives under ARCHIVE_PREFIX', async () => {
    const handler = createArchiverHandler(
      {
        MEMORY_CDC_LAYOUT: 'agent-memory',
        ARCHIVE_BUCKET: ARCHIVE,
        ARCHIVE_PREFIX: prefix,
        DEAD_LETTER_BUCKET: DLQ,
        DELIVERY_MAX_ATTEMPTS: '1',
      },
      { s3Client: client, logger: silent, metrics: null },
    );
    const response = await handler({ Records: records }, { getRemainingTimeInMillis: () => 60_000 });
    expect(response).toEqual({ batchItemFailures: [] });
    expect((await archivedEventIds()).sort()).toEqual(expiries.map((r) => r.eventID).sort());
  });

  it('refuses to start with a configuration error naming each bad variable', () => {
    const build = () =>
      createArchiverHandler(
        { MEMORY_CDC_LAYOUT: 'agent-memory', DEAD_LETTER_BUCKET: DLQ, DELIVERY_MAX_ATTEMPTS: 'many' },
        { s3Client: client, logger: silent, metrics: null },
      );
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/DELIVERY_MAX_ATTEMPTS must be a whole number \(given "many"\)/);
    expect(() =>
      createArchiverHandler({
        MEMORY_CDC_LAYOUT: 'agent-memory',
        DEAD_LETTER_BUCKET: DLQ,
        ARCHIVE_PREFIX: '/abs',
      }),
    ).toThrow(/ARCHIVE_BUCKET is required.*ARCHIVE_PREFIX/);
  });
});
