/**
 * Kinesis Data Streams for DynamoDB records (Lambda Kinesis events, base64 JSON data in the shape
 * the DynamoDB developer guide documents) into the pipeline's stream records: converted, deduplicated
 * on eventID, and each item's changes put back in ApproximateCreationDateTime order within a batch.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { isExpiryRecord } from '../../lib/archive/isExpiryRecord.js';
import { DecodeError } from '../../lib/errors.js';
import { kinesisCapture } from '../../lib/fixtures/kinesisCapture.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import { loadFixtureFile } from '../../lib/replay/loadFixtureFile.js';
import { replay } from '../../lib/replay/replay.js';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';
import { fromKinesisDynamoDbRecord } from '../../lib/stream/fromKinesisDynamoDbRecord.js';
import { orderKinesisDynamoDbBatch } from '../../lib/stream/orderKinesisDynamoDbBatch.js';

const FIXTURE = new URL('../../events/kinesis-data-streams/conversation.json', import.meta.url).pathname;
const fixture = (await loadFixtureFile(FIXTURE)) as unknown as KinesisStreamRecord[];

/** The fields of the change JSON these tests read or break. */
interface Change {
  eventID: string;
  eventName: string;
  tableName?: string;
  eventSource?: string;
  userIdentity?: { principalId?: string } | null;
  dynamodb: {
    ApproximateCreationDateTime?: unknown;
    ApproximateCreationDateTimePrecision?: string;
    Keys?: unknown;
  };
}

/** The change JSON inside a Kinesis record. */
const changeOf = (record: KinesisStreamRecord) =>
  JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')) as Change;
const withChange = (record: KinesisStreamRecord, edit: (change: Change) => void): KinesisStreamRecord => {
  const change = changeOf(record);
  edit(change);
  return {
    ...record,
    kinesis: { ...record.kinesis, data: Buffer.from(JSON.stringify(change)).toString('base64') },
  };
};
const itemOf = (record: { dynamodb?: { Keys?: unknown } }) => JSON.stringify(record.dynamodb?.Keys);

