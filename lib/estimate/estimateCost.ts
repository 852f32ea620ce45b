/**
 * The arithmetic of `memory-cdc estimate`: a workload and the traffic shape the pipeline measured
 * become monthly costs per component and the quota that binds first. Pure: no I/O, no clock. Every
 * figure is a `quantity × unit price` line so the arithmetic can be shown and checked.
 */
import type { EntityKind } from '../layout/types.js';
import { SECONDS_PER_MONTH } from './prices.js';
import type {
  CostComponent,
  CostLine,
  Estimate,
  PriceTable,
  QuotaTable,
  QuotaUse,
  RecordShape,
  TrafficShape,
  Workload,
} from './types.js';

/** Event source mapping settings the stack deploys (infra/MemoryCdc.ts defaults). */
export const MAPPING_DEFAULTS = {
  router: { batchSize: 100, windowSeconds: 1 },
  archiver: { batchSize: 1000, windowSeconds: 60 },
  vectorSync: { batchSize: 100, windowSeconds: 5 },
} as const;

/** Per-call and per-record costs not measured by the shape, documented in the README. */
export const MODEL_CONSTANTS = {
  /** Fixed work of one invocation (handler entry, logging, metrics), ms. */
  invocationOverheadMs: 2,
  /** CPU per archived item (archive line + gzip), ms. */
  archiveCpuMsPerItem: 0.05,
  /** CPU per change-log record in the vector worker (decode, compare), ms. */
  vectorCpuMsPerRecord: 0.02,
  /** PutEvents requests in flight at once (EventBridgePublisher's default). */
  putEventsConcurrency: 4,
  /** Entries per PutEvents request. */
  putEventsBatch: 10,
  /** Records per PutRecords request. */
  putRecordsBatch: 500,
  /** An embedding call is this many sink calls long. */
  embeddingCallFactor: 4,
  /** Embedding calls in flight at once in the vector worker. */
  embeddingConcurrency: 8,
  /** Bytes of key and metadata stored with each vector besides the float32 data. */
  vectorOverheadBytes: 512,
  /** Characters per token for Titan embeddings (English text). */
  charsPerToken: 4,
  /** Memory of the archiver and vector worker, MB (stack defaults). */
  workerMemoryMb: 512,
  /** Shards an on-demand stream starts with. */
  onDemandInitialShards: 4,
  /** Memory at which a function has one vCPU (one vCPU-second of credits per second), MB. */
  lambdaMbPerVcpu: 1769,
} as const;

/**
 * Wall time of `cpuMs` of one core's work in a function of `memoryMb`: Lambda gives CPU in proportion
 * to memory, one vCPU at 1,769 MB, so below that the same work takes longer (3.5× at 512 MB). The
 * per-record figures come from `npm run bench`, which runs on one full core.
 */
export function lambdaCpuMs(cpuMs: number, memoryMb: number): number {
  return cpuMs * Math.max(1, MODEL_CONSTANTS.lambdaMbPerVcpu / memoryMb);
}

const GB = 1024 ** 3;

/** Workload defaults for the fields `--workload` or the flags leave out. */
export const WORKLOAD_DEFAULTS: Omit<Workload, 'changesPerSecond' | 'region'> = {
  expiriesPerDay: 0,
  itemBytes: 1024,
  embeddings: 'bedrock',
  vectorDimensions: 1024,
  vectorRetentionDays: 30,
  kinesisMode: 'on-demand',
  source: 'one-reader',
  otherStreamReaders: 0,
  routerMemoryMb: 512,
  parallelizationFactor: 1,
  routerCpuMsPerRecord: 0.08,
  callLatencyMs: 25,
};

function line(item: string, quantity: number, unit: string, unitPrice: number): CostLine {
  return { item, quantity, unit, unitPrice, usd: quantity * unitPrice };
}

