import { describe, expect, it } from 'vitest';
import type { DevSnapshot } from '../../lib/dev/DevStats.js';
import { quantile } from '../../lib/dev/DevStats.js';
import { formatDevView } from '../../lib/dev/formatDevView.js';

const snapshot: DevSnapshot = {
  elapsedMs: 12_000,
  writes: 240,
  changes: 238,
  changesPerSecond: 19.84,
  events: { 'Conversation Updated': 60, 'Turn Created': 52, 'Run Completed': 7 },
  kinesisRecords: 210,
  archive: { items: 3, objects: 2 },
  vector: { upserts: 44, deletes: 2 },
  deadLetters: 0,
  ttl: { expiredWritten: 12, expiriesRead: 3 },
  latency: { p50: 45, p99: 120, max: 1800, samples: 200 },
  pending: 2,
};
const context = {
  layout: 'agent-memory',
  table: 'agent-memory',
  endpoint: 'http://127.0.0.1:8000',
  seedTotal: 400,
};

describe('formatDevView', () => {
  it('shows flow, lag, events per detail-type, sinks and TTL progress', () => {
    expect(formatDevView(context, snapshot)).toBe(
      [
        'memory-cdc dev · agent-memory · table agent-memory · http://127.0.0.1:8000 · 12 s',
        'writes 240/400 · changes 238 (19.8/s) · lag p50 45 ms, p99 120 ms, max 1.8 s · pending 2',
        'events 119: Conversation Updated 60 · Turn Created 52 · Run Completed 7',
        'change log 210 · archive 3 items in 2 objects · vector ops 44 upserts, 2 deletes · dead letters 0',
        'TTL: 12 expired items written, 3 deleted so far (DynamoDB Local sweeps about 20 items every 10 s)',
      ].join('\n'),
    );
  });

  it('names the source in the header and, with the Kinesis source, counts what the bridge wrote', () => {
    const stream = formatDevView({ ...context, source: 'dynamodb-stream' }, snapshot).split('\n');
    expect(stream[0]).toBe(
      'memory-cdc dev · agent-memory · table agent-memory · http://127.0.0.1:8000 · source DynamoDB stream · 12 s',
    );
    expect(stream).toHaveLength(5);
    const kinesis = formatDevView(
      { ...context, source: 'kinesis', sourceStream: { name: 'memory-source' } },
      { ...snapshot, bridge: { written: 240, failedCalls: 1, lost: 0 } },
    ).split('\n');
    expect(kinesis[0]).toBe(
      'memory-cdc dev · agent-memory · table agent-memory · http://127.0.0.1:8000 · source Kinesis Data Streams for DynamoDB · 12 s',
    );
    expect(kinesis[4]).toBe(
      'bridge: table stream -> Kinesis memory-source · 240 records written · 1 PutRecords retried · 0 lost',
    );
  });

  it('keeps the events line within the width and says how many detail-types it left out', () => {
    const line = formatDevView(context, snapshot, { width: 60 }).split('\n')[2]!;
    expect(line).toBe('events 119: Conversation Updated 60 · (+2 more)');
  });

  it('lists every detail-type in the final summary', () => {
    expect(formatDevView(context, snapshot, { full: true }).split('\n').slice(2, 6)).toEqual([
      'events 119',
      '      60  Conversation Updated',
      '      52  Turn Created',
      '       7  Run Completed',
    ]);
  });
});

describe('quantile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile([7], 0.99)).toBe(7);
  });
});
