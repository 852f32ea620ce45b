/**
 * Chaos: thousands of stream records through the real router handler, with random faults on every
 * sink (EventBridge endpoint, kinesalite behind a fault proxy, s3rver behind a fault proxy) and
 * Lambda's retry loop simulated: a batch is re-invoked from the first reported failure, or whole
 * when the handler throws. Nothing may be lost, Kinesis must keep every partition key in order,
 * and every duplicate must carry the event id of the original.
 */

import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRouterConfig } from '../../lib/config/routerConfig.js';
import type { RouterHandler } from '../../lib/delivery/createRouterHandler.js';
import { generateFixtures } from '../../lib/fixtures/generateFixtures.js';
import { resolveLayout } from '../../lib/layout/resolveLayout.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import { resolveRouting } from '../../lib/routing/defaultRouting.js';
import type { AttributeMap, StreamRecord } from '../../lib/stream/types.js';
import { changesOf } from '../support/changesOf.js';
import { type EventBridgeEndpoint, startEventBridgeEndpoint } from '../support/eventBridgeEndpoint.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/faultProxy.js';
import { type KinesaliteHandle, kinesisPartialFailure, startKinesalite } from '../support/kinesalite.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';
import { HEAVY_TEST_TIMEOUT_MS } from '../support/timeouts.js';

const RECORDS = 5_000;
const BATCH_SIZE = 100;
const STREAM = 'memory-changes';
const PUT_RECORDS = 'Kinesis_20131202.PutRecords';

const env = {
  MEMORY_CDC_LAYOUT: 'agent-memory',
  EVENT_BUS_NAME: 'memory-events',
  CHANGE_LOG_STREAM_NAME: STREAM,
  CLAIM_CHECK_BUCKET: 'claim-checks',
  DEAD_LETTER_BUCKET: 'dead-letters',
  // Small limits so the big records of the run go as claim checks.
  EVENTBRIDGE_MAX_REQUEST_BYTES: '32768',
  KINESIS_MAX_RECORD_BYTES: '16384',
  DELIVERY_MAX_ATTEMPTS: '2',
  LOG_LEVEL: 'silent',
};

let bus: EventBridgeEndpoint;
let kinesis: KinesaliteHandle;
let kinesisProxy: FaultProxy;
let s3: S3rverHandle;
let s3Proxy: FaultProxy;

beforeAll(async () => {
  bus = await startEventBridgeEndpoint({ maxRequestBytes: 32_768, seed: 21 });
  kinesis = await startKinesalite();
  await kinesis.createStream(STREAM, 4);
  kinesisProxy = await startFaultProxy({ target: kinesis.endpoint, seed: 22 });
  s3 = await startS3rver({ buckets: ['claim-checks', 'dead-letters'] });
  s3Proxy = await startFaultProxy({ target: s3.endpoint, seed: 23 });
});
afterAll(async () => {
  await bus?.close();
  await kinesisProxy?.close();
  await kinesis?.close();
  await s3Proxy?.close();
  await s3?.close();
});

/** The shard: generated records, a few made large (claim checks) and a few made malformed (poison). */
function buildShard(): { records: StreamRecord[]; poison: Set<string>; large: Set<string> } {
  const records = generateFixtures({ count: RECORDS, itemSize: 512, seed: 2026 });
  const poison = new Set<string>();
  const large = new Set<string>();
  records.forEach((record, index) => {
    const image = record.dynamodb?.NewImage;
    if (index % 997 === 500) {
      record.dynamodb!.NewImage = 'not an image' as unknown as AttributeMap;
      poison.add(record.eventID!);
    } else if (index % 211 === 17 && image && 'S' in (image.text ?? {})) {
      image.text = { S: 'large '.repeat(6_000) };
      large.add(record.eventID!);
    }
  });
  return { records, poison, large };
}

/** Lambda's loop over one shard: invoke, resume after the acknowledged prefix, retry otherwise. */
async function drainShard(handler: RouterHandler, records: StreamRecord[]) {
  let position = 0;
  let invocations = 0;
  let partial = 0;
  let thrown = 0;
  let tightDeadlines = 0;
  while (position < records.length) {
    if (++invocations > 20 * (records.length / BATCH_SIZE))
      throw new Error('no progress: too many invocations');
    const batch = records.slice(position, position + BATCH_SIZE);
    // Every fifth invocation gets a tight deadline, so stopping early is exercised too.
    const tight = invocations % 5 === 0;
    if (tight) tightDeadlines++;
    const deadline = Date.now() + (tight ? 100 : 60_000);
    try {
      const { batchItemFailures } = await handler(
        { Records: batch },
        { getRemainingTimeInMillis: () => deadline - Date.now() },
      );
      if (batchItemFailures.length === 0) {
        position += batch.length;
        continue;
      }
      partial++;
      const first = batch.findIndex(
        (r) => r.dynamodb?.SequenceNumber === batchItemFailures[0]!.itemIdentifier,
      );
      expect(first).toBeGreaterThanOrEqual(0);
      expect(batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
        batch.slice(first).map((r) => r.dynamodb!.SequenceNumber),
      );
      position += first;
    } catch {
      thrown++;
    }
  }
  return { invocations, partial, thrown, tightDeadlines };
}

