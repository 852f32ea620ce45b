/**
 * Default service quotas `memory-cdc estimate` checks a workload against. Adjustable quotas can be
 * raised in Service Quotas; override any value with the `quotas` object of `--prices FILE`.
 */
import type { QuotaTable } from './types.js';

/**
 * PutEvents transactions per second per account and Region (EventBridge quotas page, checked
 * 2026-12-07). memory-cdc counts every entry as a transaction, the conservative reading.
 */
const PUT_EVENTS_TPS: Readonly<Record<string, number>> = {
  'us-east-1': 10_000,
  'us-west-2': 10_000,
  'eu-west-1': 10_000,
  'us-east-2': 2_400,
};

/** The quota table for a Region. */
export function defaultQuotas(region: string): QuotaTable {
  return {
    // Other Regions have lower defaults (1,200 or less in several): check Service Quotas.
    putEventsPerSecond: PUT_EVENTS_TPS[region] ?? 1_200,
    // Kinesis Data Streams: per shard, 1 MB/s or 1,000 records/s of writes.
    kinesisShardRecordsPerSecond: 1_000,
    kinesisShardBytesPerSecond: 1_048_576,
    // On-demand streams scale to 200 MB/s and 200,000 records/s of writes by default.
    kinesisOnDemandRecordsPerSecond: 200_000,
    kinesisOnDemandBytesPerSecond: 200 * 1_048_576,
    // DynamoDB Streams: no more than two simultaneous readers per shard.
    streamReadersPerShard: 2,
    // A DynamoDB partition takes at most 1,000 write units per second: a stream shard per partition.
    tableWritesPerStreamShard: 1_000,
    // Lambda: concurrent executions per account and Region.
    lambdaConcurrency: 1_000,
  };
}