function component(name: string, lines: CostLine[]): CostComponent {
  return { component: name, usd: lines.reduce((s, l) => s + l.usd, 0), lines };
}

/**
 * Invocations per second of one event source mapping over `shards` shards receiving `rate` records/s:
 * a shard is invoked when its batch fills or its batching window ends, whichever is first.
 */
export function invocationsPerSecond(
  rate: number,
  shards: number,
  batchSize: number,
  windowSeconds: number,
  parallelization = 1,
): number {
  if (rate <= 0) return 0;
  const perShard = rate / shards;
  const windows = windowSeconds > 0 ? parallelization / windowSeconds : Number.POSITIVE_INFINITY;
  return shards * Math.max(perShard / batchSize, Math.min(perShard, windows));
}

function lambdaLines(
  name: string,
  invocations: number,
  durationMs: number,
  memoryMb: number,
  prices: PriceTable,
): CostLine[] {
  const monthly = invocations * SECONDS_PER_MONTH;
  const gbSeconds = monthly * (durationMs / 1000) * (memoryMb / 1024);
  return [
    line(`${name} requests`, monthly / 1e6, 'million', prices.lambdaRequestPerMillion),
    line(`${name} compute`, gbSeconds, 'GB-s', prices.lambdaGbSecond),
  ];
}

/** Weighted sum of a shape field over the workload's entities; unknown entities take the mean shape. */
function perSecond(
  workload: Workload,
  shape: TrafficShape,
  field: keyof RecordShape,
  fallback: RecordShape,
): number {
  let total = 0;
  for (const [entity, rate] of Object.entries(workload.changesPerSecond) as [EntityKind, number][]) {
    total += rate * (shape.changes[entity] ?? fallback)[field];
  }
  return total + (workload.expiriesPerDay / 86_400) * shape.expiries[field];
}

/** The mean shape over all measured entities, weighted by records. */
export function meanShape(shape: TrafficShape): RecordShape {
  const shapes = Object.values(shape.changes);
  const records = shapes.reduce((s, x) => s + x.records, 0);
  const mean = { ...shape.expiries, records };
  for (const key of Object.keys(mean) as (keyof RecordShape)[]) {
    if (key === 'records') continue;
    mean[key] = records === 0 ? 0 : shapes.reduce((s, x) => s + x[key] * x.records, 0) / records;
  }
  return mean;
}

/**
 * Estimates the monthly cost and the binding quota of running memory-cdc on `workload`.
 *
 * @example
 * ```ts
 * const shape = measureTrafficShape(pipeline, generateFixtures({ count: 2000 }));
 * const estimate = estimateCost({ ...WORKLOAD_DEFAULTS, region: 'us-east-1', changesPerSecond: { turn: 50 } },
 *   shape, DEFAULT_PRICES, defaultQuotas('us-east-1'));
 * console.log(estimate.totalUsd, estimate.binding.quota);
 * ```
 */
