/**
 * `tail` and `capture` reading a Kinesis data stream in the Kinesis Data Streams for DynamoDB format
 * (kinesalite in-process), through the real CLI entry point: the same output as for a DynamoDB
 * stream, each change once, per-item order restored within a read and flagged across reads, shard
 * splits and merges followed, throttling backed off, records that are not changes reported.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MergeShardsCommand, PutRecordsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KinesisChangeTracker } from '../../lib/live/KinesisChangeTracker.js';
import { fromKinesisDynamoDbRecord } from '../../lib/stream/fromKinesisDynamoDbRecord.js';
import { kinesisPartitionKeyOf } from '../../lib/stream/kinesisPartitionKeyOf.js';
import { toKinesisDynamoDbRecord } from '../../lib/stream/toKinesisDynamoDbRecord.js';
import { toLambdaKinesisRecord } from '../../lib/stream/toLambdaKinesisRecord.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { type FaultProxy, faults, startFaultProxy } from '../support/faultProxy.js';
import { type KinesaliteHandle, startKinesalite } from '../support/kinesalite.js';
import { runCli } from '../support/runCli.js';
import { StreamsSimulator } from '../support/streamsSimulator.js';

const FIXTURES = [
  'conversation',
  'runs-and-tools',
  'housekeeping',
  'expiry',
  'attribute-types',
  'unknown-items',
].map((name) => join(import.meta.dirname, '../../events/agent-memory', `${name}.json`));
const KDS_FIXTURE = join(import.meta.dirname, '../../events/kinesis-data-streams/conversation.json');

let records: StreamRecord[];
let kinesis: KinesaliteHandle;
let proxy: FaultProxy | undefined;
let dir: string;
let streamNumber = 0;
let stream: string;

beforeAll(async () => {
  records = [];
  for (const file of FIXTURES)
    records.push(...(JSON.parse(await readFile(file, 'utf8')) as { Records: StreamRecord[] }).Records);
  records.sort((a, b) =>
    BigInt(a.dynamodb!.SequenceNumber!) < BigInt(b.dynamodb!.SequenceNumber!) ? -1 : 1,
  );
});

beforeEach(async () => {
  kinesis = await startKinesalite();
  dir = await mkdtemp(join(tmpdir(), 'tail-kinesis-'));
  stream = `changes-${++streamNumber}`;
});

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await kinesis.close();
});

/** The changes as Kinesis Data Streams for DynamoDB writes them, put with the item's key hash (optionally to one hash key). */
async function put(changes: object[], explicitHashKey?: string): Promise<void> {
  const client = kinesis.client();
  for (let i = 0; i < changes.length; i += 500) {
    const answer = await client.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: changes.slice(i, i + 500).map((change) => ({
          Data: Buffer.from(JSON.stringify(change)),
          PartitionKey: kinesisPartitionKeyOf((change as { dynamodb: { Keys: never } }).dynamodb.Keys),
          ...(explicitHashKey ? { ExplicitHashKey: explicitHashKey } : {}),
        })),
      }),
    );
    expect(answer.FailedRecordCount ?? 0).toBe(0);
  }
}

const kds = (record: StreamRecord, createdAtMicros?: number) =>
  toKinesisDynamoDbRecord(record, createdAtMicros === undefined ? {} : { createdAtMicros });

const cli = (...args: string[]) => runCli(dir, ...args);
const live = (command: string, ...args: string[]) =>
  cli(
    command,
    '--kinesis-stream',
    stream,
    '--endpoint-url',
    proxy?.url ?? kinesis.endpoint,
    '--poll-interval',
    '5',
    '--no-progress',
    ...args,
  );
const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);
const summaryBody = (text: string) => text.slice(text.indexOf('Changes by entity'));
const eventIdsOf = (out: string) => lines(out).map((l) => (JSON.parse(l) as { record: string }).record);

