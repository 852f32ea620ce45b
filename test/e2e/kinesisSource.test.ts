/**
 * End to end with Kinesis Data Streams for DynamoDB as the source (`source: 'kinesis'`): items
 * written to a DynamoDB Local table, its stream forwarded into a kinesalite stream in the format
 * DynamoDB's Kinesis streaming destination writes (lib/dev/kinesisStreamingDestination.ts stands in
 * for it), and the real router and archiver handlers invoked with Lambda Kinesis events read from
 * kinesalite with GetRecords by the local event source mapping `memory-cdc dev --source kinesis` runs
 * (lib/dev/LocalEventSourceMapping.ts over `kinesisShardApi`) — a mapping each, the archiver's
 * filtered to TTL expiries. Assertions on
 * the PutEvents endpoint, the change log in kinesalite and the archive in s3rver.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { marshall, NumberValueImpl as NumberValue } from '@aws-sdk/util-dynamodb';
import type { KinesisStreamRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isExpiryRecord } from '../../lib/archive/isExpiryRecord.js';
import { openArchiveReader } from '../../lib/archive/openArchiveReader.js';
import { restoreArchive } from '../../lib/archive/restoreArchive.js';
import { createMemoryTable } from '../../lib/dev/createMemoryTable.js';
import { KinesisStreamingDestination } from '../../lib/dev/kinesisStreamingDestination.js';
import { type InvocationReport, LocalEventSourceMapping } from '../../lib/dev/LocalEventSourceMapping.js';
import type { SeedItem, SeedWrite } from '../../lib/dev/seed/types.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { kinesisShardApi } from '../../lib/live/kinesisShardApi.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
import { fromKinesisDynamoDbRecord } from '../../lib/stream/fromKinesisDynamoDbRecord.js';
import { expectedOutputs, groupBy, itemOf } from './expectedOutputs.js';
import { BUCKETS, type Harness, startHarness, waitFor } from './harness.js';
import { scriptedSession } from './story.js';

const TABLE = 'kds';
const SOURCE = 'kds-source';
const SOURCE_ARN = `arn:aws:kinesis:us-east-1:000000000000:stream/${SOURCE}`;
const TTL = agentMemoryLayout.ttlAttribute!;

let h: Harness;
let bridge: KinesisStreamingDestination;
/** The Kinesis mappings' run (ended by `stopMappings`). */
let mappings: Promise<void>;
const stopMappings = new AbortController();
/** Every record the mappings read, before filters (again after a reported failure). */
const read: KinesisStreamRecord[] = [];
const invocations: InvocationReport<KinesisStreamRecord>[] = [];
type KinesisHandler = (event: { Records: KinesisStreamRecord[] }) => Promise<{
  batchItemFailures: { itemIdentifier: string }[];
}>;
const now = Math.floor(Date.now() / 1000);
const session = scriptedSession(now);
const expired: SeedItem[] = [
  {
    pk: 'USER#u-kds',
    sk: 'CONV#c-old',
    title: 'Old chat',
    expires_at: now - 3600,
    big: new NumberValue('12345678901234567890123'),
    blob: new Uint8Array([0, 1, 2, 253, 254, 255]),
    tags: new Set(['travel', 'lisbon']),
  },
  {
    pk: 'USER#u-kds',
    sk: 'CONV#c-old#TS#2026-10-01T10:00:00.000Z',
    turn_id: 'old-1',
    role: 'user',
    text: 'Remind me.',
    seq: 1,
    expires_at: now - 3600,
  },
];
/** The items written to expire (their Created and Expired events are checked apart). */
const isExpiredItem = (item: string) => item.startsWith('USER#u-kds|');
const keyOf = (write: SeedWrite) => itemOf(write.op === 'put' ? write.item : write.key);
/** Every change once (the bridge may write one again), in the source stream's order. */
const uniqueChanges = (records: readonly KinesisStreamRecord[]) => {
  const seen = new Set<string>();
  return records
    .map((r) => fromKinesisDynamoDbRecord(r).record)
    .filter((r) => !seen.has(r.eventID!) && seen.add(r.eventID!));
};
const routerRead = () => uniqueChanges(read);
const archived = async () =>
  (
    await h.s3
      .client()
      .send(new ListObjectsV2Command({ Bucket: BUCKETS.archive, Prefix: `archive/table=${TABLE}/` }))
  ).Contents ?? [];

