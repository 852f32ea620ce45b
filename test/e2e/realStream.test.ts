/**
 * End to end on a real DynamoDB stream: items written with the SDK to DynamoDB Local, its stream
 * read shard by shard, the router and archiver Lambdas' handlers invoked with Lambda-shaped
 * batches, and assertions on what kinesalite, s3rver and the EventBridge test endpoint received.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { marshall, NumberValueImpl as NumberValue } from '@aws-sdk/util-dynamodb';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchiveReader } from '../../lib/archive/openArchiveReader.js';
import { restoreArchive } from '../../lib/archive/restoreArchive.js';
import type { MemoryEventDetail } from '../../lib/catalog/types.js';
import { registerCapture } from '../../lib/cli/commands/capture.js';
import type { CliContext } from '../../lib/cli/types.js';
import { createMemoryTable, type MemoryTable } from '../../lib/dev/createMemoryTable.js';
import { AGENT_MEMORY_STORIES } from '../../lib/dev/seed/agentMemoryStories.js';
import { seedWrites } from '../../lib/dev/seed/seedWrites.js';
import type { SeedItem, SeedWrite } from '../../lib/dev/seed/types.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { replay } from '../../lib/replay/replay.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { expectedOutputs, groupBy, itemOf } from './expectedOutputs.js';
import { BUCKETS, type Harness, type Pump, startHarness, waitFor } from './harness.js';
import { scriptedSession } from './story.js';

let h: Harness;
/** Started first: DynamoDB Local's TTL process sweeps every ~10 s, so its wait overlaps the other tests. */
let ttl: { table: MemoryTable; pump: Pump; expired: SeedItem[] };
let oneReader: { table: MemoryTable; pump: Pump };

/** Waits until the router acknowledged every record of `count` read from the table's stream. */
async function settled(pump: Pump, count: number, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `${count} records routed`,
    () => {
      const acknowledged = pump.invocations
        .filter((i) => i.consumer === 'router')
        .reduce((sum, i) => sum + i.acknowledged.length, 0);
      return pump.read.length >= count && acknowledged >= pump.read.length;
    },
    timeoutMs,
  );
}

const keyOf = (write: SeedWrite) => itemOf(write.op === 'put' ? write.item : write.key);

beforeAll(async () => {
  h = await startHarness();
  const now = Math.floor(Date.now() / 1000);
  const past = now - 3600;
  const expired: SeedItem[] = [
    {
      pk: 'USER#u-ttl',
      sk: 'CONV#c-old',
      title: 'Old chat',
      turn_count: 2,
      expires_at: past,
      // Every attribute type, so the restore round trip is a real test of losslessness.
      big: new NumberValue('12345678901234567890123'),
      blob: new Uint8Array([0, 1, 2, 253, 254, 255]),
      blobs: new Set([new Uint8Array([1, 2]), new Uint8Array([3, 4])]),
      tags: new Set(['travel', 'lisbon']),
      scores: new Set([new NumberValue('1'), new NumberValue('98765432109876543210')]),
      // No empty map: DynamoDB Local's stream drops its type (see story.ts).
      nested: { list: [1, 'two', { three: true }], when: null },
      active: false,
    },
    {
      pk: 'USER#u-ttl',
      sk: 'CONV#c-old#TS#2026-10-01T10:00:00.000Z',
      turn_id: 'old-1',
      role: 'user',
      text: 'Remind me.',
      seq: 1,
      expires_at: past,
    },
    {
      pk: 'USER#u-ttl',
      sk: 'CONV#c-old#TS#2026-10-01T10:00:30.000Z',
      turn_id: 'old-2',
      role: 'assistant',
      text: 'Sure.',
      seq: 2,
      expires_at: past,
    },
  ];
  const table = await h.createTable('ttl');
  await h.write('ttl', [
    ...expired.map((item): SeedWrite => ({ op: 'put', item })),
    {
      op: 'put',
      item: { pk: 'USER#u-ttl', sk: 'CONV#c-live', title: 'Still here', expires_at: now + 86_400 },
    },
  ]);
  ttl = { table, pump: h.pump(table), expired };
  // The one-reader layout on its own table: the router alone reads the stream and archives.
  const oneReaderTable = await h.createTable('ttl-one-reader');
  await h.write(
    'ttl-one-reader',
    expired.map(
      (item): SeedWrite => ({ op: 'put', item: { ...item, pk: item.pk.replace('u-ttl', 'u-one') } }),
    ),
  );
  oneReader = { table: oneReaderTable, pump: h.pump(oneReaderTable, { readers: 'one' }) };
});

afterAll(async () => {
  await h?.close();
});

