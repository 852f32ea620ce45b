/**
 * The one-reader layout: the router (ARCHIVE_BUCKET set) publishes the events of a TTL expiry and
 * writes its archive object itself, with the archiver's processing, and acknowledges the record
 * only when both are written. Real SDK clients against s3rver (through a fault proxy), kinesalite
 * and a PutEvents endpoint.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeArchiveObject } from '../../lib/archive/archiveObjectCodec.js';
import { groupArchiveOutputs } from '../../lib/archive/groupArchiveOutputs.js';
import { S3ArchiveStore } from '../../lib/archive/S3ArchiveStore.js';
import { loadRouterConfig } from '../../lib/config/routerConfig.js';
import { createRouterHandler } from '../../lib/delivery/createRouterHandler.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { archiveOutputsOf, expiryBatch } from '../archive/expiries.js';
import { changesOf } from '../support/changesOf.js';
import { type EventBridgeEndpoint, startEventBridgeEndpoint } from '../support/eventBridgeEndpoint.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/faultProxy.js';
import { type KinesaliteHandle, startKinesalite } from '../support/kinesalite.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';

const BUCKET = 'one-reader-bucket';
const CHANGE_LOG = 'one-reader-changes';
const FAST_RETRY = { maxAttempts: 2, baseDelayMs: 1, throttlingBaseDelayMs: 1, maxDelayMs: 2 };
const silent = pino({ level: 'silent' });
const pipeline = createPipeline({ layout: agentMemoryLayout });

describe('the router in the one-reader layout', () => {
  let s3: S3rverHandle;
  let proxy: FaultProxy;
  let client: S3Client;
  let bus: EventBridgeEndpoint;
  let kinesis: KinesaliteHandle;
  let prefix: string;
  const { records, expiries } = expiryBatch({ users: 2, conversationsPerUser: 1, turns: 3 });

  beforeAll(async () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    s3 = await startS3rver({ buckets: [BUCKET] });
    proxy = await startFaultProxy({ target: s3.endpoint });
    client = s3.client({ endpoint: proxy.url, maxAttempts: 1 });
    bus = await startEventBridgeEndpoint();
    kinesis = await startKinesalite();
    await kinesis.createStream(CHANGE_LOG);
  });
  afterAll(async () => {
    await proxy?.close();
    await s3?.close();
    await bus?.close();
    await kinesis?.close();
  });
  beforeEach(({ task }) => {
    proxy.clearRules();
    prefix = `archive/${task.id}/`;
  });

  const router = ({ archive = true } = {}) =>
    createRouterHandler(
      loadRouterConfig({
        MEMORY_CDC_LAYOUT: 'agent-memory',
        EVENT_BUS_NAME: 'memory-events',
        CHANGE_LOG_STREAM_NAME: CHANGE_LOG,
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
  const archivedEventIds = async () => {
    const store = new S3ArchiveStore({ client, bucket: BUCKET, prefix });
    const ids: string[] = [];
    for await (const key of store.listObjects()) {
      for (const entry of await decodeArchiveObject(await store.getObject(key), key))
        ids.push(entry.origin.eventId);
    }
    return ids;
  };
  const eventIdsOf = (batch: readonly StreamRecord[], sink: 'eventbridge' | 'kinesis') =>
    batch.flatMap((r) =>
      pipeline
        .process(r)
        .outputs.filter((o) => o.sink === sink)
        .map((o) => o.eventId),
    );

  it('archives each TTL expiry, one object per item, and publishes its events too', async () => {
    const result = await router()({ Records: records });
    expect(result.batchItemFailures).toEqual([]);
    expect(expiries.length).toBeGreaterThan(0);
    // The archive: exactly the expiries, in the objects the archiver would have written.
    expect((await archivedEventIds()).sort()).toEqual(expiries.map((r) => r.eventID).sort());
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    expect(listed.Contents?.map((o) => o.Key!.slice(prefix.length)).sort()).toEqual(
      groupArchiveOutputs(archiveOutputsOf(expiries))
        .map((g) => g.key)
        .sort(),
    );
    // The events of the expiries reached EventBridge and the change log as well.
    const accepted = new Set(bus.accepted.map((e) => e.detail.eventId as string));
    const expiryEvents = eventIdsOf(expiries, 'eventbridge');
    expect(expiryEvents.length).toBeGreaterThan(0);
    expect(expiryEvents.filter((id) => !accepted.has(id))).toEqual([]);
    const logged = changesOf(await kinesis.readStream(CHANGE_LOG)).map(
      (r) => JSON.parse(r.data).eventId as string,
    );
    expect(eventIdsOf(expiries, 'kinesis').filter((id) => !logged.includes(id))).toEqual([]);
  });

  it('reports an expiry whose archive object S3 refuses, even though its events were published', async () => {
    const failing = expiries[1]!;
    const key = groupArchiveOutputs(archiveOutputsOf([failing]))[0]!.key;
    proxy.addRule({
      match: { method: 'PUT', path: `/${BUCKET}/${prefix}${key}` },
      fault: faults.s3InternalError(),
    });
    const before = bus.accepted.length;
    const result = await router()({ Records: expiries });
    // Lambda resumes at the failed record: it and every later one are reported.
    expect(result.batchItemFailures).toEqual(
      expiries.slice(1).map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber })),
    );
    const published = new Set(bus.accepted.slice(before).map((e) => e.detail.eventId as string));
    expect(eventIdsOf([failing], 'eventbridge').every((id) => published.has(id))).toBe(true);
    expect(await archivedEventIds()).not.toContain(failing.eventID);

    proxy.clearRules();
    const retried = await router()({ Records: expiries.slice(1) });
    expect(retried.batchItemFailures).toEqual([]);
    expect((await archivedEventIds()).sort()).toEqual(expiries.map((r) => r.eventID).sort());
  });

  it('dead-letters a TTL expiry without its old image instead of writing a key-only archive', async () => {
    const keysOnly = structuredClone(expiries[0]!);
    delete keysOnly.dynamodb!.OldImage;
    keysOnly.dynamodb!.StreamViewType = 'KEYS_ONLY';
    const result = await router()({ Records: [keysOnly] });
    expect(result.batchItemFailures).toEqual([]);
    expect(await archivedEventIds()).toEqual([]);
    const letters = await client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'dead-letter/router/' }),
    );
    const reasons = await Promise.all(
      (letters.Contents ?? []).map(
        async (o) =>
          JSON.parse(
            await (
              await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: o.Key! }))
            ).Body!.transformToString(),
          ).reason as string,
      ),
    );
    expect(reasons.some((r) => /without OldImage \(stream view type KEYS_ONLY\)/.test(r))).toBe(true);
  });

  it('writes no archive without ARCHIVE_BUCKET (the two-reader layout: the archiver does)', async () => {
    const before = bus.accepted.length;
    const result = await router({ archive: false })({ Records: expiries });
    expect(result.batchItemFailures).toEqual([]);
    expect(await archivedEventIds()).toEqual([]);
    const published = new Set(bus.accepted.slice(before).map((e) => e.detail.eventId as string));
    expect(eventIdsOf(expiries, 'eventbridge').every((id) => published.has(id))).toBe(true);
  });
});
