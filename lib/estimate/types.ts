/**
 * Types of `memory-cdc estimate`: a workload, the traffic shape measured by running the real
 * pipeline over sample records, price and quota tables, and the estimate itself.
 */
import type { EntityKind } from '../layout/types.js';

/** Per-record averages of what the pipeline emits, measured over sample records of one entity. */
export interface RecordShape {
  /** Stream records measured. */
  records: number;
  /** EventBridge events per record, after noise suppression (the routing in force). */
  eventBridgeEvents: number;
  /** EventBridge billing units (64 KB chunks) per record. */
  eventBridgeChunks: number;
  /** Kinesis change-log records per record. */
  kinesisRecords: number;
  /** Kinesis billed kilobytes per record (each change-log record rounded up to 1 KB). */
  kinesisKb: number;
  /** Kinesis PUT payload units (25 KB) per record. */
  kinesisPayloadUnits: number;
  /** Kinesis bytes per record. */
  kinesisBytes: number;
  /** Vector upserts per record. */
  vectorUpserts: number;
  /** Characters of turn text to embed per record (vector upserts without an item embedding). */
  embedChars: number;
  /** Vector upserts per record that carried their own embedding (no embedding call). */
  itemEmbeddings: number;
  /** Bytes of the DynamoDB stream record (both images), as EventBridge Pipes would forward it. */
  rawRecordBytes: number;
  /** Archive line bytes per record (uncompressed), for TTL expiries. */
  archiveBytes: number;
}

/** The traffic shape: per-entity record shapes for ordinary changes, and one for TTL expiries. */
export interface TrafficShape {
  /** Ordinary changes (inserts, modifies, user deletes) by entity. */
  changes: Partial<Record<EntityKind, RecordShape>>;
  /** TTL expiries, all entities together. */
  expiries: RecordShape;
}

/** Which stream the stack reads and how. */
export type SourceLayout = 'one-reader' | 'two-readers' | 'kinesis';

/** The workload to estimate. */
export interface Workload {
  /** Table changes per second (stream records other than TTL expiries), by entity. */
  changesPerSecond: Partial<Record<EntityKind, number>>;
  /** Items TTL deletes per day. */
  expiriesPerDay: number;
  /** Average item size in bytes (used to generate sample records when none are given). @default 1024 */
  itemBytes: number;
  /** Where turn vectors come from: the item's own attribute, or Amazon Bedrock. @default 'bedrock' */
  embeddings: 'bedrock' | 'item';
  /** Vector dimensions. @default 1024 */
  vectorDimensions: number;
  /** How long a turn's vector lives (its TTL), for the index's steady-state size. @default 30 */
  vectorRetentionDays: number;
  /** Kinesis capacity mode of the change log. @default 'on-demand' */
  kinesisMode: 'on-demand' | 'provisioned';
  /** The stack's source layout. @default 'one-reader' */
  source: SourceLayout;
  /** Other readers of the table's DynamoDB stream (not memory-cdc's). @default 0 */
  otherStreamReaders: number;
  /** Router memory in MB. @default 512 */
  routerMemoryMb: number;
  /** Router parallelization factor per shard (1–10). @default 1 */
  parallelizationFactor: number;
  /** Router CPU per stream record in ms (from `npm run bench`). @default 0.08 */
  routerCpuMsPerRecord: number;
  /** Latency of one sink call in ms (PutEvents, PutRecords, PutObject). @default 25 */
  callLatencyMs: number;
  /** AWS Region, for quotas. @default price table's Region */
  region: string;
}

/** Prices, in the table's currency. */
export interface PriceTable {
  asOf: string;
  region: string;
  currency: string;
  lambdaGbSecond: number;
  lambdaRequestPerMillion: number;
  eventBridgeEventPerMillion: number;
  pipesRequestPerMillion: number;
  kinesisOnDemandStreamHour: number;
  kinesisOnDemandIngestPerGb: number;
  kinesisOnDemandRetrievalPerGb: number;
  kinesisShardHour: number;
  kinesisPutPayloadUnitPerMillion: number;
  dynamoDbCdcUnitPerMillion: number;
  s3PutPer1000: number;
  s3StorageGbMonth: number;
  s3VectorsPutPerGb: number;
  s3VectorsStorageGbMonth: number;
  bedrockTitanEmbedPer1kTokens: number;
}

/** Quotas checked against the workload. */
export interface QuotaTable {
  putEventsPerSecond: number;
  kinesisShardRecordsPerSecond: number;
  kinesisShardBytesPerSecond: number;
  kinesisOnDemandRecordsPerSecond: number;
  kinesisOnDemandBytesPerSecond: number;
  streamReadersPerShard: number;
  tableWritesPerStreamShard: number;
  lambdaConcurrency: number;
}

/** One priced quantity: `quantity × unitPrice = usd`. */
export interface CostLine {
  /** What is counted, e.g. "router GB-seconds". */
  item: string;
  quantity: number;
  /** Unit of the quantity, e.g. "GB-s", "million events". */
  unit: string;
  unitPrice: number;
  usd: number;
}

/** One component of the bill. */
export interface CostComponent {
  component: string;
  usd: number;
  lines: CostLine[];
}

/** A quota and how much of it the workload uses. */
export interface QuotaUse {
  quota: string;
  limit: number;
  used: number;
  /** used / limit. */
  utilization: number;
  unit: string;
  /** What to do when it binds. */
  remedy: string;
}

/** The estimate. */
export interface Estimate {
  workload: Workload;
  prices: PriceTable;
  /** Derived rates per second. */
  rates: {
    streamRecords: number;
    eventBridgeEvents: number;
    kinesisRecords: number;
    kinesisBytes: number;
    vectorUpserts: number;
    expiries: number;
    streamShards: number;
  };
  components: CostComponent[];
  totalUsd: number;
  /** Quotas, highest utilization first. */
  quotas: QuotaUse[];
  /** The quota that binds first. */
  binding: QuotaUse;
  /** The same stream on EventBridge Pipes to a plain bus (every change an event, no meaning). */
  pipes: { components: CostComponent[]; totalUsd: number; eventBridgeSavingUsd: number };
}
