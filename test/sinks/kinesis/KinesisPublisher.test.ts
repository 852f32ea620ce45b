import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { changeLogDataBytes, encodeChangeLogData } from '../../../lib/changeLog/encodeChangeLogData.js';
import { DeliveryTelemetry } from '../../../lib/observability/DeliveryTelemetry.js';
import type { KinesisOutput } from '../../../lib/routing/types.js';
import { S3ClaimCheckStore } from '../../../lib/sinks/claimCheck/S3ClaimCheckStore.js';
import { KinesisPublisher } from '../../../lib/sinks/kinesis/KinesisPublisher.js';
import { FAST_RETRY, kinesisOutput } from '../../delivery/outputs.js';
import { changesOf } from '../../support/changesOf.js';
import { type FaultProxy, faults, startFaultProxy } from '../../support/faultProxy.js';
import {
  type KinesaliteHandle,
  kinesisPartialFailure,
  type StreamedRecord,
  startKinesalite,
} from '../../support/kinesalite.js';
import { type S3rverHandle, startS3rver } from '../../support/s3rver.js';

const PUT_RECORDS = 'Kinesis_20131202.PutRecords';
let kinesis: KinesaliteHandle;
let proxy: FaultProxy;
let s3: S3rverHandle;
let streamCount = 0;

beforeAll(async () => {
  kinesis = await startKinesalite();
  proxy = await startFaultProxy({ target: kinesis.endpoint, seed: 11 });
  s3 = await startS3rver({ buckets: ['claim-checks'] });
});
afterAll(async () => {
  await proxy.close();
  await kinesis.close();
  await s3.close();
});
beforeEach(() => {
  proxy.clearRules();
  proxy.log.length = 0;
});

/** A fresh stream per test, and a publisher writing to it through the fault proxy. */
async function setUp(shards = 1, options: Partial<ConstructorParameters<typeof KinesisPublisher>[0]> = {}) {
  const stream = `changes-${++streamCount}`;
  await kinesis.createStream(stream, shards);
  const telemetry = new DeliveryTelemetry();
  const sink = new KinesisPublisher({
    client: kinesis.client({ endpoint: proxy.url, maxAttempts: 1 }),
    stream,
    retry: FAST_RETRY,
    telemetry,
    claimCheck: new S3ClaimCheckStore({ client: s3.client({ maxAttempts: 1 }), bucket: 'claim-checks' }),
    ...options,
  });
  return { stream, sink, telemetry };
}

/** Event numbers of a stream's changes per partition key, in stream order. */
function numbersByKey(records: StreamedRecord[]): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (const record of changesOf(records)) {
    const n = Number(JSON.parse(record.data).origin.eventId.slice('rec-'.length));
    byKey.set(record.partitionKey, [...(byKey.get(record.partitionKey) ?? []), n]);
  }
  return byKey;
}

/** Positions of the records of a PutRecords request body whose data mentions `eventId`. */
function positionsOf(records: unknown[], eventId: string): number[] {
  return records.flatMap((r, i) =>
    Buffer.from((r as { Data: string }).Data, 'base64')
      .toString('utf8')
      .includes(eventId)
      ? [i]
      : [],
  );
}

function putRecordsCalls(): number {
  return proxy.log.filter((e) => e.target === PUT_RECORDS).length;
}

/** Bytes of a record as Kinesis counts them: partition key and data. */
function recordBytes(record: StreamedRecord): number {
  return Buffer.byteLength(record.partitionKey) + Buffer.byteLength(record.data);
}

/** The largest record size that holds `count` of the given outputs' changes of one key, and no more. */
function limitFor(outputs: KinesisOutput[], count: number): number {
  const sizes = outputs.map((o) => Buffer.byteLength(JSON.stringify(o.payload.Data)));
  const largest = Math.max(...sizes);
  const key = Buffer.byteLength(outputs[0]!.payload.PartitionKey);
  const limit = key + changeLogDataBytes(count * largest, count);
  expect(key + changeLogDataBytes((count + 1) * Math.min(...sizes), count + 1)).toBeGreaterThan(limit);
  return limit;
}

