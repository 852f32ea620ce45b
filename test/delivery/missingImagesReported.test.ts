/**
 * A table stream on the wrong view type is not silent: the archiver dead-letters TTL expiries
 * without their old image (with the reason) instead of writing key-only "archives", and both
 * functions count records lacking the images they need in the RecordsMissingImages metric.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { processArchiveBatch } from '../../lib/archive/processArchiveBatch.js';
import { loadRouterConfig } from '../../lib/config/routerConfig.js';
import { S3DeadLetterStore } from '../../lib/delivery/S3DeadLetterStore.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import { S3ArchiveSink } from '../../lib/sinks/archive/S3ArchiveSink.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { expiryBatch } from '../archive/expiries.js';
import { type EventBridgeEndpoint, startEventBridgeEndpoint } from '../support/eventBridgeEndpoint.js';
import { type KinesaliteHandle, startKinesalite } from '../support/kinesalite.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';

const ARCHIVE = 'view-type-archive';
const DLQ = 'view-type-dlq';
const FAST_RETRY = { maxAttempts: 2, baseDelayMs: 1, throttlingBaseDelayMs: 1, maxDelayMs: 2 };
const silent = pino({ level: 'silent' });

/** The records as a KEYS_ONLY stream carries them: keys, no images. */
function keysOnly(records: readonly StreamRecord[]): StreamRecord[] {
  return records.map((record) => {
    const copy = structuredClone(record);
    delete copy.dynamodb!.NewImage;
    delete copy.dynamodb!.OldImage;
    copy.dynamodb!.StreamViewType = 'KEYS_ONLY';
    return copy;
  });
}

/** A Metrics instance whose added metrics the test reads (nothing is printed). */
function recordingMetrics() {
  const metrics = new Metrics({ namespace: 'MemoryCdcTest', serviceName: 'test' });
  const added = vi.spyOn(metrics, 'addMetric');
  vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
  const value = (name: string) => added.mock.calls.filter((call) => call[0] === name).map((call) => call[2]);
  return { metrics, value };
}

describe('records without the images the pipeline needs', () => {
  let s3: S3rverHandle;
  let bus: EventBridgeEndpoint;
  let kinesis: KinesaliteHandle;
  const { records, expiries } = expiryBatch({ users: 1, conversationsPerUser: 1, turns: 3 });

  beforeAll(async () => {
    s3 = await startS3rver({ buckets: [ARCHIVE, DLQ, 'claim-checks'] });
    bus = await startEventBridgeEndpoint();
    kinesis = await startKinesalite();
    await kinesis.createStream('memory-changes');
  });
  afterAll(async () => {
    await s3?.close();
    await bus?.close();
    await kinesis?.close();
  });

  it('are dead-lettered by the archiver with the reason, and no key-only archive is written', async () => {
    const client = s3.client({ maxAttempts: 1 });
    const { metrics, value } = recordingMetrics();
    const result = await processArchiveBatch(
      { Records: keysOnly(expiries) },
      {
        pipeline: createPipeline({ layout: agentMemoryLayout }),
        sink: new S3ArchiveSink({ client, bucket: ARCHIVE, retry: FAST_RETRY }),
        deadLetters: new S3DeadLetterStore({ client, bucket: DLQ }),
        retry: FAST_RETRY,
        logger: silent,
        metrics,
      },
    );
    expect(result.response.batchItemFailures).toEqual([]);
    expect(result.summary.deadLettered).toBe(expiries.length);
    expect(value('RecordsMissingImages')).toEqual([expiries.length]);
    const archived = await client.send(new ListObjectsV2Command({ Bucket: ARCHIVE }));
    expect(archived.KeyCount ?? 0).toBe(0);
    const letters = await client.send(
      new ListObjectsV2Command({ Bucket: DLQ, Prefix: 'dead-letter/archiver/' }),
    );
    expect(letters.KeyCount).toBe(expiries.length);
    const letter = JSON.parse(
      await (
        await client.send(new GetObjectCommand({ Bucket: DLQ, Key: letters.Contents![0]!.Key! }))
      ).Body!.transformToString(),
    );
    expect(letter.reason).toMatch(/without OldImage \(stream view type KEYS_ONLY\).*NEW_AND_OLD_IMAGES/);
  });

  it('are counted by the router, which publishes the count as a metric', async () => {
    const env = {
      MEMORY_CDC_LAYOUT: 'agent-memory',
      EVENT_BUS_NAME: 'memory-events',
      CHANGE_LOG_STREAM_NAME: 'memory-changes',
      CLAIM_CHECK_BUCKET: 'claim-checks',
      DEAD_LETTER_BUCKET: DLQ,
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    // The Lambda entry point builds its handler from process.env when imported.
    Object.assign(process.env, env);
    expect(typeof (await import('../../functions/router.js')).handler).toBe('function');
    const { createRouterHandler } = await import('../../lib/delivery/createRouterHandler.js');
    const { metrics, value } = recordingMetrics();
    const handler = createRouterHandler(loadRouterConfig(env), {
      clients: {
        eventBridge: bus.client({ maxAttempts: 1 }),
        kinesis: kinesis.client({ maxAttempts: 1 }),
        s3: s3.client({ maxAttempts: 1 }),
      },
      retry: FAST_RETRY,
      logger: silent,
      metrics,
    });
    const writes = records.filter((record) => record.eventName === 'INSERT').slice(0, 5);
    await handler({ Records: [...writes, ...keysOnly(writes)] });
    await handler({ Records: writes });
    expect(value('RecordsMissingImages')).toEqual([writes.length, 0]);
  });
});