beforeAll(async () => {
  h = await startHarness();
  const table = await h.createTable(TABLE);
  await h.kinesis.createStream(SOURCE, 2);
  // DynamoDB Local's stream into kinesalite, as the table's Kinesis streaming destination would write it.
  bridge = await KinesisStreamingDestination.start({
    streams: h.streams,
    streamArn: table.streamArn,
    kinesis: h.kinesis.client(),
    kinesisStream: SOURCE,
    tableName: TABLE,
    idlePollMs: 100,
  });
  // Two Kinesis mappings, as the stack deploys them: the router, and the archiver filtered to TTL expiries.
  const mapping = new LocalEventSourceMapping<KinesisStreamRecord>({
    client: kinesisShardApi(h.kinesis.client(), { name: SOURCE, arn: SOURCE_ARN }),
    streamArn: SOURCE_ARN,
    startAt: 'trim-horizon',
    idlePollMs: 100,
    describeIntervalMs: 2000,
    limit: 100,
    consumers: [
      { name: 'router', handler: h.router as unknown as KinesisHandler },
      {
        name: 'archiver',
        filter: (r) => isExpiryRecord(fromKinesisDynamoDbRecord(r).record, TTL),
        handler: h.archiver as unknown as KinesisHandler,
      },
    ],
    signal: stopMappings.signal,
    onRead: (_shard, records) => read.push(...records),
    onInvocation: (report) => invocations.push(report),
  });
  mappings = mapping.run();
  await h.write(TABLE, [
    ...expired.map((item): SeedWrite => ({ op: 'put', item })),
    ...session.map((s) => s.write),
  ]);
  // Every write and both TTL deletions routed; the TTL process sweeps a small table within ~10 s.
  const changes = session.length + expired.length * 2;
  await waitFor(
    'every change routed and both expiries archived',
    async () => {
      if (routerRead().length < changes) return false;
      // Read is not yet delivered: wait for every event the session and the expiries owe.
      const events = h.events(TABLE).filter((e) => !isExpiredItem(itemOf(e.detail.keys))).length;
      const expiries = h.events(TABLE).filter((e) => e.detail.expired).length;
      const expectedEvents = session.flatMap((s) => s.eventBridge).length;
      return (
        events >= expectedEvents && expiries >= expired.length && (await archived()).length >= expired.length
      );
    },
    120_000,
    250,
  );
}, 180_000);

afterAll(async () => {
  stopMappings.abort();
  await mappings;
  await bridge?.stop();
  await h?.close();
});

