import { describe, expect, it } from 'vitest';
import { estimateCost, invocationsPerSecond, WORKLOAD_DEFAULTS } from '../../lib/estimate/estimateCost.js';
import { DEFAULT_PRICES } from '../../lib/estimate/prices.js';
import { defaultQuotas } from '../../lib/estimate/quotas.js';
import type { CostComponent, RecordShape, TrafficShape, Workload } from '../../lib/estimate/types.js';

/** The shape of the README's worked example: written out, so the arithmetic can be checked by hand. */
const turnShape: RecordShape = {
  records: 1000,
  eventBridgeEvents: 1,
  eventBridgeChunks: 1,
  kinesisRecords: 1,
  kinesisKb: 2,
  kinesisPayloadUnits: 1,
  kinesisBytes: 1500,
  vectorUpserts: 0.5,
  // 800 characters per upsert, half the records upsert.
  embedChars: 400,
  itemEmbeddings: 0,
  rawRecordBytes: 3000,
  archiveBytes: 400,
};
const counterShape: RecordShape = {
  ...turnShape,
  eventBridgeEvents: 0,
  eventBridgeChunks: 0,
  // The change log carries every change, counters included.
  kinesisRecords: 1,
  kinesisKb: 1,
  kinesisPayloadUnits: 1,
  kinesisBytes: 400,
  vectorUpserts: 0,
  embedChars: 0,
  rawRecordBytes: 600,
};
const shape: TrafficShape = {
  changes: { turn: turnShape, rate_limit: counterShape },
  expiries: { ...turnShape, vectorUpserts: 0, embedChars: 0 },
};

const exampleA: Workload = { ...WORKLOAD_DEFAULTS, region: 'us-east-1', changesPerSecond: { turn: 100 } };

function part(components: CostComponent[], name: string): CostComponent {
  const found = components.find((c) => c.component === name);
  if (!found) throw new Error(`no component ${name}`);
  return found;
}

describe('estimateCost, worked example A (README): 100 turn changes per second', () => {
  const estimate = estimateCost(exampleA, shape, DEFAULT_PRICES, defaultQuotas('us-east-1'));

  it('bills one EventBridge event per turn change: 100/s × 2,628,000 s = 262.8 million × $1.00', () => {
    expect(part(estimate.components, 'EventBridge: custom events').usd).toBeCloseTo(262.8, 6);
  });

  it('bills the on-demand change log by stream-hour and by KB in and out', () => {
    const kinesis = part(estimate.components, 'Kinesis: change log');
    const gb = (200 * 1024 * 2_628_000) / 1024 ** 3; // 2 KB per record, 100 records/s
    expect(kinesis.lines.map((l) => l.usd)).toEqual([
      expect.closeTo(730 * 0.04, 9),
      expect.closeTo(gb * 0.08, 9),
      expect.closeTo(gb * 0.04, 9),
    ]);
    expect(kinesis.usd).toBeCloseTo(89.35, 2);
  });

  it('prices the router from invocations and a batch duration of overhead, CPU and sink rounds', () => {
    // 1 shard, 100 records/s, batch 100 and window 1 s: one invocation a second of 100 records.
    // 2 ms + 100 × 0.08 ms of one core's CPU, which takes 1,769/512 as long at 512 MB (27.64 ms)
    // + 3 PutEvents rounds (10 calls, 4 at a time) × 25 ms = 104.64 ms.
    const router = part(estimate.components, 'Lambda: router');
    expect(router.lines[0]?.quantity).toBeCloseTo(2.628, 9);
    const gbSeconds = 2_628_000 * ((2 + (100 * 0.08 * 1769) / 512 + 75) / 1000) * 0.5;
    expect(gbSeconds).toBeCloseTo(137_498, 0);
    expect(router.lines[1]?.quantity).toBeCloseTo(gbSeconds, 3);
    expect(router.usd).toBeCloseTo(0.5256 + 137_498 * 0.0000133334, 2);
  });

  it('embeds half the turn changes with Bedrock at four characters a token', () => {
    // 50 upserts/s × 800 chars / 4 (400 chars per record × 100/s / 4) = 10,000 tokens/s × 2,628,000 s = 26.28 billion tokens.
    expect(part(estimate.components, 'Bedrock: Titan embeddings').usd).toBeCloseTo(525.6, 6);
  });

  it('writes and stores float32 vectors with their key and metadata', () => {
    const vectors = part(estimate.components, 'S3 Vectors: index');
    const bytes = 1024 * 4 + 512;
    expect(vectors.lines[0]?.usd).toBeCloseTo(((50 * bytes * 2_628_000) / 1024 ** 3) * 0.2, 6);
    expect(vectors.lines[1]?.usd).toBeCloseTo(((50 * 30 * 86_400 * bytes) / 1024 ** 3) * 0.06, 6);
  });

  it('adds up to the total of its components', () => {
    const sum = estimate.components.reduce((s, c) => s + c.usd, 0);
    expect(estimate.totalUsd).toBeCloseTo(sum, 9);
  });

  it('compares with Pipes to a plain bus: every record a request and an event', () => {
    expect(estimate.pipes.totalUsd).toBeCloseTo(262.8 * 0.4 + 262.8, 6);
  });
});