describe('tail --kinesis-stream', () => {
  it('prints the changes of a two-shard stream, each once, as tail of a DynamoDB stream does', async () => {
    await kinesis.createStream(stream, 2);
    const changes = records.map((r) => kds(r));
    // Two redeliveries, as Kinesis Data Streams for DynamoDB may send.
    await put([...changes, changes[3]!, changes[17]!]);

    const tailed = await live('tail', '--from', 'trim-horizon', '--count', String(records.length));
    expect(tailed.code).toBe(0);
    expect(tailed.err).toMatch(
      /tail: reading arn:aws:kinesis:us-east-1:\d+:stream\/changes-\d+ from trim-horizon/,
    );
    const replayed = await cli('replay', '--no-archive', ...FIXTURES);
    expect(summaryBody(tailed.out)).toBe(
      `${summaryBody(replayed.out).trimEnd()}\nKinesis source: 2 redelivered change(s) dropped (same eventID); 0 change(s) arrived after a later change of their item (order across reads not restored)\n`,
    );
    expect(tailed.out).toContain(
      `memory-cdc tail: ${records.length} record(s), ${records.length} replayed, 0 failed`,
    );

    const json = await live('tail', '--from', 'trim-horizon', '--count', String(records.length), '--json');
    expect(json.code).toBe(0);
    const shown = new Set(eventIdsOf(json.out));
    expect([...shown].sort()).toEqual(records.map((r) => r.eventID!).sort());
    const replayJson = await cli('replay', '--no-archive', '--json', ...FIXTURES);
    expect(lines(json.out)).toHaveLength(lines(replayJson.out).length);
  });

  it('reads the bundled capture’s records as replay reads the file: redelivery dropped, swapped item restored', async () => {
    await kinesis.createStream(stream, 1);
    const bundled = (JSON.parse(await readFile(KDS_FIXTURE, 'utf8')) as { Records: KinesisStreamRecord[] })
      .Records;
    await kinesis.client().send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: bundled.map((r) => ({
          Data: Buffer.from(r.kinesis.data, 'base64'),
          PartitionKey: r.kinesis.partitionKey,
        })),
      }),
    );
    const unique = new Set(bundled.map((r) => fromKinesisDynamoDbRecord(r).record.eventID)).size;
    expect(unique).toBe(bundled.length - 1);
    const tailed = await live('tail', '--from', 'trim-horizon', '--count', String(unique), '--json');
    expect(tailed.code).toBe(0);
    const replayed = await cli('replay', '--no-archive', '--json', KDS_FIXTURE);
    expect(eventIdsOf(tailed.out)).toEqual(eventIdsOf(replayed.out));
  });

  it('restores an item’s order within a read and flags a change that arrives after a later one was shown', async () => {
    await kinesis.createStream(stream, 1);
    const conversation = records.filter((r) => (r.dynamodb!.Keys!.sk as { S: string }).S === 'CONV#c-7f3a');
    const [insert, modify, ...rest] = conversation;
    expect(insert!.eventName).toBe('INSERT');
    const t = Number(insert!.dynamodb!.ApproximateCreationDateTime) * 1e6;
    // First read: the MODIFY before its INSERT (restored); the shard then splits.
    await put([kds(modify!, t + 2), kds(insert!, t + 1)]);
    const client = kinesis.client();
    await client.send(
      new SplitShardCommand({
        StreamName: stream,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await kinesis.waitActive(stream);
    // Second read (a child shard): a change older than the MODIFY already shown.
    const late = rest[0] ?? modify!;
    await put([{ ...kds(late, t), eventID: 'late-change' }], '0');

    const tailed = await live('tail', '--from', 'trim-horizon', '--count', '3', '--json', '--verbose');
    expect(tailed.code).toBe(0);
    const ids = eventIdsOf(tailed.out);
    const firstOf = (id: string) => ids.indexOf(id);
    expect(firstOf(insert!.eventID!)).toBeLessThan(firstOf(modify!.eventID!));
    expect(firstOf('late-change')).toBeGreaterThan(firstOf(modify!.eventID!));
    expect(tailed.err).toMatch(
      /change\(s\) arrived after a later change of the same item was already shown.*late-change/,
    );
    expect(tailed.err).toMatch(
      /shard shardId-000000000001: reading from TRIM_HORIZON \(parent shardId-000000000000 done\)/,
    );
  });

  it('reads a merged shard after both its parents', async () => {
    await kinesis.createStream(stream, 2);
    const [a, b, c] = records.slice(0, 3).map((r, i) => kds(r, 1_000_000 + i));
    await put([a!], '0');
    await put([b!], (2n ** 127n + 1n).toString());
    await kinesis.client().send(
      new MergeShardsCommand({
        StreamName: stream,
        ShardToMerge: 'shardId-000000000000',
        AdjacentShardToMerge: 'shardId-000000000001',
      }),
    );
    await kinesis.waitActive(stream);
    await put([c!]);
    const tailed = await live('tail', '--from', 'trim-horizon', '--count', '3', '--json', '--verbose');
    expect(tailed.code).toBe(0);
    const ids = eventIdsOf(tailed.out);
    expect(ids.indexOf(records[2]!.eventID!)).toBeGreaterThan(ids.indexOf(records[0]!.eventID!));
    expect(ids.indexOf(records[2]!.eventID!)).toBeGreaterThan(ids.indexOf(records[1]!.eventID!));
    expect(tailed.err).toMatch(/shard shardId-000000000002: reading from TRIM_HORIZON/);
  });

  it('shows with --table only that table’s changes when several tables stream to one Kinesis stream', async () => {
    await kinesis.createStream(stream, 1);
    const mine = records.slice(0, 6).map((r) => kds(r));
    const theirs = records.slice(6, 10).map((r) => toKinesisDynamoDbRecord(r, { tableName: 'billing' }));
    await put([...mine.slice(0, 3), ...theirs, ...mine.slice(3)]);
    const tailed = await live('tail', '--table', 'agent-memory', '--from', 'trim-horizon', '--count', '6');
    expect(tailed.code).toBe(0);
    expect(tailed.out).toContain('memory-cdc tail: 6 record(s), 6 replayed, 0 failed');
    expect(tailed.out).toContain(
      'Kinesis source: 4 change(s) of other tables skipped (--table agent-memory)',
    );
  });

  it('backs off when GetRecords is throttled and still reads everything', async () => {
    await kinesis.createStream(stream, 1);
    await put(records.slice(0, 10).map((r) => kds(r)));
    proxy = await startFaultProxy({ target: kinesis.endpoint });
    proxy.addRule({
      match: { target: 'Kinesis_20131202.GetRecords' },
      times: 2,
      fault: faults.jsonError(
        400,
        'ProvisionedThroughputExceededException',
        'Rate exceeded for shard shardId-000000000000',
      ),
    });
    const tailed = await live('tail', '--from', 'trim-horizon', '--count', '10', '--json');
    expect(tailed.code).toBe(0);
    expect(new Set(eventIdsOf(tailed.out)).size).toBe(10);
    expect(tailed.err).toMatch(
      /notice: GetRecords on shard shardId-000000000000 failed \(ProvisionedThroughputExceededException/,
    );
    expect(proxy.injected()).toBe(2);
  });

  it('reports a record that is not a DynamoDB change, shows the others, and exits 1', async () => {
    await kinesis.createStream(stream, 1);
    await kinesis.client().send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: [{ Data: Buffer.from('{"hello":"world"}'), PartitionKey: 'p' }],
      }),
    );
    await put(records.slice(0, 2).map((r) => kds(r)));
    const tailed = await live('tail', '--from', 'trim-horizon', '--count', '3');
    expect(tailed.code).toBe(1);
    expect(tailed.err).toMatch(/error: shard shardId-000000000000, Kinesis record \d+: .*eventID is missing/);
    expect(tailed.out).toContain('memory-cdc tail: 3 record(s), 2 replayed, 1 failed');
  });

  it('says what is wrong with the command line or the stream', async () => {
    const missing = await live('tail', '--count', '1');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/Kinesis stream changes-\d+ does not exist \(at http:\/\/127\.0\.0\.1:\d+\)/);
    const both = await cli(
      'tail',
      '--kinesis-stream',
      's',
      '--stream-arn',
      'arn:aws:dynamodb:us-east-1:1:table/t/stream/x',
    );
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--kinesis-stream reads a Kinesis data stream: give it without --stream-arn/);
    const badArn = await cli('tail', '--kinesis-stream', 'arn:aws:kinesis:us-east-1:1:table/x');
    expect(badArn.err).toMatch(/is not a Kinesis stream ARN/);
    const precision = await cli('tail', '--kinesis-stream', 's', '--precision', 'second');
    expect(precision.err).toMatch(/--precision must be auto, microsecond or millisecond \(given "second"\)/);
    const precisionAlone = await cli('tail', '--table', 't', '--precision', 'millisecond');
    expect(precisionAlone.err).toMatch(/--precision applies to --kinesis-stream only/);
  });
});