describe('Kinesis Data Streams for DynamoDB as the source, on DynamoDB Local and kinesalite', () => {
  it('carries each write and expiry through the source stream in the KDS format, acknowledged without failures', () => {
    const changes = routerRead();
    expect(changes).toHaveLength(session.length + expired.length * 2);
    for (const change of changes) {
      expect(change.eventSourceARN).toMatch(new RegExp(`:table/${TABLE}/stream/kinesis-data-streams$`));
      expect(change.dynamodb?.SequenceNumber).toMatch(/^\d+$/);
    }
    expect(invocations.length).toBeGreaterThan(0);
    // Every invocation acknowledged its whole batch: nothing reported, nothing thrown, nothing retried.
    expect(
      invocations.filter(
        (i) => i.error !== undefined || i.acknowledged.length < i.records.length || i.attempt > 1,
      ),
    ).toEqual([]);
    expect(bridge.stats.lost).toBe(0);
  });

  it('publishes the documented EventBridge detail-types for every write, with the ids of the converted records', () => {
    const expected = groupBy(
      session.flatMap((s) => s.eventBridge.map((detailType) => ({ detailType, item: keyOf(s.write) }))),
      (e) => e.item,
    );
    const received = groupBy(
      h
        .events(TABLE)
        .map((e) => ({ detailType: e.detailType, item: itemOf(e.detail.keys) }))
        .filter((e) => !isExpiredItem(e.item)),
      (e) => e.item,
    );
    expect([...received.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [item, events] of expected) {
      expect(
        received
          .get(item)!
          .map((e) => e.detailType)
          .sort(),
        item,
      ).toEqual(events.map((e) => e.detailType).sort());
    }
    // Deterministic ids: exactly what the pipeline makes of each change read from the source.
    const pipeline = createPipeline({ layout: agentMemoryLayout });
    const ids = routerRead().flatMap((r) =>
      pipeline
        .process(r)
        .outputs.filter((o) => o.sink === 'eventbridge')
        .map((o) => o.eventId),
    );
    expect(
      h
        .events(TABLE)
        .map((e) => e.detail.eventId)
        .sort(),
    ).toEqual(ids.sort());
  });

  it('writes the change log in per-item order within each conversation partition', async () => {
    const log = (await h.changeLog(TABLE)).filter((r) => !isExpiredItem(itemOf(r.detail.keys)));
    const byPartition = groupBy(log, (r) => r.partitionKey);
    const partitionOf = new Map(
      expectedOutputs(
        TABLE,
        session.map((s) => s.write),
      ).map((o) => [o.item, o.partitionKey]),
    );
    const expected = groupBy(
      session
        .filter((s) => s.kinesis !== null)
        .map((s) => ({ detailType: s.kinesis!, item: keyOf(s.write) })),
      (e) => partitionOf.get(e.item)!,
    );
    expect([...byPartition.keys()].sort()).toEqual([...expected.keys()].sort());
    // The table's Kinesis stream shards by item, not by table partition key: a conversation's items
    // may sit on different source shards, so only each item's own order is kept (as documented).
    for (const [partition, records] of byPartition) {
      const byItem = groupBy(records, (r) => itemOf(r.detail.keys));
      const expectedByItem = groupBy(expected.get(partition)!, (e) => e.item);
      expect([...byItem.keys()].sort(), partition).toEqual([...expectedByItem.keys()].sort());
      for (const [item, itemRecords] of byItem) {
        expect(
          itemRecords.map((r) => r.detail.detailType),
          item,
        ).toEqual(expectedByItem.get(item)!.map((e) => e.detailType));
        // origin.sequenceNumber is the change's creation time in microseconds: increasing per item.
        const sequences = itemRecords.map((r) => BigInt(r.detail.origin.sequenceNumber));
        expect(sequences).toEqual([...sequences].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      }
    }
  });

  it('publishes the expiries and archives each expired item once, restorable losslessly', async () => {
    const expiredEvents = h.events(TABLE).filter((e) => e.detail.expired);
    expect(expiredEvents.map((e) => e.detailType).sort()).toEqual(['Conversation Expired', 'Turn Expired']);
    const objects = await archived();
    expect(objects).toHaveLength(expired.length);
    for (const object of objects) {
      expect(object.Key).toMatch(
        new RegExp(
          `^archive/table=${TABLE}/entity=(conversation|turn)/dt=\\d{4}-\\d{2}-\\d{2}/hour=\\d{2}/.+\\.jsonl\\.gz$`,
        ),
      );
    }
    await createMemoryTable(h.dynamodb, {
      tableName: `${TABLE}-restored`,
      layout: { ...agentMemoryLayout, ttlAttribute: undefined },
    });
    const summary = await restoreArchive({
      reader: openArchiveReader(`s3://${BUCKETS.archive}/archive/`, { s3Client: () => h.s3.client() }),
      filter: { table: TABLE },
      targetTable: `${TABLE}-restored`,
      client: h.dynamodb,
    });
    expect(summary.itemsWritten).toBe(expired.length);
    for (const item of expired) {
      const { Item } = await h.dynamodb.send(
        new GetItemCommand({
          TableName: `${TABLE}-restored`,
          Key: marshall({ pk: item.pk, sk: item.sk }),
          ConsistentRead: true,
        }),
      );
      const { memory_cdc_restored_at: marker, ...restored } = Item!;
      expect(marker?.S).toBeDefined();
      expect(canonical(restored)).toEqual(canonical(marshall(item)));
    }
  });
});

/** DynamoDB JSON with set members sorted: sets have no order, so DynamoDB may return them in any. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, inner]) => [
      name,
      ['SS', 'NS', 'BS'].includes(name) ? (canonical(inner) as string[]).sort() : canonical(inner),
    ]),
  );
}
