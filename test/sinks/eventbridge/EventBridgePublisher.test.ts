import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryTelemetry } from '../../../lib/observability/DeliveryTelemetry.js';
import { S3ClaimCheckStore } from '../../../lib/sinks/claimCheck/S3ClaimCheckStore.js';
import { EventBridgePublisher } from '../../../lib/sinks/eventbridge/EventBridgePublisher.js';
import { LEGACY_PUT_EVENTS_MAX_BYTES } from '../../../lib/sinks/eventbridge/limits.js';
import { eventBridgeOutput, FAST_RETRY } from '../../delivery/outputs.js';
import { type EventBridgeEndpoint, startEventBridgeEndpoint } from '../../support/eventBridgeEndpoint.js';
import { type S3rverHandle, startS3rver } from '../../support/s3rver.js';

let bus: EventBridgeEndpoint;
let s3: S3rverHandle;

beforeAll(async () => {
  bus = await startEventBridgeEndpoint();
  s3 = await startS3rver({ buckets: ['claim-checks'] });
});
afterAll(async () => {
  await bus.close();
  await s3.close();
});
beforeEach(() => {
  bus.accepted.length = 0;
  bus.log.length = 0;
  bus.setFaults({});
  bus.rejectEntries(undefined);
});

function publisher(options: Partial<ConstructorParameters<typeof EventBridgePublisher>[0]> = {}) {
  const telemetry = new DeliveryTelemetry();
  const sink = new EventBridgePublisher({
    client: bus.client({ maxAttempts: 1 }),
    eventBusName: 'memory-events',
    retry: FAST_RETRY,
    telemetry,
    claimCheck: new S3ClaimCheckStore({ client: s3.client({ maxAttempts: 1 }), bucket: 'claim-checks' }),
    ...options,
  });
  return { sink, telemetry };
}