describe('a scripted session on the real stream', () => {
  let pump: Pump;
  const session = scriptedSession(Math.floor(Date.now() / 1000));

  beforeAll(async () => {
    const table = await h.createTable('story');
    pump = h.pump(table);
    await h.write(
      'story',
      session.map((s) => s.write),
    );
    await settled(pump, session.length);
  });

  it('yields exactly one stream record per write, decoded without error', () => {
    expect(pump.read).toHaveLength(session.length);
    expect(pump.read.map((r) => itemOf(unmarshallKeys(r)))).toEqual(session.map((s) => keyOf(s.write)));
  });

  it('publishes the documented EventBridge detail-types for every write', () => {
    const expected = groupBy(
      session.flatMap((s) => s.eventBridge.map((detailType) => ({ detailType, item: keyOf(s.write) }))),
      (e) => e.item,
    );
    const received = groupBy(
      h.events('story').map((e) => ({ detailType: e.detailType, item: itemOf(e.detail.keys) })),
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
  });

  it('writes the change log in per-conversation and per-run order', async () => {
    const log = await h.changeLog('story');
    const byPartition = groupBy(log, (r) => r.partitionKey);
    const partitionOf = new Map(
      expectedOutputs(
        'story',
        session.map((s) => s.write),
      ).map((o) => [o.item, o.partitionKey]),
    );
    const expected = groupBy(
      session
        .filter((s) => s.kinesis !== null)
        .map((s) => ({ detailType: s.kinesis!, item: keyOf(s.write) })),
      (e) => partitionOf.get(e.item)!,
    );
    expect(log).toHaveLength(session.filter((s) => s.kinesis !== null).length);
    expect([...byPartition.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [partition, records] of byPartition) {
      expect(new Set(records.map((r) => r.shardId)).size, partition).toBe(1);
      expect(
        records.map((r) => `${r.detail.detailType} ${itemOf(r.detail.keys)}`),
        partition,
      ).toEqual(expected.get(partition)!.map((e) => `${e.detailType} ${e.item}`));
      const sequences = records.map((r) => BigInt(r.detail.origin.sequenceNumber));
      expect(sequences).toEqual([...sequences].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    // One conversation's turns and the conversation item share a partition; a run and its steps another.
    expect(byPartition.get('conv#story#u-e2e#c-e2e')!.map((r) => r.detail.detailType)).toEqual([
      'Conversation Created',
      'Turn Created',
      'Conversation Updated',
      'Turn Created',
      'Turn Updated',
      'Turn Updated',
      'Turn Deleted',
      'Turn Created',
    ]);
  });

  it('agrees with the pipeline run over simulated records of the same writes', () => {
    const simulated = expectedOutputs(
      'story',
      session.map((s) => s.write),
    );
    expect(simulated.filter((o) => o.sink === 'eventbridge').map((o) => o.detailType)).toEqual(
      session.flatMap((s) => s.eventBridge),
    );
  });

  it('sends an item over the PutEvents size limit as a claim check whose object holds the full event', async () => {
    const big = h
      .events('story')
      .find((e) => e.detail.keys.sk?.toString().startsWith('CONV#c-e2e#TS#') && e.detail.claimCheck);
    expect(big?.detail.claimCheck?.bucket).toBe(BUCKETS.claimChecks);
    const object = await h.s3
      .client()
      .send(
        new GetObjectCommand({ Bucket: big!.detail.claimCheck!.bucket, Key: big!.detail.claimCheck!.key }),
      );
    const full = JSON.parse(await object.Body!.transformToString()) as MemoryEventDetail;
    expect(full.eventId).toBe(big!.detail.eventId);
    expect(String(full.after?.text).length).toBe('pasted document '.length * 19_000);
  });

  it('keeps numbers beyond a double exact on both sinks', async () => {
    const event = h.events('story').find((e) => e.detailType === 'Memory Created')!;
    expect(event.detail.after?.counter_38_digits).toBe('99999999999999999999999999999999999999');
    const record = (await h.changeLog('story')).find((r) => r.detail.detailType === 'Memory Created')!;
    expect(record.detail.after?.scores).toEqual([1, '98765432109876543210']);
  });
});

describe('a seeded workload on the real stream', () => {
  let pump: Pump;
  let table: MemoryTable;
  // TTL expiries are covered on their own table: DynamoDB Local sweeps ~20 items per 10 s.
  const writes = [
    ...seedWrites({
      stories: AGENT_MEMORY_STORIES.filter(([name]) => name !== 'expired'),
      count: 150,
      seed: 11,
    }),
  ];

  beforeAll(async () => {
    table = await h.createTable('volume');
    pump = h.pump(table);
    await h.write('volume', writes);
    await settled(pump, writes.length);
  });

  it('turns every write into the events the pipeline documents, none lost or extra', () => {
    const expected = expectedOutputs('volume', writes);
    const eventBridge = h.events('volume').map((e) => `${e.detailType} ${itemOf(e.detail.keys)}`);
    expect(eventBridge.sort()).toEqual(
      expected
        .filter((o) => o.sink === 'eventbridge')
        .map((o) => `${o.detailType} ${o.item}`)
        .sort(),
    );
  });

  it('keeps every conversation and run in write order in the change log', async () => {
    const expected = groupBy(
      expectedOutputs('volume', writes).filter((o) => o.sink === 'kinesis'),
      (o) => o.partitionKey,
    );
    const received = groupBy(await h.changeLog('volume'), (r) => r.partitionKey);
    expect([...received.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [partition, outputs] of expected) {
      expect(
        received.get(partition)!.map((r) => `${r.detail.detailType} ${itemOf(r.detail.keys)}`),
        partition,
      ).toEqual(outputs.map((o) => `${o.detailType} ${o.item}`));
    }
  });

  it('captures the stream to a fixture that replays to the same event ids the sinks received', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'e2e-capture-'));
    try {
      const out = join(dir, 'captured.json');
      const errors: string[] = [];
      const ctx: CliContext = { out: () => {}, err: (s) => errors.push(s), exitCode: 0, cwd: dir };
      const program = new Command().exitOverride();
      registerCapture(program, ctx);
      await program.parseAsync(
        [
          'capture',
          '--endpoint',
          h.ddb.endpoint,
          '--region',
          h.ddb.region,
          '--table',
          'volume',
          '--from',
          'trim-horizon',
          '--count',
          String(pump.read.length),
          '--poll-interval',
          '100',
          '--no-progress',
          '--out',
          out,
        ],
        { from: 'user' },
      );
      expect(ctx.exitCode, errors.join('')).toBe(0);
      const replayed: string[] = [];
      const summary = await replay({
        files: [out],
        layout: agentMemoryLayout,
        onOutput: (output) => {
          if (output.sink === 'eventbridge' || output.sink === 'kinesis')
            replayed.push(`${output.sink} ${output.eventId}`);
        },
      });
      expect(summary.records).toBe(pump.read.length);
      expect(summary.failed).toBe(0);
      const delivered = [
        ...h.events('volume').map((e) => `eventbridge ${e.detail.eventId}`),
        ...(await h.changeLog('volume')).map((r) => `kinesis ${r.detail.eventId}`),
      ];
      expect(replayed.sort()).toEqual(delivered.sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a record that can never be delivered', () => {
  it('is dead-lettered with its reason while the records after it flow on', async () => {
    const table = await h.createTable('poison');
    const writes: SeedWrite[] = [1, 2, 3, 4, 5, 6].map((seq) => ({
      op: 'put',
      item: {
        pk: 'USER#u-p',
        sk: `CONV#c-p#TS#2026-11-22T10:00:0${seq}.000Z`,
        turn_id: `t-p${seq}`,
        role: 'user',
        text: `turn ${seq}`,
        seq,
      },
    }));
    // A record corrupted on its way to the router: its image holds a number that is not one.
    const corrupt = (record: StreamRecord): StreamRecord =>
      record.dynamodb?.NewImage?.turn_id &&
      'S' in record.dynamodb.NewImage.turn_id &&
      record.dynamodb.NewImage.turn_id.S === 't-p3'
        ? {
            ...record,
            dynamodb: { ...record.dynamodb, NewImage: { ...record.dynamodb.NewImage, seq: { N: 'three' } } },
          }
        : record;
    const pump = h.pump(table, { transform: corrupt });
    await h.write('poison', writes);
    await settled(pump, writes.length);

    const delivered = h.events('poison').filter((e) => e.detailType === 'Turn Created');
    expect(delivered.map((e) => e.detail.ids.turnId).sort()).toEqual([
      't-p1',
      't-p2',
      't-p4',
      't-p5',
      't-p6',
    ]);
    expect(pump.invocations.filter((i) => i.consumer === 'router').every((i) => !i.gaveUp)).toBe(true);
    const listing = await h.s3
      .client()
      .send(new ListObjectsV2Command({ Bucket: BUCKETS.deadLetters, Prefix: 'dead-letter/router/' }));
    const keys = (listing.Contents ?? [])
      .map((o) => o.Key!)
      .filter((k) => pump.read.some((r) => k.includes(r.eventID!)));
    expect(keys).toHaveLength(1);
    const letter = JSON.parse(
      await (
        await h.s3.client().send(new GetObjectCommand({ Bucket: BUCKETS.deadLetters, Key: keys[0] }))
      ).Body!.transformToString(),
    ) as { reason: string; record: StreamRecord };
    expect(letter.reason).toMatch(/invalid number/);
    expect(letter.record.dynamodb?.Keys?.sk).toEqual({ S: 'CONV#c-p#TS#2026-11-22T10:00:03.000Z' });
  });
});

describe('TTL expiry on DynamoDB Local', () => {
  let archived: { key: string }[];

  beforeAll(async () => {
    // Bounded: the TTL process sweeps a small table within one ~10 s cycle.
    await waitFor(
      'the archiver to archive the 3 expired items',
      () =>
        ttl.pump.invocations
          .filter((i) => i.consumer === 'archiver')
          .reduce((n, i) => n + i.acknowledged.length, 0) >= 3,
      90_000,
      250,
    );
    await settled(ttl.pump, 7);
    const listing = await h.s3
      .client()
      .send(new ListObjectsV2Command({ Bucket: BUCKETS.archive, Prefix: 'archive/' }));
    archived = (listing.Contents ?? []).map((o) => ({ key: o.Key! }));
  });

  it('arrives as UNKNOWN_TO_SDK_VERSION without userIdentity and is still read as a TTL expiry', () => {
    const removals = ttl.pump.read.filter((r) => !r.dynamodb?.NewImage);
    expect(removals).toHaveLength(3);
    for (const record of removals) {
      expect(record.eventName).toBe('UNKNOWN_TO_SDK_VERSION');
      expect(record.userIdentity).toBeUndefined();
      expect(record.eventSourceARN).toMatch(/^arn:aws:dynamodb:ddblocal:/);
    }
    const expiredEvents = h.events('ttl').filter((e) => e.detail.expired);
    expect(expiredEvents.map((e) => e.detailType).sort()).toEqual([
      'Conversation Expired',
      'Turn Expired',
      'Turn Expired',
    ]);
  });

  it('lands in the archive as one object per expired item, under Hive partitions', () => {
    expect(archived.length).toBe(3);
    for (const { key } of archived) {
      expect(key).toMatch(
        /^archive\/table=ttl\/entity=(conversation|turn)\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/.+\.jsonl\.gz$/,
      );
    }
    expect(new Set(archived.map(({ key }) => /entity=(\w+)/.exec(key)![1]))).toEqual(
      new Set(['conversation', 'turn']),
    );
  });

  it('restores losslessly into a table', async () => {
    await createMemoryTable(h.dynamodb, {
      tableName: 'ttl-restored',
      layout: { ...agentMemoryLayout, ttlAttribute: undefined },
    });
    const summary = await restoreArchive({
      reader: openArchiveReader(`s3://${BUCKETS.archive}/archive/`, { s3Client: () => h.s3.client() }),
      filter: { table: 'ttl' },
      targetTable: 'ttl-restored',
      client: h.dynamodb,
    });
    expect(summary.itemsWritten).toBe(3);
    for (const item of ttl.expired) {
      const { Item } = await h.dynamodb.send(
        new GetItemCommand({
          TableName: 'ttl-restored',
          Key: marshall({ pk: item.pk, sk: item.sk }),
          ConsistentRead: true,
        }),
      );
      // As archived, plus the restore marker that makes the restore's insert a `… Restored` event.
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

function unmarshallKeys(record: StreamRecord): Record<string, string> {
  const keys = record.dynamodb?.Keys ?? {};
  return Object.fromEntries(
    Object.entries(keys).map(([name, value]) => [name, 'S' in value ? value.S : JSON.stringify(value)]),
  );
}

describe("TTL expiry with readers: 'one' on DynamoDB Local", () => {
  it('is archived by the router, which also publishes its Expired events, with no archiver reading the stream', async () => {
    const listArchive = async () =>
      (
        await h.s3
          .client()
          .send(new ListObjectsV2Command({ Bucket: BUCKETS.archive, Prefix: 'archive-one-reader/' }))
      ).Contents ?? [];
    // Bounded: the TTL process sweeps a small table within one ~10 s cycle.
    await waitFor(
      'the router to archive the 3 expired items',
      async () => (await listArchive()).length >= 3,
      90_000,
      250,
    );
    await settled(oneReader.pump, 6);
    expect(new Set(oneReader.pump.invocations.map((i) => i.consumer))).toEqual(new Set(['router']));
    const keys = (await listArchive()).map((o) => o.Key!);
    expect(keys).toHaveLength(3);
    for (const key of keys)
      expect(key).toMatch(/^archive-one-reader\/table=ttl-one-reader\/entity=(conversation|turn)\//);
    const expiredEvents = h.events('ttl-one-reader').filter((e) => e.detail.expired);
    expect(expiredEvents.map((e) => e.detailType).sort()).toEqual([
      'Conversation Expired',
      'Turn Expired',
      'Turn Expired',
    ]);
  });
});
