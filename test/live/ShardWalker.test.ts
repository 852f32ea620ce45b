import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TableSimulator } from '../../lib/fixtures/TableSimulator.js';
import { StreamReadError } from '../../lib/live/errors.js';
import { ShardWalker } from '../../lib/live/ShardWalker.js';
import type { ShardWalkerOptions, WalkerNotice } from '../../lib/live/types.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { StreamsSimulator, waitFor } from '../support/streamsSimulator.js';

let sim: StreamsSimulator;
let client: DynamoDBStreamsClient;
let table: TableSimulator;

beforeEach(async () => {
  sim = await StreamsSimulator.start({ tableName: 'memories' });
  client = new DynamoDBStreamsClient({
    endpoint: sim.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  table = new TableSimulator({ table: 'memories', keyAttributes: ['pk', 'sk'] });
});

afterEach(async () => {
  client.destroy();
  await sim.close();
});

/** Writes `n` turns of one conversation and returns their records. */
function turns(n: number, conversation = 'c1'): StreamRecord[] {
  const out: StreamRecord[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      table.put({
        pk: `USER#u1`,
        sk: `CONV#${conversation}#TURN#${String(i).padStart(4, '0')}`,
        text: `turn ${i}`,
      }),
    );
  }
  return out;
}

function walker(options: Partial<ShardWalkerOptions> = {}, notices: WalkerNotice[] = []): ShardWalker {
  return new ShardWalker(client, {
    streamArn: sim.streamArn,
    startAt: 'trim-horizon',
    idlePollMs: 5,
    describeIntervalMs: 20,
    backoff: { baseMs: 1, maxMs: 5, maxRetries: 5 },
    onNotice: (n) => notices.push(n),
    ...options,
  });
}

/** Reads a walk to its end, returning records in the order they were yielded, with their shard. */
async function drain(w: ShardWalker): Promise<{ shardId: string; record: StreamRecord }[]> {
  const out: { shardId: string; record: StreamRecord }[] = [];
  for await (const batch of w.batches())
    for (const record of batch.records) out.push({ shardId: batch.shardId, record });
  return out;
}

describe('ShardWalker', () => {
  it('reads every shard of a disabled stream to its end and returns records unchanged in Lambda format', async () => {
    const records = turns(4);
    records.push(
      table.put({
        pk: 'USER#u1',
        sk: 'BLOB#1',
        data: new Uint8Array([0, 1, 254, 255]),
        tags: new Set(['a', 'b']),
      }),
    );
    records.push(table.expire({ pk: 'USER#u1', sk: 'BLOB#1' }));
    sim
      .addShard('s1')
      .put('s1', ...records.slice(0, 3))
      .addShard('s2')
      .put('s2', ...records.slice(3))
      .disable();
    const read = await drain(walker());
    expect(read.map((r) => r.record)).toEqual(records);
    expect(read.filter((r) => r.shardId === 's1').map((r) => r.record)).toEqual(records.slice(0, 3));
  });

  it('reads a parent shard to its end before any record of its children after a split', async () => {
    const records = turns(9);
    sim.addShard('parent').put('parent', ...records.slice(0, 3));
    sim.split('parent', 'left', 'right');
    sim.put('left', ...records.slice(3, 6)).put('right', ...records.slice(6));
    // Children listed before the parent must still wait for it.
    sim.disable();
    const notices: WalkerNotice[] = [];
    const read = await drain(walker({ limit: 1 }, notices));
    const order = read.map((r) => r.shardId);
    expect(order.lastIndexOf('parent')).toBeLessThan(order.indexOf('left'));
    expect(order.lastIndexOf('parent')).toBeLessThan(order.indexOf('right'));
    expect(read).toHaveLength(9);
    const opened = notices.filter((n) => n.type === 'shard-opened').map((n) => n.shardId);
    expect(opened[0]).toBe('parent');
    expect(notices).toContainEqual({
      type: 'shard-opened',
      shardId: 'left',
      parentShardId: 'parent',
      position: 'TRIM_HORIZON',
    });
  });

  it('follows DescribeStream pages to find every shard', async () => {
    sim = await restart({ describePageSize: 2 });
    const records = turns(5);
    for (const [i, record] of records.entries()) sim.addShard(`s${i}`).put(`s${i}`, record);
    sim.disable();
    const read = await drain(walker());
    expect(read.map((r) => r.shardId).sort()).toEqual(['s0', 's1', 's2', 's3', 's4']);
    const describes = sim.callsOf('DescribeStream').slice(0, 3);
    expect(describes.map((c) => c.input.ExclusiveStartShardId)).toEqual([undefined, 's1', 's3']);
  });

  it('starts open shards at LATEST, skips closed ones, and reads shards created later from their start', async () => {
    const old = turns(2);
    sim.addShard('closed').put('closed', old[0]!).closeShard('closed');
    sim.addShard('open').put('open', old[1]!);
    const notices: WalkerNotice[] = [];
    const controller = new AbortController();
    const w = walker({ startAt: 'latest', signal: controller.signal }, notices);
    const read: StreamRecord[] = [];
    const done = (async () => {
      for await (const batch of w.batches()) {
        read.push(...batch.records);
        if (read.length === 3) controller.abort();
      }
    })();
    await waitFor(() => sim.callsOf('GetRecords').length > 0);
    const fresh = turns(3);
    sim.put('open', fresh[0]!).split('open', 'child');
    sim.put('child', fresh[1]!, fresh[2]!);
    await done;
    expect(read).toEqual(fresh);
    expect(notices).toContainEqual({ type: 'shard-skipped', shardId: 'closed' });
    expect(notices).toContainEqual({ type: 'shard-opened', shardId: 'open', position: 'LATEST' });
    expect(notices).toContainEqual({
      type: 'shard-opened',
      shardId: 'child',
      parentShardId: 'open',
      position: 'TRIM_HORIZON',
    });
  });

  it('picks up a new shard by describing the stream again', async () => {
    const records = turns(2);
    sim.addShard('a').put('a', records[0]!);
    const controller = new AbortController();
    const w = walker({ signal: controller.signal });
    const read: string[] = [];
    const done = (async () => {
      for await (const batch of w.batches()) {
        read.push(batch.shardId);
        if (batch.shardId === 'b') controller.abort();
      }
    })();
    await waitFor(() => read.includes('a'));
    sim.addShard('b').put('b', records[1]!);
    await done;
    expect(read).toEqual(['a', 'b']);
  });

  it('re-acquires an expired iterator after the last record read, losing and repeating nothing', async () => {
    const records = turns(4);
    sim.addShard('s1').put('s1', ...records.slice(0, 2));
    const notices: WalkerNotice[] = [];
    const controller = new AbortController();
    const w = walker({ signal: controller.signal }, notices);
    const read: StreamRecord[] = [];
    const done = (async () => {
      for await (const batch of w.batches()) {
        read.push(...batch.records);
        if (read.length === 2) {
          sim.expireIterators();
          sim.put('s1', ...records.slice(2));
        }
        if (read.length === 4) controller.abort();
      }
    })();
    await done;
    expect(read).toEqual(records);
    const lastOfFirst = records[1]!.dynamodb!.SequenceNumber;
    expect(notices).toContainEqual({
      type: 'iterator-expired',
      shardId: 's1',
      position: 'AFTER_SEQUENCE_NUMBER',
      afterSequenceNumber: lastOfFirst,
    });
    const reacquire = sim.callsOf('GetShardIterator').at(-1)!.input;
    expect(reacquire).toMatchObject({
      ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
      SequenceNumber: lastOfFirst,
    });
  });

  it('resumes at the trim horizon and reports the gap when the records after the last one read were trimmed', async () => {
    const records = turns(6);
    sim.addShard('s1').put('s1', ...records.slice(0, 2));
    const notices: WalkerNotice[] = [];
    const controller = new AbortController();
    const w = walker({ signal: controller.signal }, notices);
    const read: StreamRecord[] = [];
    for await (const batch of w.batches()) {
      read.push(...batch.records);
      if (read.length === 2) {
        // Two more records arrive and, with the ones read, age out before the next read.
        sim.put('s1', ...records.slice(2));
        sim.trim('s1', 4);
        sim.expireIterators();
      }
      if (read.length >= 4) controller.abort();
    }
    expect(read).toEqual([...records.slice(0, 2), ...records.slice(4)]);
    expect(notices).toContainEqual({
      type: 'gap',
      shardId: 's1',
      afterSequenceNumber: records[1]!.dynamodb!.SequenceNumber,
    });
    expect(sim.callsOf('GetShardIterator').at(-1)!.input.ShardIteratorType).toBe('TRIM_HORIZON');
  });

  it('resumes at the trim horizon when GetRecords reports trimmed data for a live iterator', async () => {
    const records = turns(5);
    sim
      .addShard('s1')
      .put('s1', ...records)
      .trim('s1', 2)
      .disable();
    // The iterator is handed out at TRIM_HORIZON (record 3), then more is trimmed before it is used.
    sim.fail('GetRecords', { name: 'TrimmedDataAccessException' });
    const notices: WalkerNotice[] = [];
    const read = await drainUntilDone(walker({}, notices));
    expect(read).toEqual(records.slice(2));
    expect(notices).toContainEqual({ type: 'gap', shardId: 's1', afterSequenceNumber: undefined });
  });

  it('backs off on throttling and transient server errors, then reads on', async () => {
    const records = turns(3);
    sim
      .addShard('s1')
      .put('s1', ...records)
      .disable();
    sim.fail('GetRecords', { name: 'LimitExceededException', times: 3 });
    sim.fail('DescribeStream', { name: 'InternalServerError' });
    sim.fail('GetShardIterator', { name: 'LimitExceededException' });
    const notices: WalkerNotice[] = [];
    const read = await drain(walker({}, notices));
    expect(read.map((r) => r.record)).toEqual(records);
    const retries = notices.filter((n) => n.type === 'retry');
    expect(retries.map((n) => n.operation)).toEqual([
      'DescribeStream',
      'GetShardIterator',
      'GetRecords',
      'GetRecords',
      'GetRecords',
    ]);
    expect(retries.map((n) => n.type === 'retry' && n.attempt)).toEqual([1, 1, 1, 2, 3]);
  });

  it('fails with StreamReadError naming the shard when throttling outlasts the retries', async () => {
    sim.addShard('s1').put('s1', ...turns(1));
    sim.fail('GetRecords', { name: 'LimitExceededException', times: 100 });
    const error = await drain(walker({ backoff: { baseMs: 1, maxMs: 1, maxRetries: 2 } })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StreamReadError);
    expect((error as StreamReadError).shardId).toBe('s1');
    expect((error as Error).message).toMatch(/LimitExceededException/);
  });

  it('fails with StreamReadError when the stream does not exist', async () => {
    const w = new ShardWalker(client, { streamArn: `${sim.streamArn}-gone`, backoff: { maxRetries: 0 } });
    await expect(drain(w)).rejects.toThrow(/not found/);
  });

  it('fails at once on an access error instead of retrying it', async () => {
    sim.addShard('s1');
    sim.fail('GetShardIterator', { name: 'AccessDeniedException' });
    const error = await drain(walker()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamReadError);
    expect(sim.callsOf('GetShardIterator')).toHaveLength(1);
  });

  it('reports a shard that was trimmed away while it was read, and reads its child', async () => {
    const records = turns(2);
    sim.addShard('old').put('old', records[0]!);
    const notices: WalkerNotice[] = [];
    const controller = new AbortController();
    const read: StreamRecord[] = [];
    for await (const batch of walker({ signal: controller.signal }, notices).batches()) {
      read.push(...batch.records);
      if (read.length === 1) sim.removeShard('old').addShard('new', 'old').put('new', records[1]!);
      else controller.abort();
    }
    expect(read).toEqual(records);
    expect(notices).toContainEqual({
      type: 'shard-gone',
      shardId: 'old',
      afterSequenceNumber: records[0]!.dynamodb!.SequenceNumber,
    });
  });

  it('stops cleanly, without an error, when the signal aborts while it waits on an idle shard', async () => {
    sim.addShard('s1');
    const controller = new AbortController();
    const w = walker({ signal: controller.signal, idlePollMs: 60_000 });
    const done = drain(w);
    await waitFor(() => sim.callsOf('GetRecords').length > 0);
    controller.abort();
    await expect(done).resolves.toEqual([]);
  });

  it('counts shards by phase', async () => {
    sim
      .addShard('p')
      .put('p', ...turns(1))
      .split('p', 'c')
      .disable();
    const w = walker();
    await drain(w);
    expect(w.counts()).toEqual({ reading: 0, waiting: 0, done: 2 });
  });
});

async function restart(options: { describePageSize: number }): Promise<StreamsSimulator> {
  client.destroy();
  await sim.close();
  const next = await StreamsSimulator.start({ tableName: 'memories', ...options });
  client = new DynamoDBStreamsClient({
    endpoint: next.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return next;
}

async function drainUntilDone(w: ShardWalker): Promise<StreamRecord[]> {
  return (await drain(w)).map((r) => r.record);
}