describe('EventBridgePublisher', () => {
  it('packs small events ten to a request', async () => {
    const outputs = Array.from({ length: 95 }, (_, n) => eventBridgeOutput(n));
    const { sink } = publisher();
    const { outcomes } = await sink.deliver(outputs);

    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(bus.log.map((r) => r.entries).sort((a, b) => b - a)).toEqual([
      10, 10, 10, 10, 10, 10, 10, 10, 10, 5,
    ]);
    expect(bus.accepted.map((e) => e.detail.eventId).sort()).toEqual(outputs.map((o) => o.eventId).sort());
    expect(bus.accepted[0]?.eventBusName).toBe('memory-events');
  });

  it('closes a request before the sum of entry sizes reaches the limit', async () => {
    const outputs = Array.from({ length: 7 }, (_, n) => eventBridgeOutput(n, { textBytes: 300_000 }));
    const { sink } = publisher();
    await sink.deliver(outputs);

    expect(bus.log.map((r) => r.entries).sort((a, b) => b - a)).toEqual([3, 3, 1]);
    expect(Math.max(...bus.log.map((r) => r.bytes))).toBeLessThan(1_000_000);
  });

  it('retries only the entries a partial failure reported, and each is accepted once', async () => {
    bus.failNext({ failEntries: [1, 4] });
    const outputs = Array.from({ length: 10 }, (_, n) => eventBridgeOutput(n));
    const { sink, telemetry } = publisher();
    const { outcomes } = await sink.deliver(outputs);

    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(bus.log.map((r) => [r.entries, r.failedEntries])).toEqual([
      [10, 2],
      [2, 0],
    ]);
    const ids = bus.accepted.map((e) => e.detail.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(10);
    expect(telemetry.snapshot().eventbridge).toMatchObject({ requests: 2, retries: 2 });
  });

  it('gets past throttled, failing, reset and slow requests', async () => {
    bus.failNext('throttle', 'serverError', 'reset', { slowMs: 50 });
    const outputs = Array.from({ length: 4 }, (_, n) => eventBridgeOutput(n));
    const { sink, telemetry } = publisher({ concurrency: 1 });
    const { outcomes } = await sink.deliver(outputs);

    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(bus.log.map((r) => r.fault)).toEqual(['throttle', 'serverError', 'reset', 'slow']);
    expect(bus.accepted).toHaveLength(4);
    expect(telemetry.snapshot().eventbridge?.throttles).toBe(1);
  });

  it('reports an invalid entry rejected without retrying it, and delivers the others', async () => {
    const outputs = Array.from({ length: 5 }, (_, n) => eventBridgeOutput(n));
    const bad = outputs[2]!.eventId;
    bus.rejectEntries((e) => (e.detail.eventId === bad ? 'MalformedDetail' : undefined));
    const { sink } = publisher();
    const { outcomes } = await sink.deliver(outputs);

    expect(outcomes[2]).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('MalformedDetail'),
    });
    expect(outcomes.filter((o) => o.status === 'accepted')).toHaveLength(4);
    expect(bus.log).toHaveLength(1);
  });

  it('keeps reporting an entry retryable when every attempt fails', async () => {
    bus.setFaults({ throttle: 1 });
    const { sink } = publisher({ retry: { ...FAST_RETRY, maxAttempts: 3 } });
    const { outcomes } = await sink.deliver([eventBridgeOutput(1)]);

    expect(outcomes[0]).toMatchObject({
      status: 'retryable',
      reason: expect.stringContaining('ThrottlingException'),
    });
    expect(bus.log).toHaveLength(3);
  });

  it('sends an event over the size limit as a claim check with the full detail in S3', async () => {
    const big = eventBridgeOutput(42, { textBytes: 1_200_000 });
    const { sink, telemetry } = publisher();
    const { outcomes } = await sink.deliver([eventBridgeOutput(1), big]);

    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted']);
    const published = bus.accepted.find((e) => e.detail.eventId === big.eventId)!;
    expect(published.detail).not.toHaveProperty('after');
    expect(published.detail).not.toHaveProperty('before');
    expect(published.detail.claimCheck).toEqual({
      bucket: 'claim-checks',
      key: `claim-check/${big.eventId}.json`,
      bytes: Buffer.byteLength(JSON.stringify(big.payload.Detail)),
    });
    expect(published.detail.ids).toEqual(big.payload.Detail.ids);
    const object = await s3
      .client()
      .send(new GetObjectCommand({ Bucket: 'claim-checks', Key: `claim-check/${big.eventId}.json` }));
    expect(JSON.parse(await object.Body!.transformToString())).toEqual(big.payload.Detail);
    expect(telemetry.snapshot().eventbridge?.claimChecks).toBe(1);
  });

  it('uses the configured limit: 256 KB makes a 300 KB event a claim check', async () => {
    const event = eventBridgeOutput(7, { textBytes: 300_000 });
    const { sink } = publisher({ maxRequestBytes: LEGACY_PUT_EVENTS_MAX_BYTES });
    const { outcomes } = await sink.deliver([event]);

    expect(outcomes[0]?.status).toBe('accepted');
    expect(bus.accepted[0]?.detail.claimCheck).toBeDefined();
    expect(bus.accepted[0]!.size).toBeLessThan(LEGACY_PUT_EVENTS_MAX_BYTES);
  });

  it('rejects an oversize event when no claim-check store is configured', async () => {
    const { sink } = publisher({ claimCheck: undefined });
    const { outcomes } = await sink.deliver([eventBridgeOutput(3, { textBytes: 1_100_000 })]);

    expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: expect.stringContaining('claim-check') });
    expect(bus.log).toHaveLength(0);
  });

  it('delivers outputs prepared ahead (Sink.prepare) exactly as it delivers them unprepared', async () => {
    const unserializable = eventBridgeOutput(4);
    (unserializable.payload.Detail as unknown as { size: bigint }).size = 1n;
    const batch = () => [
      eventBridgeOutput(1),
      eventBridgeOutput(2, { textBytes: 1_200_000 }),
      eventBridgeOutput(3),
      unserializable,
      ...Array.from({ length: 12 }, (_, n) => eventBridgeOutput(10 + n)),
    ];
    const seen = (entries: typeof bus.accepted) =>
      entries
        .map((e) => ({ bus: e.eventBusName, detail: e.detail, size: e.size }))
        .sort((a, b) => String(a.detail.eventId).localeCompare(String(b.detail.eventId)));

    const { sink } = publisher();
    const unprepared = await sink.deliver(batch());
    const sentUnprepared = seen(bus.accepted);
    const requestsUnprepared = bus.log.map((r) => r.entries);
    bus.accepted.length = 0;
    bus.log.length = 0;

    const outputs = batch();
    const prepared = await sink.deliver(outputs, { prepared: outputs.map((o) => sink.prepare(o)) });

    expect(prepared.outcomes).toEqual(unprepared.outcomes);
    expect(prepared.outcomes[3]).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('BigInt'),
    });
    expect(seen(bus.accepted)).toEqual(sentUnprepared);
    expect(bus.log.map((r) => r.entries)).toEqual(requestsUnprepared);
    expect(
      sentUnprepared.find((e) => e.detail.eventId === outputs[1]!.eventId)?.detail.claimCheck,
    ).toBeDefined();
  });

  it('sends nothing once the deadline signal has fired, and reports the outputs retryable', async () => {
    const controller = new AbortController();
    controller.abort();
    const { sink } = publisher();
    const { outcomes } = await sink.deliver([eventBridgeOutput(1), eventBridgeOutput(2)], {
      signal: controller.signal,
    });

    expect(outcomes.map((o) => o.status)).toEqual(['retryable', 'retryable']);
    expect(bus.log).toHaveLength(0);
  });

  it('cancels a slow request when the deadline fires during it', async () => {
    bus.failNext({ slowMs: 2_000 });
    const { sink } = publisher();
    const signal = AbortSignal.timeout(100);
    const { outcomes } = await sink.deliver([eventBridgeOutput(1)], { signal });

    expect(outcomes[0]).toMatchObject({ status: 'retryable', reason: expect.stringContaining('deadline') });
  });
});
