/**
 * The capacity plan of infra/README.md, computed from simulated router batches: for a write rate,
 * how many stream shards, which parallelization factor keeps each shard's router up, and the
 * PutEvents and PutRecords rates — and which limit is nearest.
 */
import { defaultQuotas } from '../../lib/estimate/quotas.js';
import type { SimulatedBatch } from './simulateRouterBatch.js';

/** One row of the plan. */
export interface CapacityRow {
  writesPerSecond: number;
  streamShards: number;
  batchMs: number;
  parallelizationFactor: number | 'over 10';
  routerConcurrency: number | 'n/a';
  putEventsEntries: number;
  putEventsCalls: number;
  putRecordsRecords: number;
  putRecordsCalls: number;
  putRecordsMBps: number;
  bindsFirst: string;
}

const quotas = defaultQuotas('us-east-1');

function factorFor(invocationsPerSecond: number, batchMs: number): number | 'over 10' {
  const concurrency = Math.max(1, Math.ceil((invocationsPerSecond * batchMs) / 1000));
  return concurrency > 10 ? 'over 10' : concurrency;
}

/**
 * Plans one write rate from a simulated batch of mixed changes (of the router mapping's batch size).
 */
export function planCapacity(writesPerSecond: number, mixed: SimulatedBatch): CapacityRow {
  const shards = Math.ceil(writesPerSecond / quotas.tableWritesPerStreamShard);
  const perShard = writesPerSecond / shards;
  const batchesPerShard = perShard / mixed.records;
  const pf = factorFor(batchesPerShard, mixed.batchMs);
  const batches = writesPerSecond / mixed.records;
  const putEventsEntries = batches * mixed.putEventsEntries;
  const putRecordsRecords = batches * mixed.putRecordsEntries;
  const putRecordsMBps = (batches * mixed.putRecordsBytes) / 1_048_576;
  const limits: [string, number][] = [
    ['PutEvents entries/s (10,000 in us-east-1)', putEventsEntries / quotas.putEventsPerSecond],
    ['Kinesis on-demand records/s (200,000)', putRecordsRecords / quotas.kinesisOnDemandRecordsPerSecond],
    ['Kinesis on-demand MB/s (200)', (putRecordsMBps * 1_048_576) / quotas.kinesisOnDemandBytesPerSecond],
    [
      'Lambda concurrency (1,000)',
      typeof pf === 'number' ? (shards * pf) / quotas.lambdaConcurrency : Number.POSITIVE_INFINITY,
    ],
  ];
  limits.sort((a, b) => b[1] - a[1]);
  const [name, use] = limits[0]!;
  return {
    writesPerSecond,
    streamShards: shards,
    batchMs: mixed.batchMs,
    parallelizationFactor: pf,
    routerConcurrency: typeof pf === 'number' ? shards * pf : 'n/a',
    putEventsEntries,
    putEventsCalls: batches * mixed.putEventsCalls,
    putRecordsRecords,
    putRecordsCalls: batches * mixed.putRecordsCalls,
    putRecordsMBps,
    bindsFirst: `${name}: ${Math.round(use * 100)}%`,
  };
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

/** The plan as the markdown table infra/README.md shows. */
export function capacityTable(rows: readonly CapacityRow[], hot: SimulatedBatch): string {
  const lines = [
    '| writes/s | stream shards | router batch of 100 | parallelization factor | router concurrency | PutEvents entries/s (calls/s) | PutRecords records/s (calls/s, MB/s) | nearest limit |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${n(r.writesPerSecond)} | ${n(r.streamShards)} | ${n(r.batchMs)} ms | ${r.parallelizationFactor} | ${typeof r.routerConcurrency === 'number' ? n(r.routerConcurrency) : r.routerConcurrency} | ${n(r.putEventsEntries)} (${n(r.putEventsCalls)}) | ${n(r.putRecordsRecords)} (${n(r.putRecordsCalls)}, ${r.putRecordsMBps.toFixed(1)}) | ${r.bindsFirst} |`,
    );
  }
  lines.push(
    '',
    `One hot conversation — all ${hot.records} records of a batch under one partition key, which a parallelization factor cannot split — holds its lane ${n(hot.batchMs)} ms a batch (${hot.putRecordsCalls} PutRecords ${hot.putRecordsCalls === 1 ? 'call' : 'calls'}, ${hot.putRecordsChanges} changes in ${hot.putRecordsEntries} ${hot.putRecordsEntries === 1 ? 'record' : 'records'}): at most ${n((hot.records * 1000) / hot.batchMs)} writes/s for a single conversation.`,
  );
  return lines.join('\n');
}