export function estimateCost(
  workload: Workload,
  shape: TrafficShape,
  prices: PriceTable,
  quotas: QuotaTable,
): Estimate {
  const c = MODEL_CONSTANTS;
  const fallback = meanShape(shape);
  const rate = (field: keyof RecordShape) => perSecond(workload, shape, field, fallback);

  const changes = Object.values(workload.changesPerSecond).reduce((s, r) => s + (r ?? 0), 0);
  const expiries = workload.expiriesPerDay / 86_400;
  const streamRecords = changes + expiries;
  const streamShards = Math.max(1, Math.ceil(changes / quotas.tableWritesPerStreamShard));
  const eventBridgeEvents = rate('eventBridgeEvents');
  const eventBridgeChunks = rate('eventBridgeChunks');
  const kinesisRecords = rate('kinesisRecords');
  const kinesisBytes = rate('kinesisBytes');
  const kinesisKb = rate('kinesisKb');
  const vectorUpserts = rate('vectorUpserts');
  const tokens = workload.embeddings === 'bedrock' ? rate('embedChars') / c.charsPerToken : 0;
  const rawBytes = rate('rawRecordBytes');

  const components: CostComponent[] = [];

  // Router (and, with one reader, the archive writer too).
  const pf = workload.parallelizationFactor;
  const routerInvocations = invocationsPerSecond(
    streamRecords,
    streamShards,
    MAPPING_DEFAULTS.router.batchSize,
    MAPPING_DEFAULTS.router.windowSeconds,
    pf,
  );
  const perInvocation = routerInvocations > 0 ? streamRecords / routerInvocations : 0;
  const share = streamRecords > 0 ? perInvocation / streamRecords : 0;
  const putEventsCalls = Math.ceil((eventBridgeEvents * share) / c.putEventsBatch);
  const putEventsRounds = Math.ceil(putEventsCalls / c.putEventsConcurrency);
  const putRecordsRounds = Math.ceil((kinesisRecords * share) / c.putRecordsBatch);
  const archiveInRouter = workload.source !== 'two-readers';
  const expiriesPerInvocation = expiries * share;
  const archiveRounds = archiveInRouter && expiriesPerInvocation > 0 ? 1 : 0;
  const routerMs =
    c.invocationOverheadMs +
    lambdaCpuMs(
      perInvocation * workload.routerCpuMsPerRecord +
        (archiveInRouter ? expiriesPerInvocation * c.archiveCpuMsPerItem : 0),
      workload.routerMemoryMb,
    ) +
    Math.max(putEventsRounds, putRecordsRounds, archiveRounds) * workload.callLatencyMs;
  components.push(
    component(
      'Lambda: router',
      lambdaLines('router', routerInvocations, routerMs, workload.routerMemoryMb, prices),
    ),
  );

  // Archive objects: one per expired item (keyed by its expiry record, so retries never duplicate).
  const archiveObjects = expiries;
  if (!archiveInRouter) {
    const archiverInvocations = invocationsPerSecond(
      expiries,
      streamShards,
      MAPPING_DEFAULTS.archiver.batchSize,
      MAPPING_DEFAULTS.archiver.windowSeconds,
    );
    const items = archiverInvocations > 0 ? expiries / archiverInvocations : 0;
    const ms =
      c.invocationOverheadMs +
      lambdaCpuMs(items * c.archiveCpuMsPerItem, c.workerMemoryMb) +
      workload.callLatencyMs;
    components.push(
      component(
        'Lambda: archiver',
        lambdaLines('archiver', archiverInvocations, ms, c.workerMemoryMb, prices),
      ),
    );
  }

  // Change log.
  const kinesisLines: CostLine[] = [];
  const monthlyKinesisGb = (kinesisKb * 1024 * SECONDS_PER_MONTH) / GB;
  const neededShards = Math.max(
    1,
    Math.ceil(kinesisRecords / quotas.kinesisShardRecordsPerSecond),
    Math.ceil(kinesisBytes / quotas.kinesisShardBytesPerSecond),
  );
  let changeLogShards = neededShards;
  if (workload.kinesisMode === 'on-demand') {
    changeLogShards = Math.max(c.onDemandInitialShards, neededShards);
    kinesisLines.push(
      line('change log stream-hours', 730, 'stream-hour', prices.kinesisOnDemandStreamHour),
      line('change log data in', monthlyKinesisGb, 'GB', prices.kinesisOnDemandIngestPerGb),
      line(
        'change log data out (vector worker)',
        monthlyKinesisGb,
        'GB',
        prices.kinesisOnDemandRetrievalPerGb,
      ),
    );
  } else {
    kinesisLines.push(
      line('change log shard-hours', neededShards * 730, 'shard-hour', prices.kinesisShardHour),
      line(
        'change log PUT payload units',
        (rate('kinesisPayloadUnits') * SECONDS_PER_MONTH) / 1e6,
        'million',
        prices.kinesisPutPayloadUnitPerMillion,
      ),
    );
  }
  components.push(component('Kinesis: change log', kinesisLines));

  if (workload.source === 'kinesis') {
    const cdcUnits =
      (streamRecords * Math.max(1, Math.ceil(workload.itemBytes / 1024)) * SECONDS_PER_MONTH) / 1e6;
    const sourceGb = (rawBytes * SECONDS_PER_MONTH) / GB;
    components.push(
      component('Kinesis Data Streams for DynamoDB (source)', [
        line('change data capture units', cdcUnits, 'million', prices.dynamoDbCdcUnitPerMillion),
        line('source stream-hours', 730, 'stream-hour', prices.kinesisOnDemandStreamHour),
        line('source data in', sourceGb, 'GB', prices.kinesisOnDemandIngestPerGb),
        line('source data out (router)', sourceGb, 'GB', prices.kinesisOnDemandRetrievalPerGb),
      ]),
    );
  }

  components.push(
    component('EventBridge: custom events', [
      line(
        'events (64 KB chunks)',
        (eventBridgeChunks * SECONDS_PER_MONTH) / 1e6,
        'million',
        prices.eventBridgeEventPerMillion,
      ),
    ]),
  );

  // Vector worker.
  const vectorInvocations = invocationsPerSecond(
    kinesisRecords,
    changeLogShards,
    MAPPING_DEFAULTS.vectorSync.batchSize,
    MAPPING_DEFAULTS.vectorSync.windowSeconds,
  );
  const vectorPerInvocation = vectorInvocations > 0 ? kinesisRecords / vectorInvocations : 0;
  const embedPerInvocation =
    workload.embeddings === 'bedrock' && vectorInvocations > 0 ? vectorUpserts / vectorInvocations : 0;
  const vectorMs =
    c.invocationOverheadMs +
    lambdaCpuMs(vectorPerInvocation * c.vectorCpuMsPerRecord, c.workerMemoryMb) +
    Math.ceil(embedPerInvocation / c.embeddingConcurrency) * c.embeddingCallFactor * workload.callLatencyMs +
    (vectorUpserts > 0 ? workload.callLatencyMs : 0);
  components.push(
    component(
      'Lambda: vector sync',
      lambdaLines('vector sync', vectorInvocations, vectorMs, c.workerMemoryMb, prices),
    ),
  );

  const archiveGb = (expiries * shape.expiries.archiveBytes * SECONDS_PER_MONTH) / GB;
  components.push(
    component('S3: archive', [
      line('archive PUTs', (archiveObjects * SECONDS_PER_MONTH) / 1000, 'thousand', prices.s3PutPer1000),
      line("archive storage (a month's expiries, gzip)", archiveGb, 'GB-month', prices.s3StorageGbMonth),
    ]),
  );

  const vectorBytes = workload.vectorDimensions * 4 + c.vectorOverheadBytes;
  const vectorPutGb = (vectorUpserts * vectorBytes * SECONDS_PER_MONTH) / GB;
  const liveVectorGb = (vectorUpserts * workload.vectorRetentionDays * 86_400 * vectorBytes) / GB;
  components.push(
    component('S3 Vectors: index', [
      line('vector writes', vectorPutGb, 'GB', prices.s3VectorsPutPerGb),
      line(
        `vectors stored (${workload.vectorRetentionDays} days of turns)`,
        liveVectorGb,
        'GB-month',
        prices.s3VectorsStorageGbMonth,
      ),
    ]),
  );
  components.push(
    component('Bedrock: Titan embeddings', [
      line(
        'input tokens',
        (tokens * SECONDS_PER_MONTH) / 1000,
        'thousand tokens',
        prices.bedrockTitanEmbedPer1kTokens,
      ),
    ]),
  );

  const totalUsd = components.reduce((s, x) => s + x.usd, 0);

  // EventBridge Pipes to a plain bus: every stream record becomes a Pipes request and a bus event,
  // billed by the raw record's 64 KB chunks; no noise suppression, no meaning, no change log.
  const rawChunks = Math.max(1, Math.ceil(rawBytes / Math.max(streamRecords, 1e-9) / (64 * 1024)));
  const pipesMillions = (streamRecords * rawChunks * SECONDS_PER_MONTH) / 1e6;
  const pipesComponents = [
    component('EventBridge Pipes', [
      line('pipe requests', pipesMillions, 'million', prices.pipesRequestPerMillion),
    ]),
    component('EventBridge: custom events', [
      line('events (raw records)', pipesMillions, 'million', prices.eventBridgeEventPerMillion),
    ]),
  ];
  const pipesTotal = pipesComponents.reduce((s, x) => s + x.usd, 0);
  const ours = components
    .filter((x) => x.component === 'EventBridge: custom events' || x.component === 'Lambda: router')
    .reduce((s, x) => s + x.usd, 0);

  const fullBatchMs =
    c.invocationOverheadMs +
    lambdaCpuMs(MAPPING_DEFAULTS.router.batchSize * workload.routerCpuMsPerRecord, workload.routerMemoryMb) +
    2 * workload.callLatencyMs;
  const perShardCapacity = (pf * MAPPING_DEFAULTS.router.batchSize) / (fullBatchMs / 1000);
  const readersUsed =
    (workload.source === 'two-readers' ? 2 : workload.source === 'one-reader' ? 1 : 0) +
    workload.otherStreamReaders;
  const concurrency = streamShards * pf * (workload.source === 'two-readers' ? 2 : 1) + changeLogShards;
  const quotaUses: QuotaUse[] = [
    use(
      'EventBridge PutEvents per second (account, Region)',
      quotas.putEventsPerSecond,
      eventBridgeEvents,
      'entries/s',
      'request a PutEvents quota increase, or route noisy entities to the change log only',
    ),
    use(
      'DynamoDB stream readers per shard',
      quotas.streamReadersPerShard,
      readersUsed,
      'readers',
      workload.source === 'two-readers'
        ? 'use the one-reader layout or the Kinesis source'
        : 'one slot is taken by memory-cdc; beyond one reader of your own, use the Kinesis source',
    ),
    use(
      'Router throughput per stream shard',
      perShardCapacity,
      streamRecords / streamShards,
      'records/s',
      'raise parallelizationFactor (up to 10)',
    ),
    use(
      'Lambda concurrent executions',
      quotas.lambdaConcurrency,
      concurrency,
      'executions',
      'request a concurrency increase',
    ),
  ];
  if (workload.kinesisMode === 'on-demand') {
    quotaUses.push(
      use(
        'Kinesis on-demand write records per second',
        quotas.kinesisOnDemandRecordsPerSecond,
        kinesisRecords,
        'records/s',
        'request an on-demand write increase, or split change logs',
      ),
      use(
        'Kinesis on-demand write bytes per second',
        quotas.kinesisOnDemandBytesPerSecond,
        kinesisBytes,
        'bytes/s',
        'request an on-demand write increase',
      ),
    );
  }
  quotaUses.sort((a, b) => b.utilization - a.utilization);

  return {
    workload,
    prices,
    rates: {
      streamRecords,
      eventBridgeEvents,
      kinesisRecords,
      kinesisBytes,
      vectorUpserts,
      expiries,
      streamShards,
    },
    components,
    totalUsd,
    quotas: quotaUses,
    binding: quotaUses[0]!,
    pipes: { components: pipesComponents, totalUsd: pipesTotal, eventBridgeSavingUsd: pipesTotal - ours },
  };
}

function use(quota: string, limit: number, used: number, unit: string, remedy: string): QuotaUse {
  return {
    quota,
    limit,
    used,
    utilization: limit > 0 ? used / limit : Number.POSITIVE_INFINITY,
    unit,
    remedy,
  };
}