describe('estimateCost, worked example B (README): counters are noise', () => {
  const exampleB: Workload = { ...exampleA, changesPerSecond: { turn: 100, rate_limit: 400 } };
  const estimate = estimateCost(exampleB, shape, DEFAULT_PRICES, defaultQuotas('us-east-1'));

  it('keeps counter bumps off EventBridge, so EventBridge costs what example A costs', () => {
    expect(part(estimate.components, 'EventBridge: custom events').usd).toBeCloseTo(262.8, 6);
  });

  it("saves the counters' Pipes requests and bus events", () => {
    // Pipes: 500 records/s → 1,314 million requests and events a month.
    expect(estimate.pipes.totalUsd).toBeCloseTo(1314 * 1.4, 6);
    const router = part(estimate.components, 'Lambda: router').usd;
    expect(estimate.pipes.eventBridgeSavingUsd).toBeCloseTo(1314 * 1.4 - 262.8 - router, 6);
  });
});

describe('estimateCost quotas', () => {
  it('names PutEvents as the binding quota when events outrun the Region default', () => {
    const busy: Workload = { ...exampleA, changesPerSecond: { turn: 12_000 }, region: 'us-east-2' };
    const estimate = estimateCost(busy, shape, DEFAULT_PRICES, defaultQuotas('us-east-2'));
    const putEvents = estimate.quotas.find((q) => q.quota.startsWith('EventBridge PutEvents'));
    expect(putEvents?.limit).toBe(2_400);
    expect(putEvents?.utilization).toBeCloseTo(12_000 / 2_400, 9);
    expect(estimate.binding.quota).toMatch(/Router throughput|PutEvents/);
    expect(estimate.quotas[0]?.utilization).toBeGreaterThanOrEqual(putEvents?.utilization ?? 0);
  });

  it("counts both memory-cdc readers and the table's other readers against the two per shard", () => {
    const crowded: Workload = { ...exampleA, source: 'two-readers', otherStreamReaders: 1 };
    const estimate = estimateCost(crowded, shape, DEFAULT_PRICES, defaultQuotas('us-east-1'));
    expect(estimate.binding.quota).toBe('DynamoDB stream readers per shard');
    expect(estimate.binding.used).toBe(3);
    expect(estimate.binding.remedy).toMatch(/one-reader layout/);
  });

  it('does not tell a one-reader stack to switch to the one-reader layout', () => {
    const estimate = estimateCost(exampleA, shape, DEFAULT_PRICES, defaultQuotas('us-east-1'));
    const readers = estimate.quotas.find((q) => q.quota === 'DynamoDB stream readers per shard');
    expect(readers?.used).toBe(1);
    expect(readers?.remedy).not.toMatch(/one-reader layout/);
  });

  it('takes no stream reader slot with the Kinesis source and prices change data capture units', () => {
    const kinesis: Workload = { ...exampleA, source: 'kinesis' };
    const estimate = estimateCost(kinesis, shape, DEFAULT_PRICES, defaultQuotas('us-east-1'));
    expect(estimate.quotas.find((q) => q.quota === 'DynamoDB stream readers per shard')?.used).toBe(0);
    const source = part(estimate.components, 'Kinesis Data Streams for DynamoDB (source)');
    // 1 KB items: one CDC unit per change, 262.8 million a month at $0.10 per million.
    expect(source.lines[0]?.usd).toBeCloseTo(26.28, 6);
  });
});

describe('invocationsPerSecond', () => {
  it('invokes once per batching window while batches do not fill', () => {
    expect(invocationsPerSecond(50, 1, 100, 1)).toBe(1);
  });
  it('invokes once per full batch when records outrun the window', () => {
    expect(invocationsPerSecond(500, 1, 100, 1)).toBe(5);
  });
  it('invokes per record when records are rarer than windows', () => {
    expect(invocationsPerSecond(0.25, 1, 100, 1)).toBe(0.25);
  });
  it('invokes nothing without records', () => {
    expect(invocationsPerSecond(0, 4, 100, 1)).toBe(0);
  });
});