describe('capture --kinesis-stream and --format kinesis', () => {
  it('captures from a Kinesis stream a file that replays to the output tail printed (both formats)', async () => {
    await kinesis.createStream(stream, 2);
    const changes = records.map((r) => kds(r));
    await put([...changes, changes[5]!]);
    const count = String(records.length);
    const tailed = await live('tail', '--from', 'trim-horizon', '--count', count, '--json');

    for (const format of ['kinesis', 'dynamodb']) {
      const out = join(dir, `captured-${format}.json`);
      const captured = await live(
        'capture',
        '--from',
        'trim-horizon',
        '--count',
        count,
        '--format',
        format,
        '--out',
        out,
      );
      expect(captured.code).toBe(0);
      expect(captured.err).toContain(`wrote ${records.length} record(s)`);
      const file = JSON.parse(await readFile(out, 'utf8')) as { Records: { eventSource?: string }[] };
      expect(file.Records).toHaveLength(records.length);
      expect(new Set(file.Records.map((r) => r.eventSource))).toEqual(
        new Set([format === 'kinesis' ? 'aws:kinesis' : 'aws:dynamodb']),
      );
      const replayed = await cli('replay', '--no-archive', '--json', out);
      expect(replayed.code).toBe(0);
      expect(lines(replayed.out).sort()).toEqual(lines(tailed.out).sort());
    }
    // The Kinesis file keeps the records as read: their data is what was put.
    const kept = JSON.parse(await readFile(join(dir, 'captured-kinesis.json'), 'utf8')) as {
      Records: KinesisStreamRecord[];
    };
    const put_ = new Set(changes.map((c) => JSON.stringify(c)));
    for (const r of kept.Records)
      expect(put_.has(Buffer.from(r.kinesis.data, 'base64').toString('utf8'))).toBe(true);
  });
});