describe('router chaos', () => {
  it(
    'delivers every record at least once to each sink it owes, in per-key order, under random faults',
    async () => {
      const { records, poison, large } = buildShard();

      // What each record owes, from the same pure pipeline the router runs.
      const routing = resolveRouting();
      const pipeline = createPipeline({
        layout: resolveLayout('agent-memory'),
        routing: {
          ...routing,
          archive: { ...routing.archive, enabled: false },
          vector: { ...routing.vector, enabled: false },
        },
      });
      const owedEventBridge = new Set<string>();
      const owedKinesis = new Map<string, string[]>();
      for (const record of records) {
        if (poison.has(record.eventID!)) continue;
        for (const output of pipeline.process(record).outputs) {
          if (output.sink === 'eventbridge') owedEventBridge.add(output.eventId);
          if (output.sink === 'kinesis') {
            const key = output.payload.PartitionKey;
            owedKinesis.set(key, [...(owedKinesis.get(key) ?? []), output.eventId]);
          }
        }
      }

      // Faults on every sink.
      bus.setFaults({
        throttle: 0.04,
        serverError: 0.03,
        reset: 0.02,
        slow: 0.02,
        slowMs: 40,
        entryFailure: 0.05,
      });
      kinesisProxy.addRule({
        match: { target: PUT_RECORDS },
        probability: 0.04,
        fault: faults.jsonError(400, 'ProvisionedThroughputExceededException', 'Rate exceeded for shard'),
      });
      kinesisProxy.addRule({
        match: { target: PUT_RECORDS },
        probability: 0.03,
        fault: faults.internalError(),
      });
      kinesisProxy.addRule({ match: { target: PUT_RECORDS }, probability: 0.02, fault: faults.reset() });
      kinesisProxy.addRule({ match: { target: PUT_RECORDS }, probability: 0.02, fault: faults.delay(40) });
      kinesisProxy.addRule({
        match: { target: PUT_RECORDS },
        probability: 0.25,
        fault: kinesisPartialFailure({ recordProbability: 0.2, seed: 24 }),
      });
      s3Proxy.addRule({ match: { method: 'PUT' }, probability: 0.2, fault: faults.s3SlowDown() });
      s3Proxy.addRule({ match: { method: 'PUT' }, probability: 0.05, fault: faults.reset() });

      // The real handler, built as the Lambda builds it, with clients pointed at the local endpoints.
      Object.assign(process.env, env, { POWERTOOLS_METRICS_DISABLED: 'true' });
      const { createRouterHandler } = await import('../../lib/delivery/createRouterHandler.js');
      const handler = createRouterHandler(loadRouterConfig(process.env), {
        clients: {
          eventBridge: bus.client({ maxAttempts: 1 }),
          kinesis: kinesis.client({ endpoint: kinesisProxy.url, maxAttempts: 1 }),
          s3: s3.client({ endpoint: s3Proxy.url, maxAttempts: 1 }),
        },
        retry: { baseDelayMs: 2, throttlingBaseDelayMs: 5, maxDelayMs: 20 },
        logger: pino({ level: 'silent' }),
        metrics: new Metrics({ namespace: 'MemoryCdcTest', serviceName: 'router' }),
      });

      const loop = await drainShard(handler, records);

      // EventBridge: every owed event at least once; duplicates keep the id of their record's event.
      const ebIds = bus.accepted.map((e) => String(e.detail.eventId));
      const ebUnique = new Set(ebIds);
      const ebLost = [...owedEventBridge].filter((id) => !ebUnique.has(id));
      const idsPerOrigin = new Map<string, Set<string>>();
      for (const e of bus.accepted) {
        const detail = e.detail as { origin: { eventId: string }; detailType: string; eventId: string };
        const origin = `${detail.origin.eventId}/${detail.detailType}`;
        idsPerOrigin.set(origin, (idsPerOrigin.get(origin) ?? new Set()).add(detail.eventId));
      }

      // Kinesis: every owed record at least once, and per key the first appearances in owed order.
      // One entry per change: a change-log record may carry several changes of its key (format 2).
      const streamed = changesOf(await kinesis.readStream(STREAM));
      const seenPerKey = new Map<string, string[]>();
      const kinesisIdsPerOrigin = new Map<string, Set<string>>();
      for (const record of streamed) {
        const data = JSON.parse(record.data) as {
          eventId: string;
          origin: { eventId: string };
          detailType: string;
        };
        seenPerKey.set(record.partitionKey, [...(seenPerKey.get(record.partitionKey) ?? []), data.eventId]);
        const origin = `${data.origin.eventId}/${data.detailType}`;
        kinesisIdsPerOrigin.set(origin, (kinesisIdsPerOrigin.get(origin) ?? new Set()).add(data.eventId));
      }
      let kinesisLost = 0;
      let orderViolations = 0;
      for (const [key, owed] of owedKinesis) {
        const firstSeen = [...new Set(seenPerKey.get(key) ?? [])];
        kinesisLost += owed.filter((id) => !firstSeen.includes(id)).length;
        if (JSON.stringify(firstSeen) !== JSON.stringify(owed)) orderViolations++;
      }
      const kinesisOwedCount = [...owedKinesis.values()].reduce((n, ids) => n + ids.length, 0);

      // Poison records are in the dead-letter bucket with their reason; large events have claim checks.
      const deadLetterKeys =
        (
          await s3
            .client()
            .send(new ListObjectsV2Command({ Bucket: 'dead-letters', Prefix: 'dead-letter/router/' }))
        ).Contents?.map((o) => o.Key!) ?? [];
      const deadLettered = new Set(deadLetterKeys.map((k) => k.replace(/^.*\/\d+-(.*)\.json$/, '$1')));
      const claimChecked = bus.accepted.filter((e) => e.detail.claimCheck);
      const sample = claimChecked[0]?.detail.claimCheck as { key: string } | undefined;
      const sampleObject = sample
        ? JSON.parse(
            await (
              await s3.client().send(new GetObjectCommand({ Bucket: 'claim-checks', Key: sample.key }))
            ).Body!.transformToString(),
          )
        : undefined;

      const counts = {
        records: records.length,
        invocations: loop.invocations,
        partialBatchResponses: loop.partial,
        handlerErrors: loop.thrown,
        tightDeadlines: loop.tightDeadlines,
        eventBridge: {
          owed: owedEventBridge.size,
          accepted: ebIds.length,
          unique: ebUnique.size,
          duplicates: ebIds.length - ebUnique.size,
          lost: ebLost.length,
          requests: bus.log.length,
          faults: bus.log.filter((r) => r.fault).length,
          claimChecks: new Set(claimChecked.map((e) => e.detail.eventId)).size,
        },
        kinesis: {
          owed: kinesisOwedCount,
          written: streamed.length,
          duplicates: streamed.length - new Set(streamed.map((r) => JSON.parse(r.data).eventId)).size,
          lost: kinesisLost,
          keys: owedKinesis.size,
          orderViolations,
          requests: kinesisProxy.log.filter((e) => e.target === PUT_RECORDS).length,
          faults: kinesisProxy.injected(),
        },
        s3: { requests: s3Proxy.log.length, faults: s3Proxy.injected() },
        poison: poison.size,
        deadLettered: deadLetterKeys.length,
        largeRecords: large.size,
        lost: ebLost.length + kinesisLost,
      };
      console.log(`router chaos: ${JSON.stringify(counts, null, 2)}`);

      expect(counts.lost).toBe(0);
      expect(orderViolations).toBe(0);
      expect([...idsPerOrigin.values()].every((ids) => ids.size === 1)).toBe(true);
      expect([...kinesisIdsPerOrigin.values()].every((ids) => ids.size === 1)).toBe(true);
      expect([...poison].every((id) => deadLettered.has(id))).toBe(true);
      expect(deadLetterKeys).toHaveLength(poison.size);
      expect(counts.eventBridge.claimChecks).toBeGreaterThan(0);
      expect(sampleObject?.after).toBeDefined();
      // The run really was chaotic: faults on every sink, and Lambda had to retry.
      expect(counts.eventBridge.faults).toBeGreaterThan(20);
      expect(counts.kinesis.faults).toBeGreaterThan(20);
      expect(counts.s3.faults).toBeGreaterThan(0);
      expect(loop.partial).toBeGreaterThan(0);
    },
    HEAVY_TEST_TIMEOUT_MS,
  );
});
