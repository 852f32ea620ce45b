/**
 * The router on Kinesis Data Streams for DynamoDB: Lambda Kinesis events whose records carry the
 * table's changes, shuffled and delivered twice as that source may, and with a poison record. Real
 * SDK clients against kinesalite (the change log), a PutEvents endpoint and s3rver (archive, dead
 * letters) behind a fault proxy.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamRecord } from 'aws-lambda';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { groupArchiveOutputs } from '../../lib/archive/groupArchiveOutputs.js';
import { loadRouterConfig } from '../../lib/config/routerConfig.js';
import { createRouterHandler } from '../../lib/delivery/createRouterHandler.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import type { ArchiveOutput } from '../../lib/routing/types.js';
import { fromKinesisDynamoDbRecord } from '../../lib/stream/fromKinesisDynamoDbRecord.js';
import { expiryBatch } from '../archive/expiries.js';
import { changesOf } from '../support/changesOf.js';
import { type EventBridgeEndpoint, startEventBridgeEndpoint } from '../support/eventBridgeEndpoint.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/faultProxy.js';
import { type KinesaliteHandle, startKinesalite } from '../support/kinesalite.js';
import {
  poisonKinesisRecord,
  shuffledWithRedeliveries,
  toKinesisDynamoDbRecords,
} from '../support/kinesisDynamoDbRecords.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';

const BUCKET = 'kinesis-source-bucket';
const FAST_RETRY = { maxAttempts: 2, baseDelayMs: 1, throttlingBaseDelayMs: 1, maxDelayMs: 2 };
const silent = pino({ level: 'silent' });
const pipeline = createPipeline({ layout: agentMemoryLayout });

/** What the pipeline makes of each change in the Kinesis records, each change once. */
function expectedOutputs(records: readonly KinesisStreamRecord[]) {
  const seen = new Set<string>();
  return records.flatMap((r) => {
    const { record } = fromKinesisDynamoDbRecord(r);
    if (seen.has(record.eventID!)) return [];
    seen.add(record.eventID!);
    return pipeline.process(record).outputs;
  });
}
/** The archive object keys of the TTL expiries among the Kinesis records. */
const archiveKeysOf = (records: readonly KinesisStreamRecord[]) =>
  groupArchiveOutputs(expectedOutputs(records).filter((o): o is ArchiveOutput => o.sink === 'archive')).map(
    (g) => g.key,
  );
const idsFor = (records: readonly KinesisStreamRecord[], sink: string) =>
  expectedOutputs(records)
    .filter((o) => o.sink === sink)
    .map((o) => o.eventId);