/** A seeded shuffle (mulberry32), so a failure names its seed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe('fromKinesisDynamoDbRecord', () => {
  it('turns every fixture record into a stream record the pipeline decodes and routes', () => {
    const pipeline = createPipeline({ layout: agentMemoryLayout });
    for (const kinesisRecord of fixture) {
      const { record, kinesisSequenceNumber } = fromKinesisDynamoDbRecord(kinesisRecord);
      expect(kinesisSequenceNumber).toBe(kinesisRecord.kinesis.sequenceNumber);
      const change = decodeRecord(record);
      expect(change.position.table).toBe('agent-memory');
      expect(change.position.region).toBe('us-east-1');
      expect(pipeline.process(record).outputs.length).toBeGreaterThan(0);
    }
  });

  it('reads microseconds and milliseconds, stated or told apart by magnitude, as the same time', () => {
    const base = fixture[0]!;
    const micros = changeOf(base).dynamodb.ApproximateCreationDateTime as number;
    const asMillis = withChange(base, (c) => {
      c.dynamodb.ApproximateCreationDateTime = Math.floor(micros / 1000);
      delete c.dynamodb.ApproximateCreationDateTimePrecision;
    });
    const statedMillis = withChange(asMillis, (c) => {
      c.dynamodb.ApproximateCreationDateTimePrecision = 'MILLISECOND';
    });
    const expected = new Date(Math.floor(micros / 1000)).toISOString();
    for (const record of [base, asMillis, statedMillis]) {
      expect(decodeRecord(fromKinesisDynamoDbRecord(record).record).position.approximateCreationTime).toBe(
        expected,
      );
    }
    expect(fromKinesisDynamoDbRecord(asMillis).createdAtMicros).toBe(Math.floor(micros / 1000) * 1000);
  });

  it('keeps the TTL service identity, so expiries are archived', async () => {
    const expiryFile = new URL('../../events/agent-memory/expiry.json', import.meta.url).pathname;
    const capture = kinesisCapture(await loadFixtureFile(expiryFile));
    const expiries = capture.filter(
      (r) => changeOf(r).userIdentity?.principalId === 'dynamodb.amazonaws.com',
    );
    expect(expiries.length).toBeGreaterThan(0);
    for (const r of expiries) expect(isExpiryRecord(fromKinesisDynamoDbRecord(r).record)).toBe(true);
    const writes = [...fixture, ...capture].filter((r) => changeOf(r).userIdentity === null);
    expect(writes.length).toBeGreaterThan(0);
    for (const r of writes) expect(isExpiryRecord(fromKinesisDynamoDbRecord(r).record)).toBe(false);
  });

  it.each<[string, (r: KinesisStreamRecord) => KinesisStreamRecord, RegExp]>([
    [
      'data that is not base64 JSON',
      (r) => ({ ...r, kinesis: { ...r.kinesis, data: 'bm90IGpzb24=' } }),
      /not base64 JSON/,
    ],
    ['a change without tableName', (r) => withChange(r, (c) => delete c.tableName), /tableName is missing/],
    [
      'a change from another source',
      (r) => withChange(r, (c) => (c.eventSource = 'aws:kinesis')),
      /eventSource is "aws:kinesis"/,
    ],
    [
      'a time that is not a number',
      (r) => withChange(r, (c) => (c.dynamodb.ApproximateCreationDateTime = 'yesterday')),
      /ApproximateCreationDateTime must be a non-negative number \(given "yesterday"\)/,
    ],
    [
      'an unknown precision',
      (r) => withChange(r, (c) => (c.dynamodb.ApproximateCreationDateTimePrecision = 'SECOND')),
      /must be MICROSECOND or MILLISECOND \(given SECOND\)/,
    ],
  ])('refuses %s with a DecodeError saying what is wrong', (_, broken, message) => {
    const call = () => fromKinesisDynamoDbRecord(broken(fixture[1]!));
    expect(call).toThrow(DecodeError);
    expect(call).toThrow(message);
  });

  it('names why data is not JSON without quoting the data (item contents)', () => {
    const record = { ...fixture[1]!, kinesis: { ...fixture[1]!.kinesis, data: 'c2VjcmV0IHRleHQ=' } };
    expect(() => fromKinesisDynamoDbRecord(record)).toThrow(/not base64 JSON \(Unexpected token/);
    expect(() => fromKinesisDynamoDbRecord(record)).not.toThrow(/secret/);
  });
});

describe('orderKinesisDynamoDbBatch', () => {
  const canonical = orderKinesisDynamoDbBatch(fixture);
  const perItem = (records: { record: { eventID?: string; dynamodb?: { Keys?: unknown } } }[]) => {
    const items = new Map<string, string[]>();
    for (const { record } of records)
      items.set(itemOf(record), [...(items.get(itemOf(record)) ?? []), record.eventID!]);
    return items;
  };

  it("drops the fixture's redelivered change and restores the order of its swapped item", () => {
    expect(canonical.duplicates).toHaveLength(1);
    expect(canonical.records).toHaveLength(fixture.length - 1);
    for (const ids of perItem(canonical.records).values()) {
      const times = ids.map((id) => canonical.records.find((r) => r.record.eventID === id)!.createdAtMicros!);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    // The fixture delivers a conversation's MODIFY before its INSERT; the batch puts INSERT first.
    const first = changeOf(fixture[0]!);
    const ofItem = canonical.records.filter((r) => itemOf(r.record) === JSON.stringify(first.dynamodb.Keys));
    expect(ofItem[0]!.record.eventName).toBe('INSERT');
    expect(canonical.orderUncertain).toEqual([]);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'gives every item the same changes in the same order however the batch is shuffled and duplicated (seed %i)',
    (seed) => {
      const duplicated = [...fixture, ...shuffled(fixture, seed + 100).slice(0, 7)];
      const batch = orderKinesisDynamoDbBatch(shuffled(duplicated, seed));
      expect(batch.records).toHaveLength(canonical.records.length);
      expect(batch.duplicates).toHaveLength(duplicated.length - canonical.records.length);
      expect(perItem(batch.records)).toEqual(perItem(canonical.records));
      // Event ids are the same for every delivery of a change.
      const pipeline = createPipeline({ layout: agentMemoryLayout });
      const ids = (records: typeof batch.records) =>
        records.flatMap(({ record }) => pipeline.process(record).outputs.map((o) => o.eventId)).sort();
      expect(ids(batch.records)).toEqual(ids(canonical.records));
    },
  );

  it('flags changes of one item whose times tie (millisecond precision) and keeps them in arrival order', () => {
    const item = fixture.filter((r) => itemOf(changeOf(r)) === itemOf(changeOf(fixture[0]!)));
    expect(item.length).toBeGreaterThan(1);
    const tied = item.map((r) =>
      withChange(r, (c) => {
        c.dynamodb.ApproximateCreationDateTime = 1_795_860_001_000;
        c.dynamodb.ApproximateCreationDateTimePrecision = 'MILLISECOND';
      }),
    );
    const batch = orderKinesisDynamoDbBatch(tied);
    const unique = [...new Set(tied.map((r) => changeOf(r).eventID as string))];
    expect(batch.records.map((r) => r.record.eventID)).toEqual(unique);
    expect([...batch.orderUncertain].sort()).toEqual([...unique].sort());
  });
});

describe('replay of a Kinesis Data Streams for DynamoDB capture', () => {
  it('replays each change once, in per-item order, and says how many redeliveries it dropped', async () => {
    const warnings: string[] = [];
    const outputs: string[] = [];
    const summary = await replay({
      files: [FIXTURE],
      onOutput: (o) => {
        outputs.push(o.eventId);
      },
      onWarning: (w) => warnings.push(w),
    });
    expect([summary.records, summary.failed]).toEqual([fixture.length - 1, 0]);
    expect(warnings).toEqual([expect.stringMatching(/1 redelivered change\(s\) dropped \(same eventID/)]);
    const pipeline = createPipeline({ layout: agentMemoryLayout });
    const expected = orderKinesisDynamoDbBatch(fixture).records.flatMap(({ record }) =>
      pipeline.process(record).outputs.map((o) => o.eventId),
    );
    expect(outputs).toEqual(expected);
  });
});