describe('KinesisPublisher', () => {
  it('packs records of distinct partition keys 500 to a request', async () => {
    const { stream, sink, telemetry } = await setUp(2);
    const outputs = Array.from({ length: 1200 }, (_, n) => kinesisOutput(n, { conversation: `c${n}` }));
    const { outcomes } = await sink.deliver(outputs);

    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(telemetry.snapshot().kinesis?.requests).toBe(3);
    expect(await kinesis.readStream(stream)).toHaveLength(1200);
  });

  it('carries the 100 changes of one hot conversation in one record of one request, in order', async () => {
    const { stream, sink } = await setUp();
    const outputs = Array.from({ length: 100 }, (_, n) => kinesisOutput(n, { conversation: 'hot' }));
    const { outcomes } = await sink.deliver(outputs);

    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(putRecordsCalls()).toBe(1);
    const records = await kinesis.readStream(stream);
    expect(records).toHaveLength(1);
    expect(JSON.parse(records[0]!.data)).toMatchObject({ changeLogVersion: 2 });
    expect(numbersByKey(records).get('conv#u1#hot')).toEqual(outputs.map((_, n) => n));
  });

  it('sends a batch in ceil(keys / 500) requests however many changes each key has', async () => {
    const { stream, sink } = await setUp(2);
    // 600 keys, 1,800 changes (3 of each key, interleaved as a stream interleaves conversations).
    const outputs = Array.from({ length: 1800 }, (_, n) => kinesisOutput(n, { conversation: `c${n % 600}` }));
    await sink.deliver(outputs);

    expect(putRecordsCalls()).toBe(Math.ceil(600 / 500));
    const records = await kinesis.readStream(stream);
    expect(records).toHaveLength(600);
    for (const [, numbers] of numbersByKey(records)) {
      expect(numbers).toHaveLength(3);
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    }
  });

  it('delivers a hot conversation of 2,000 changes in order under 20 % record failures, in few requests', async () => {
    const outputs = Array.from({ length: 2000 }, (_, n) => kinesisOutput(n, { conversation: 'hot' }));
    // Records of about 100 changes: some 20 parts, which must land one after another.
    const maxRecordBytes = 75_000;
    const { stream, sink } = await setUp(1, { retry: { ...FAST_RETRY, maxAttempts: 30 }, maxRecordBytes });
    proxy.addRule({
      match: { target: PUT_RECORDS },
      fault: kinesisPartialFailure({ recordProbability: 0.2, seed: 16 }),
    });
    const { outcomes } = await sink.deliver(outputs);

    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    const records = await kinesis.readStream(stream);
    expect(records.length).toBeGreaterThanOrEqual(15);
    expect(records.length).toBeLessThanOrEqual(25);
    for (const record of records) expect(recordBytes(record)).toBeLessThanOrEqual(maxRecordBytes);
    expect(numbersByKey(records).get('conv#u1#hot')).toEqual(outputs.map((_, n) => n));
    // One request per part, plus one per failed attempt: nowhere near one per change.
    expect(putRecordsCalls()).toBeGreaterThan(records.length);
    expect(putRecordsCalls()).toBeLessThan(3 * records.length);
  });

  it("splits a key's changes into records under the record limit, one request per part, in order", async () => {
    const outputs = Array.from({ length: 30 }, (_, n) => kinesisOutput(n, { conversation: 'hot' }));
    const maxRecordBytes = limitFor(outputs, 4);
    const { stream, sink } = await setUp(1, { maxRecordBytes });
    const { outcomes } = await sink.deliver(outputs);

    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    const records = await kinesis.readStream(stream);
    expect(records).toHaveLength(Math.ceil(30 / 4));
    for (const record of records) expect(recordBytes(record)).toBeLessThanOrEqual(maxRecordBytes);
    // Two records of one key never share a request: the parts go one after another.
    expect(putRecordsCalls()).toBe(records.length);
    expect(numbersByKey(records).get('conv#u1#hot')).toEqual(outputs.map((_, n) => n));
  });

  it('splits requests at the request size, records of different keys together', async () => {
    const outputs = Array.from({ length: 40 }, (_, n) => kinesisOutput(n, { conversation: `k${n}` }));
    const { stream, sink } = await setUp(1, { maxRequestBytes: 8192 });
    const requests: { PartitionKey: string; Data: string }[][] = [];
    proxy.addRule({
      // Never injects: records what each request carried.
      match: (request) => {
        if (request.headers['x-amz-target'] === PUT_RECORDS) {
          requests.push(JSON.parse(request.body.toString()).Records);
        }
        return false;
      },
      fault: faults.reset(),
    });
    await sink.deliver(outputs);

    const records = await kinesis.readStream(stream);
    expect(records).toHaveLength(40);
    const perRequest = Math.floor(8192 / Math.max(...records.map(recordBytes)));
    expect(requests.length).toBeGreaterThan(1);
    expect(putRecordsCalls()).toBeLessThanOrEqual(Math.ceil(40 / perRequest));
    for (const sent of requests) {
      const bytes = sent.reduce(
        (n, r) => n + Buffer.byteLength(r.PartitionKey) + Buffer.from(r.Data, 'base64').byteLength,
        0,
      );
      expect(bytes).toBeLessThanOrEqual(8192);
    }
  });

  it('keeps every partition key in order when requests fail partly, writing each change once', async () => {
    const outputs = Array.from({ length: 400 }, (_, n) => kinesisOutput(n, { conversation: `c${n % 12}` }));
    // Records of about five changes: each key's changes go in several records, which fail apart.
    const { stream, sink, telemetry } = await setUp(3, {
      retry: { ...FAST_RETRY, maxAttempts: 30 },
      maxRecordBytes: limitFor(outputs, 5),
    });
    proxy.addRule({
      match: { target: PUT_RECORDS },
      probability: 0.7,
      fault: kinesisPartialFailure({ recordProbability: 0.35, seed: 3 }),
    });
    const { outcomes } = await sink.deliver(outputs);

    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(telemetry.snapshot().kinesis?.retries).toBeGreaterThan(50);
    const records = await kinesis.readStream(stream);
    expect(records.length).toBeGreaterThanOrEqual(Math.ceil(400 / 5));
    expect(changesOf(records)).toHaveLength(400);
    const byKey = numbersByKey(records);
    expect(byKey.size).toBe(12);
    for (const [key, numbers] of byKey) {
      const expected = outputs
        .filter((o) => o.payload.PartitionKey === key)
        .map((o) => Number(o.record.slice(4)));
      expect(numbers).toEqual(expected);
    }
  });

  it('fails exactly the changes of a record that keeps failing, holds back its successors, lets other keys through', async () => {
    const outputs = Array.from({ length: 12 }, (_, n) => kinesisOutput(n, { conversation: `c${n % 2}` }));
    // Two changes a record: c0 goes as [0, 2], [4, 6], [8, 10]; c1 as [1, 3], [5, 7], [9, 11].
    const { stream, sink } = await setUp(1, {
      retry: { ...FAST_RETRY, maxAttempts: 3 },
      maxRecordBytes: limitFor(outputs, 2),
    });
    const stuck = outputs[4]!; // conversation c0, first change of its second record
    proxy.addRule({
      match: { target: PUT_RECORDS },
      fault: kinesisPartialFailure({ failIndexes: (records) => positionsOf(records, stuck.eventId) }),
    });
    const { outcomes } = await sink.deliver(outputs);

    const statuses = outcomes.map((o, n) => `${n}:${o.status}`);
    expect(statuses).toEqual([
      '0:accepted',
      '1:accepted',
      '2:accepted',
      '3:accepted',
      '4:retryable',
      '5:accepted',
      '6:retryable',
      '7:accepted',
      '8:retryable',
      '9:accepted',
      '10:retryable',
      '11:accepted',
    ]);
    // 6 shares the failed record; 8 and 10 wait behind it.
    expect(outcomes[6]!.status === 'retryable' && outcomes[6]!.reason).not.toContain('held back');
    expect(outcomes[8]).toMatchObject({ reason: `held back behind ${stuck.eventId}` });
    expect(outcomes[10]).toMatchObject({ reason: `held back behind ${stuck.eventId}` });
    const byKey = numbersByKey(await kinesis.readStream(stream));
    expect(byKey.get('conv#u1#c0')).toEqual([0, 2]);
    expect(byKey.get('conv#u1#c1')).toEqual([1, 3, 5, 7, 9, 11]);
  });

  it('gets past throttled, failing, reset and slow requests', async () => {
    const { stream, sink, telemetry } = await setUp();
    proxy.addRule({
      match: { target: PUT_RECORDS },
      times: 1,
      fault: faults.jsonError(400, 'ProvisionedThroughputExceededException', 'Rate exceeded for shard'),
    });
    proxy.addRule({ match: { target: PUT_RECORDS }, times: 1, fault: faults.internalError() });
    proxy.addRule({ match: { target: PUT_RECORDS }, times: 1, fault: faults.reset() });
    proxy.addRule({ match: { target: PUT_RECORDS }, times: 1, fault: faults.delay(50) });
    const outputs = Array.from({ length: 20 }, (_, n) => kinesisOutput(n, { conversation: `c${n}` }));
    const { outcomes } = await sink.deliver(outputs);

    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(proxy.log.filter((e) => e.target === PUT_RECORDS).map((e) => e.fault)).toEqual([
      'respond',
      'respond',
      'reset',
      'delay',
    ]);
    expect(telemetry.snapshot().kinesis?.throttles).toBe(1);
    expect(await kinesis.readStream(stream)).toHaveLength(20);
  });

  it('sends a record over the record limit as a claim check, in its place in the order', async () => {
    const { stream, sink } = await setUp();
    const outputs = [
      kinesisOutput(1, { conversation: 'c' }),
      kinesisOutput(2, { conversation: 'c', textBytes: 1_100_000 }),
      kinesisOutput(3, { conversation: 'c' }),
    ];
    const { outcomes } = await sink.deliver(outputs);

    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted']);
    const data = changesOf(await kinesis.readStream(stream)).map((r) => JSON.parse(r.data));
    expect(data.map((d) => d.eventId)).toEqual(outputs.map((o) => o.eventId));
    expect(data[1].claimCheck).toMatchObject({
      bucket: 'claim-checks',
      key: `claim-check/${outputs[1]!.eventId}.json`,
    });
    expect(data[1]).not.toHaveProperty('after');
  });

  it("holds back a key's later records behind a record whose claim check could not be stored", async () => {
    const s3Proxy = await startFaultProxy({ target: s3.endpoint });
    s3Proxy.addRule({ match: { method: 'PUT' }, fault: faults.s3InternalError() });
    try {
      const { stream, sink } = await setUp(1, {
        claimCheck: new S3ClaimCheckStore({
          client: s3.client({ endpoint: s3Proxy.url, maxAttempts: 1 }),
          bucket: 'claim-checks',
        }),
      });
      const outputs = [
        kinesisOutput(1, { conversation: 'c' }),
        kinesisOutput(2, { conversation: 'c', textBytes: 1_100_000 }),
        kinesisOutput(3, { conversation: 'c' }),
        kinesisOutput(4, { conversation: 'd' }),
      ];
      const { outcomes } = await sink.deliver(outputs);

      expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'retryable', 'retryable', 'accepted']);
      expect(outcomes[2]).toMatchObject({ reason: `held back behind ${outputs[1]!.eventId}` });
      // Key c's order holds: nothing after the record that is still owed went out.
      const sent = changesOf(await kinesis.readStream(stream)).map((r) => JSON.parse(r.data).eventId);
      expect(sent).toEqual([outputs[0]!.eventId, outputs[3]!.eventId]);
      expect(s3Proxy.injected()).toBeGreaterThan(0);
    } finally {
      await s3Proxy.close();
    }
  });

  it('writes every record byte for byte as encodeChangeLogData does, small records sharing buffers and large ones not', async () => {
    const { stream, sink } = await setUp();
    // Sizes around the shared-buffer size (32 KiB, records over 8 KiB alone), several changes per key.
    const sizes = [100, 9_000, 300, 20_000, 7_900, 40_000, 50, 3_000, 12_000, 700, 31_000, 5];
    const outputs = sizes.map((textBytes, n) => kinesisOutput(n, { conversation: `k${n % 5}`, textBytes }));
    const { outcomes } = await sink.deliver(outputs, { prepared: outputs.map((o) => sink.prepare(o)) });

    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    const records = await kinesis.readStream(stream);
    for (const record of records) {
      const changes = (JSON.parse(record.data) as { changes: { eventId: string }[] }).changes.map((change) =>
        JSON.stringify(outputs.find((o) => o.eventId === change.eventId)!.payload.Data),
      );
      expect(record.data).toBe(Buffer.from(encodeChangeLogData(changes)).toString('utf8'));
    }
    expect(records.flatMap((r) => JSON.parse(r.data).changes)).toHaveLength(sizes.length);
  });

  it('delivers outputs prepared ahead (Sink.prepare) exactly as it delivers them unprepared', async () => {
    const batch = () => {
      const bad = kinesisOutput(5, { conversation: 'c' });
      bad.payload.PartitionKey = '';
      return [
        kinesisOutput(1, { conversation: 'c' }),
        kinesisOutput(2, { conversation: 'c', textBytes: 1_100_000 }),
        kinesisOutput(3, { conversation: 'd' }),
        kinesisOutput(4, { conversation: 'c' }),
        bad,
        ...Array.from({ length: 10 }, (_, n) => kinesisOutput(10 + n, { conversation: `k${n % 3}` })),
      ];
    };
    const written = async (stream: string) =>
      changesOf(await kinesis.readStream(stream)).map((r) => ({ key: r.partitionKey, data: r.data }));

    const first = await setUp();
    const unprepared = await first.sink.deliver(batch());
    const callsUnprepared = putRecordsCalls();
    proxy.log.length = 0;

    const second = await setUp();
    const outputs = batch();
    const prepared = await second.sink.deliver(outputs, {
      prepared: outputs.map((o) => second.sink.prepare(o)),
    });

    expect(prepared.outcomes).toEqual(unprepared.outcomes);
    expect(prepared.outcomes[4]?.status).toBe('rejected');
    expect(await written(second.stream)).toEqual(await written(first.stream));
    expect(putRecordsCalls()).toBe(callsUnprepared);
    const big = (await written(second.stream))
      .map((r) => JSON.parse(r.data))
      .find((d) => d.eventId === outputs[1]!.eventId);
    expect(big.claimCheck).toBeDefined();
  });

  it('rejects a record with an invalid partition key and lets its successors through', async () => {
    const { stream, sink } = await setUp();
    const bad = kinesisOutput(1, { conversation: 'c' });
    bad.payload.PartitionKey = '';
    const outputs = [bad, kinesisOutput(2, { conversation: 'c' })];
    const { outcomes } = await sink.deliver(outputs);

    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'accepted']);
    expect(await kinesis.readStream(stream)).toHaveLength(1);
  });

  it('finds the one bad record of a request the service refused as a whole', async () => {
    const { sink } = await setUp();
    const outputs = Array.from({ length: 5 }, (_, n) => kinesisOutput(n, { conversation: `c${n}` }));
    // The first request (all five records) is refused; alone, only record 2 is refused again.
    proxy.addRule({
      match: { target: PUT_RECORDS },
      times: 1,
      fault: faults.jsonError(400, 'ValidationException', '1 validation error detected'),
    });
    proxy.addRule({
      match: (request) =>
        request.headers['x-amz-target'] === PUT_RECORDS &&
        positionsOf(JSON.parse(request.body.toString()).Records, outputs[2]!.eventId).length > 0,
      fault: faults.jsonError(400, 'ValidationException', 'record refused'),
    });
    const { outcomes } = await sink.deliver(outputs);

    expect(outcomes.map((o) => o.status)).toEqual([
      'accepted',
      'accepted',
      'rejected',
      'accepted',
      'accepted',
    ]);
    expect(putRecordsCalls()).toBe(6);
  });

  it('finds the one bad change of a record the service refused, keeping the key in order', async () => {
    const { stream, sink } = await setUp();
    const outputs = Array.from({ length: 5 }, (_, n) => kinesisOutput(n, { conversation: 'c' }));
    proxy.addRule({
      match: (request) =>
        request.headers['x-amz-target'] === PUT_RECORDS &&
        positionsOf(JSON.parse(request.body.toString()).Records, outputs[2]!.eventId).length > 0,
      fault: faults.jsonError(400, 'ValidationException', 'record refused'),
    });
    const { outcomes } = await sink.deliver(outputs);

    expect(outcomes.map((o) => o.status)).toEqual([
      'accepted',
      'accepted',
      'rejected',
      'accepted',
      'accepted',
    ]);
    // The record of five, then each change alone, one after another.
    expect(putRecordsCalls()).toBe(6);
    expect(numbersByKey(await kinesis.readStream(stream)).get('conv#u1#c')).toEqual([0, 1, 3, 4]);
  });
});