describe('the router on a Kinesis Data Streams for DynamoDB source', () => {
  let s3: S3rverHandle;
  let proxy: FaultProxy;
  let client: S3Client;
  let bus: EventBridgeEndpoint;
  let kinesis: KinesaliteHandle;
  let changeLog: string;
  let prefix: string;
  const { records: streamRecords, expiries } = expiryBatch({ users: 2, conversationsPerUser: 2, turns: 3 });
  const inOrder = toKinesisDynamoDbRecords(streamRecords);

  beforeAll(async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    s3 = await startS3rver({ buckets: [BUCKET] });
    proxy = await startFaultProxy({ target: s3.endpoint });
    client = s3.client({ endpoint: proxy.url, maxAttempts: 1 });
    bus = await startEventBridgeEndpoint();
    kinesis = await startKinesalite();
  });
  afterAll(async () => {
    await proxy?.close();
    await s3?.close();
    await bus?.close();
    await kinesis?.close();
  });
  beforeEach(async ({ task }) => {
    proxy.clearRules();
    prefix = `archive/${task.id}/`;
    changeLog = `changes-${task.id}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
    await kinesis.createStream(changeLog);
  });

  const router = ({ archive = false } = {}) =>
    createRouterHandler(
      loadRouterConfig({
        MEMORY_CDC_LAYOUT: 'agent-memory',
        EVENT_BUS_NAME: 'memory-events',
        CHANGE_LOG_STREAM_NAME: changeLog,
        CLAIM_CHECK_BUCKET: BUCKET,
        DEAD_LETTER_BUCKET: BUCKET,
        ...(archive ? { ARCHIVE_BUCKET: BUCKET, ARCHIVE_PREFIX: prefix } : {}),
      }),
      {
        clients: {
          eventBridge: bus.client({ maxAttempts: 1 }),
          kinesis: kinesis.client({ maxAttempts: 1 }),
          s3: client,
        },
        retry: FAST_RETRY,
        logger: silent,
      },
    );
  const published = (from: number) => bus.accepted.slice(from).map((e) => e.detail.eventId as string);
  const changeLogDetails = async () =>
    changesOf(await kinesis.readStream(changeLog)).map(
      (r) => JSON.parse(r.data) as { eventId: string; origin: { sequenceNumber: string }; keys: unknown },
    );

  it('publishes every change of an in-order batch, with the ids the pipeline gives the converted record', async () => {
    const before = bus.accepted.length;
    const result = await router()({ Records: inOrder });
    expect(result.batchItemFailures).toEqual([]);
    const expected = idsFor(inOrder, 'eventbridge');
    expect(expected.length).toBeGreaterThan(20);
    expect(published(before).sort()).toEqual([...expected].sort());
    expect((await changeLogDetails()).map((d) => d.eventId).sort()).toEqual(
      idsFor(inOrder, 'kinesis').sort(),
    );
  });

  it.each([1, 7, 42])(
    'publishes each change once and each item in creation order from a shuffled batch with redeliveries (seed %i)',
    async (seed) => {
      const batch = shuffledWithRedeliveries(inOrder, seed);
      expect(batch.length).toBeGreaterThan(inOrder.length);
      const before = bus.accepted.length;
      const result = await router()({ Records: batch });
      expect(result.batchItemFailures).toEqual([]);
      // Each change once, with the same ids as the in-order batch: consumers dedupe across batches on them.
      const ids = published(before);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual([...idsFor(inOrder, 'eventbridge')].sort());
      // The change log: every change once, each item's changes oldest first.
      const details = await changeLogDetails();
      expect(details.map((d) => d.eventId).sort()).toEqual([...idsFor(inOrder, 'kinesis')].sort());
      const lastByItem = new Map<string, bigint>();
      for (const detail of details) {
        const item = JSON.stringify(detail.keys);
        const at = BigInt(detail.origin.sequenceNumber);
        expect(at >= (lastByItem.get(item) ?? 0n)).toBe(true);
        lastByItem.set(item, at);
      }
    },
  );

  it('dead-letters a poison record with its Kinesis record and delivers everything else', async () => {
    const poison = poisonKinesisRecord('49600000000000000000000000000000000000000000000000000000500');
    const batch = [...inOrder.slice(0, 5), poison, ...inOrder.slice(5)];
    const before = bus.accepted.length;
    const result = await router()({ Records: batch });
    expect(result.batchItemFailures).toEqual([]);
    expect(published(before).sort()).toEqual([...idsFor(inOrder, 'eventbridge')].sort());
    const listed = await client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'dead-letter/router/' }),
    );
    const key = listed.Contents?.map((o) => o.Key!).find((k) =>
      k.endsWith(`/${poison.kinesis.sequenceNumber}.json`),
    );
    expect(key).toBeDefined();
    const letter = JSON.parse(
      await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString(),
    ) as { record: KinesisStreamRecord; reason: string; function: string };
    expect(letter.function).toBe('router');
    expect(letter.record).toEqual(poison);
    expect(letter.reason).toMatch(/not base64 JSON/);
  });

  it('reports a poison record by its sequence number when its dead letter cannot be written, nothing else lost', async () => {
    const poison = poisonKinesisRecord('49600000000000000000000000000000000000000000000000000000600');
    const batch = [...inOrder.slice(0, 6), poison, ...inOrder.slice(6)];
    proxy.addRule({ match: { method: 'PUT', path: /\/dead-letter\// }, fault: faults.s3InternalError() });
    const before = bus.accepted.length;
    const result = await router()({ Records: batch });
    // Lambda resumes at the poison record: it and every later Kinesis record are reported.
    expect(result.batchItemFailures).toEqual(
      batch.slice(6).map((r) => ({ itemIdentifier: r.kinesis.sequenceNumber })),
    );
    // The records before it were delivered.
    const delivered = new Set(published(before));
    expect(idsFor(inOrder.slice(0, 6), 'eventbridge').every((id) => delivered.has(id))).toBe(true);
    // Lambda's retry from the poison record, the dead-letter store back: all done.
    proxy.clearRules();
    const retried = await router()({ Records: batch.slice(6) });
    expect(retried.batchItemFailures).toEqual([]);
    expect(new Set(published(before))).toEqual(new Set(idsFor(inOrder, 'eventbridge')));
  });

  it('reports from the earliest Kinesis record not done when a reordered batch fails part way (one-reader archive)', async () => {
    const batch = shuffledWithRedeliveries(inOrder, 3);
    // The archive write of one expiry fails: its record is not done.
    const failingIndex = batch.findIndex(
      (r) => fromKinesisDynamoDbRecord(r).record.eventID === expiries[expiries.length - 2]!.eventID,
    );
    const key = archiveKeysOf([batch[failingIndex]!])[0]!;
    proxy.addRule({
      match: { method: 'PUT', path: `/${BUCKET}/${prefix}${key}` },
      fault: faults.s3InternalError(),
    });
    const result = await router({ archive: true })({ Records: batch });
    const reported = result.batchItemFailures.map((f) => f.itemIdentifier);
    expect(reported.length).toBeGreaterThan(0);
    // A suffix of the Kinesis batch, in its order, that starts no later than the failed record.
    const from = batch.findIndex((r) => r.kinesis.sequenceNumber === reported[0]);
    expect(reported).toEqual(batch.slice(from).map((r) => r.kinesis.sequenceNumber));
    expect(from).toBeLessThanOrEqual(failingIndex);
    // Lambda's retry of the suffix completes the archive.
    proxy.clearRules();
    const retried = await router({ archive: true })({ Records: batch.slice(from) });
    expect(retried.batchItemFailures).toEqual([]);
    const archived = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    expect(archived.Contents?.map((o) => o.Key!.slice(prefix.length)).sort()).toEqual(
      archiveKeysOf(inOrder).sort(),
    );
    expect(archiveKeysOf(inOrder)).toHaveLength(expiries.length);
  });
});