describe('capture --format kinesis from a DynamoDB stream', () => {
  it('writes the changes in the Kinesis Data Streams for DynamoDB format; replay reads them as the same changes', async () => {
    const sim = await StreamsSimulator.start({ tableName: 'agent-memory' });
    try {
      sim.addShard('shardId-root').put('shardId-root', ...records);
      sim.disable();
      const out = join(dir, 'as-kinesis.json');
      const common = [
        '--table',
        'agent-memory',
        '--endpoint-url',
        sim.endpoint,
        '--from',
        'trim-horizon',
        '--no-progress',
      ];
      const captured = await cli(
        'capture',
        ...common,
        '--count',
        '1000',
        '--format',
        'kinesis',
        '--precision',
        'millisecond',
        '--out',
        out,
      );
      expect(captured.code).toBe(0);
      expect(captured.err).toContain(
        `wrote ${records.length} record(s) to ${out} in the Kinesis Data Streams for DynamoDB format`,
      );
      const file = JSON.parse(await readFile(out, 'utf8')) as { Records: KinesisStreamRecord[] };
      const converted = file.Records.map((r) => fromKinesisDynamoDbRecord(r).record);
      expect(converted.map((r) => r.eventID)).toEqual(records.map((r) => r.eventID));
      const change = JSON.parse(Buffer.from(file.Records[0]!.kinesis.data, 'base64').toString('utf8'));
      expect(change).toMatchObject({
        tableName: 'agent-memory',
        recordFormat: 'application/json',
        dynamodb: { ApproximateCreationDateTimePrecision: 'MILLISECOND' },
      });
      expect(file.Records[0]!.eventSourceARN).toBe(
        'arn:aws:kinesis:us-east-1:123456789012:stream/agent-memory',
      );

      const replayed = await cli('replay', '--no-archive', out);
      expect(replayed.code).toBe(0);
      const direct = await cli('replay', '--no-archive', ...FIXTURES);
      expect(summaryBody(replayed.out)).toBe(summaryBody(direct.out));
      const bad = await cli('capture', ...common, '--format', 'avro', '--out', join(dir, 'x.json'));
      expect(bad.code).toBe(2);
      expect(bad.err).toMatch(/--format must be dynamodb or kinesis \(given "avro"\)/);
    } finally {
      await sim.close();
    }
  });
});

describe('KinesisChangeTracker', () => {
  const place = (shardId: string, sequenceNumber: string) => ({
    streamArn: 'arn:aws:kinesis:us-east-1:1:stream/s',
    shardId,
    sequenceNumber,
    partitionKey: 'P',
    arrivalSeconds: 0,
  });
  const page = (shardId: string, changes: object[], first: number) =>
    changes.map((c, i) => toLambdaKinesisRecord(JSON.stringify(c), place(shardId, String(first + i))));

  it('drops redeliveries across reads and flags a change older than one of its item already passed on', () => {
    const [a, b] = records.filter((r) => (r.dynamodb!.Keys!.sk as { S: string }).S === 'CONV#c-7f3a');
    const tracker = new KinesisChangeTracker();
    const first = tracker.accept(page('s0', [kds(b!, 20), kds(a!, 10)], 1));
    expect(first.changes.map((c) => c.record.eventID)).toEqual([a!.eventID, b!.eventID]);
    expect(first.late).toEqual([]);
    const older = { ...kds(a!, 5), eventID: 'older' };
    const second = tracker.accept(page('s1', [kds(a!, 10), older], 3));
    expect(second.duplicates).toBe(1);
    expect(second.changes.map((c) => c.record.eventID)).toEqual(['older']);
    expect(second.late).toEqual(['older']);
    expect(fromKinesisDynamoDbRecord(second.changes[0]!.kinesisRecord).record.eventID).toBe('older');
  });

  it('forgets the oldest ids beyond what it remembers', () => {
    const tracker = new KinesisChangeTracker({ remember: 1 });
    const [a, b] = records.slice(0, 2).map((r) => kds(r));
    tracker.accept(page('s0', [a!], 1));
    tracker.accept(page('s0', [b!], 2));
    expect(tracker.accept(page('s0', [a!], 3)).duplicates).toBe(0);
  });
});
