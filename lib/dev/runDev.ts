/**
 * `memory-cdc dev`: DynamoDB Local with a memory table, an optional seeder writing realistic items,
 * and the stream consumed the way the deployed stack consumes it — the router's and the archiver's
 * batch processors (the code inside the Lambdas' handlers) behind a local event source mapping —
 * into local sinks, or into kinesalite and s3rver with `emulators`. With `source: 'kinesis'` the
 * router and archiver read Kinesis Data Streams for DynamoDB instead: kinesalite holds the source
 * stream, the local bridge (`kinesisStreamingConsumer`) writes the table's changes into it in the
 * format AWS writes, and a Kinesis event source mapping invokes the handlers with Lambda Kinesis events.
 */
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { KinesisStreamRecord } from 'aws-lambda';
import { isExpiryRecord, processArchiveBatch } from '../archive/processArchiveBatch.js';
import { processKinesisDynamoDbBatch } from '../delivery/processKinesisDynamoDbBatch.js';
import { processStreamBatch } from '../delivery/processStreamBatch.js';
import { kinesisRecordAdapter } from '../delivery/recordAdapters.js';
import { S3DeadLetterStore, S3RecordDeadLetterStore } from '../delivery/S3DeadLetterStore.js';
import type { DeadLetterStore } from '../delivery/types.js';
import type { Layout } from '../layout/types.js';
import { kinesisShardApi } from '../live/kinesisShardApi.js';
import { createPipeline } from '../pipeline/createPipeline.js';
import type { PartialRouting, RoutedOutput, SinkName } from '../routing/types.js';
import type { ArchiveSink } from '../sinks/archive/ArchiveSink.js';
import { LocalArchiveSink } from '../sinks/archive/LocalArchiveSink.js';
import { S3ArchiveSink } from '../sinks/archive/S3ArchiveSink.js';
import { S3ClaimCheckStore } from '../sinks/claimCheck/S3ClaimCheckStore.js';
import { KinesisPublisher } from '../sinks/kinesis/KinesisPublisher.js';
import type { Sink } from '../sinks/types.js';
import { fromKinesisDynamoDbRecord } from '../stream/fromKinesisDynamoDbRecord.js';
import type { StreamRecord } from '../stream/types.js';
import { createMemoryTable } from './createMemoryTable.js';
import type { DevSource } from './DevSource.js';
import { type DevSnapshot, DevStats } from './DevStats.js';
import { type KinesisStreamingStats, kinesisStreamingConsumer } from './kinesisStreamingDestination.js';
import { LocalDeadLetterStore } from './LocalDeadLetterStore.js';
import { LocalEventSourceMapping, type StreamConsumer } from './LocalEventSourceMapping.js';
import { runSeeder } from './seed/runSeeder.js';
import { type SeedKeyForm, seedWrites, storiesFor } from './seed/seedWrites.js';
import { DiscardSink } from './sinks/DiscardSink.js';
import { JsonLinesSink } from './sinks/JsonLinesSink.js';
import { ObservedSink } from './sinks/ObservedSink.js';
import { type DynamoDbLocal, startDynamoDbLocal } from './startDynamoDbLocal.js';
import { type Emulators, startEmulators } from './startEmulators.js';
import { type Kinesalite, startKinesalite } from './startKinesalite.js';
import { type ExpirySweep, runExpirySweeper } from './sweepExpiredItems.js';
import { WriteClock } from './WriteClock.js';

/** The change a Kinesis source record carries, or undefined for a record that is not one. */
function changeOf(record: KinesisStreamRecord): StreamRecord | undefined {
  try {
    return fromKinesisDynamoDbRecord(record).record;
  } catch {
    // Not a change: the router dead-letters it; here it is only not counted.
    return undefined;
  }
}

/** Options for {@link runDev}. */
export interface DevOptions {
  layout: Layout;
  /** @default the layout's name */
  tableName?: string;
  /** DynamoDB Local's port. @default 8000 */
  port?: number;
  /** Writes the seeder makes (0: none; write your own items to the endpoint). @default 0 */
  seed?: number;
  /** Seeder pace in writes per second (0: as fast as possible). @default 20 */
  seedRate?: number;
  /** How the seeder spells agent-memory keys (`literal`: the guidance's unprefixed ids). @default 'prefixed' */
  seedKeys?: SeedKeyForm;
  /** Seed of the seeder's random choices. @default 1 */
  randomSeed?: number;
  /** Kinesis change log to kinesalite and archive to s3rver instead of local files. @default false */
  emulators?: boolean;
  /**
   * What the router and archiver read: the table's DynamoDB stream, or Kinesis Data Streams for
   * DynamoDB (kinesalite, fed by the local bridge from the table's stream). @default 'dynamodb-stream'
   */
  source?: DevSource;
  /** Folder for the local sinks' files (absolute). */
  outDir: string;
  routing?: PartialRouting;
  /** Stops everything dev started. */
  signal: AbortSignal;
  /** Called with every output a sink accepted (for `--json`). */
  onOutput?(output: RoutedOutput): void;
  /**
   * Called as each start-up step begins (`starting DynamoDB Local on port 8000`, `creating table …`),
   * so a caller can say what is happening during the seconds DynamoDB Local takes to start.
   */
  onStep?(step: string): void;
  /** Called once everything is up, with where things are. */
  onReady?(info: DevInfo): void;
  /** Called every `viewIntervalMs` (and once at the end) with the counters. */
  onView?(snapshot: DevSnapshot, info: DevInfo): void;
  /** @default 1000 */
  viewIntervalMs?: number;
  /** Stream poll interval when idle, in ms. @default 100 */
  idlePollMs?: number;
  /**
   * Pause between sweeps of the local expiry sweeper, which deletes expired items of tables with a
   * secondary index because DynamoDB Local's TTL never does (see `sweepExpiredItems`). @default 5000
   */
  expirySweepIntervalMs?: number;
  /** Called after every sweep of the local expiry sweeper with what it deleted, or why it failed. */
  onExpirySweep?(sweep: ExpirySweep): void;
}

/** Where the pieces of a dev session live. */
export interface DevInfo {
  endpoint: string;
  /** Process id of DynamoDB Local's Java process (stopped when the session ends). */
  dynamoDbLocalPid: number | undefined;
  tableName: string;
  streamArn: string;
  layout: string;
  seedTotal: number;
  /** True when dev sweeps expired items itself (the table has secondary indexes; see `sweepExpiredItems`). */
  expirySweeper: boolean;
  /** What the router and archiver read. */
  source: DevSource;
  /** Kinesis source: the source stream's name and ARN in kinesalite. */
  sourceStream?: { name: string; arn: string; endpoint: string };
  /** Local files, or emulator endpoints. */
  outputs: Record<string, string>;
}

/** What a dev session did. */
export interface DevResult {
  info: DevInfo;
  snapshot: DevSnapshot;
}

const CHANGE_LOG_STREAM = 'memory-changes';
/** The source stream of `source: 'kinesis'` (two shards: the mapping reads each on its own). */
const SOURCE_STREAM = 'memory-source';
const SOURCE_SHARDS = 2;
const BUCKET = 'memory-cdc-dev';

/**
 * Runs a dev session until the signal aborts, then stops everything it started (the Java process
 * of DynamoDB Local included) and resolves with the final counters.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * process.once('SIGINT', () => controller.abort());
 * const { snapshot } = await runDev({
 *   layout: agentMemoryLayout,
 *   seed: 200,
 *   outDir: resolve('.memory-cdc/dev'),
 *   signal: controller.signal,
 *   onView: (s, info) => console.error(formatDevView({ ...info, table: info.tableName }, s)),
 * });
 * ```
 * @throws JavaNotFoundError when Java is missing; DynamoDbLocalError when DynamoDB Local fails;
 *   ConfigError for a custom layout with `seed`, or a taken port; StreamReadError when reading fails
 */
export async function runDev(options: DevOptions): Promise<DevResult> {
  const { layout } = options;
  // One signal for everything started here: aborted by the caller, or by a failure of any part.
  const session = new AbortController();
  const signal = session.signal;
  const forward = () => session.abort();
  if (options.signal.aborted) session.abort();
  else options.signal.addEventListener('abort', forward, { once: true });
  const seedTotal = options.seed ?? 0;
  // Fail on a layout the seeder cannot write before starting anything.
  const stories = seedTotal > 0 ? storiesFor(layout, options.seedKeys) : undefined;
  const tableName = options.tableName ?? layout.name;
  const cleanup: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    session.abort();
    options.signal.removeEventListener('abort', forward);
    // Cleanup is best effort: one step failing must not leave the others (Java above all) running.
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };
  try {
    options.onStep?.(`starting DynamoDB Local (Java) on port ${options.port ?? 8000}`);
    const ddb: DynamoDbLocal = await startDynamoDbLocal({ port: options.port ?? 8000, signal });
    cleanup.push(() => ddb.stop());
    const config = { endpoint: ddb.endpoint, region: ddb.region, credentials: ddb.credentials };
    const dynamodb = new DynamoDBClient(config);
    const streams = new DynamoDBStreamsClient({ ...config, maxAttempts: 1 });
    cleanup.push(async () => {
      dynamodb.destroy();
      streams.destroy();
    });
    options.onStep?.(`creating table ${tableName} (layout ${layout.name}) with a NEW_AND_OLD_IMAGES stream`);
    const table = await createMemoryTable(dynamodb, { tableName, layout, signal });

    const source = options.source ?? 'dynamodb-stream';
    const sourceStreams = source === 'kinesis' ? [{ name: SOURCE_STREAM, shards: SOURCE_SHARDS }] : [];
    if (options.emulators) options.onStep?.('starting kinesalite and s3rver');
    const emulators: Emulators | undefined = options.emulators
      ? await startEmulators({
          streamName: CHANGE_LOG_STREAM,
          bucket: BUCKET,
          s3Directory: join(options.outDir, 's3'),
          streams: sourceStreams,
        })
      : undefined;
    if (emulators) cleanup.push(() => emulators.stop());
    // The Kinesis source lives in the emulators' kinesalite, or in one of its own.
    let kinesalite: Pick<Kinesalite, 'endpoint' | 'client' | 'streamArns'> | undefined = emulators && {
      endpoint: emulators.kinesisEndpoint,
      client: emulators.kinesis,
      streamArns: emulators.kinesisStreamArns,
    };
    if (source === 'kinesis' && !kinesalite) {
      options.onStep?.('starting kinesalite for the source stream');
      const own = await startKinesalite({
        streams: sourceStreams,
        purpose: 'memory-cdc dev --source kinesis',
      });
      cleanup.push(() => own.stop());
      kinesalite = own;
    }
    const sourceStream =
      source === 'kinesis' && kinesalite
        ? {
            name: SOURCE_STREAM,
            arn: kinesalite.streamArns[SOURCE_STREAM]!,
            endpoint: kinesalite.endpoint,
            client: kinesalite.client,
          }
        : undefined;

    const clock = new WriteClock(
      layout.sortKey ? [layout.partitionKey, layout.sortKey] : [layout.partitionKey],
    );
    const stats = new DevStats(clock, undefined, undefined, layout.ttlAttribute);
    const observe = <O extends RoutedOutput>(sink: Sink<O>) =>
      new ObservedSink<O>(sink, (output) => {
        stats.accepted(output);
        options.onOutput?.(output);
      });

    const events = await JsonLinesSink.open('eventbridge', join(options.outDir, 'eventbridge.jsonl'));
    cleanup.push(() => events.close());
    let changeLog: Sink;
    let archive: ArchiveSink;
    let deadLetters: DeadLetterStore;
    let kinesisDeadLetters: DeadLetterStore<KinesisStreamRecord>;
    const outputs: Record<string, string> = { eventbridge: events.file };
    if (emulators) {
      const claimCheck = new S3ClaimCheckStore({ client: emulators.s3, bucket: BUCKET });
      changeLog = new KinesisPublisher({ client: emulators.kinesis, stream: CHANGE_LOG_STREAM, claimCheck });
      archive = new S3ArchiveSink({ client: emulators.s3, bucket: BUCKET });
      deadLetters = new S3DeadLetterStore({ client: emulators.s3, bucket: BUCKET });
      kinesisDeadLetters = new S3RecordDeadLetterStore(
        { client: emulators.s3, bucket: BUCKET },
        kinesisRecordAdapter,
      );
      outputs.kinesis = `${emulators.kinesisEndpoint} stream ${CHANGE_LOG_STREAM}`;
      outputs.s3 = `${emulators.s3Endpoint} bucket ${BUCKET} (archive/, claim-check/, dead-letter/)`;
    } else {
      const kinesisFile = await JsonLinesSink.open('kinesis', join(options.outDir, 'kinesis.jsonl'));
      cleanup.push(() => kinesisFile.close());
      changeLog = kinesisFile;
      archive = new LocalArchiveSink({ cwd: options.outDir, folder: 'archive', flush: 'deliver' });
      deadLetters = new LocalDeadLetterStore(options.outDir);
      kinesisDeadLetters = new LocalDeadLetterStore(options.outDir, kinesisRecordAdapter);
      outputs.kinesis = kinesisFile.file;
      outputs.archive = join(options.outDir, 'archive');
      outputs['dead letters'] = join(options.outDir, 'dead-letter');
    }
    let deadLettered = 0;
    stats.archiveObjects = () => archive.totals.objects;
    stats.deadLetters = () => deadLettered;

    const pipeline = createPipeline({ layout, ...(options.routing ? { routing: options.routing } : {}) });
    const outputsFor = (sinks: readonly SinkName[]) => (record: StreamRecord) =>
      pipeline.process(record).outputs.filter((o) => sinks.includes(o.sink));
    const count = <T extends { summary: { deadLettered: number } }>(result: T) => {
      deadLettered += result.summary.deadLettered;
      return result;
    };
    const routerSinks = [observe(events), observe(changeLog)];
    const vectorSinks = [observe(new DiscardSink('vector'))];
    const archiveSink = observe(archive);
    const routerFor = (event: { Records: StreamRecord[] }) =>
      processStreamBatch(event, {
        functionName: 'router',
        outputsFor: outputsFor(['eventbridge', 'kinesis']),
        sinks: routerSinks,
        deadLetters,
      });
    const vectorFor = (event: { Records: StreamRecord[] }) =>
      processStreamBatch(event, {
        functionName: 'vector-sync',
        outputsFor: outputsFor(['vector']),
        sinks: vectorSinks,
        deadLetters,
      });
    // The table's stream: the three consumers, or (Kinesis source) the bridge into the source stream.
    const bridgeStats: KinesisStreamingStats = { written: 0, failedCalls: 0, lost: 0 };
    const tableConsumers: StreamConsumer[] = sourceStream
      ? [
          kinesisStreamingConsumer(
            { kinesis: sourceStream.client, kinesisStream: sourceStream.name, tableName },
            bridgeStats,
          ),
        ]
      : [
          { name: 'router', handler: async (event) => count(await routerFor(event)).response },
          {
            name: 'archiver',
            filter: (record) => isExpiryRecord(record, layout.ttlAttribute),
            handler: async (event) =>
              count(await processArchiveBatch(event, { pipeline, sink: archiveSink, deadLetters })).response,
          },
          { name: 'vector-sync', handler: async (event) => count(await vectorFor(event)).response },
        ];
    const mapping = new LocalEventSourceMapping({
      client: streams,
      streamArn: table.streamArn,
      startAt: 'trim-horizon',
      idlePollMs: options.idlePollMs ?? 100,
      describeIntervalMs: 2000,
      consumers: tableConsumers,
      signal,
      onRead: (_shard, records) => stats.readRecords(records),
      onInvocation: (report) => {
        if (report.consumer === 'router') stats.delivered(report.acknowledged, report.finishedAt);
        if (report.gaveUp && sourceStream)
          bridgeStats.lost += report.records.length - report.acknowledged.length;
      },
    });
    // Kinesis source: the router, archiver and vector worker on Lambda Kinesis events from kinesalite,
    // each with its own position per shard, as their mappings have on AWS.
    let sourceMapping: LocalEventSourceMapping<KinesisStreamRecord> | undefined;
    if (sourceStream) {
      stats.bridge = () => bridgeStats;
      const kinesisOptions = { deadLetters: kinesisDeadLetters };
      sourceMapping = new LocalEventSourceMapping<KinesisStreamRecord>({
        client: kinesisShardApi(sourceStream.client, sourceStream),
        streamArn: sourceStream.arn,
        startAt: 'trim-horizon',
        idlePollMs: options.idlePollMs ?? 100,
        describeIntervalMs: 2000,
        consumers: [
          {
            name: 'router',
            handler: async (event) =>
              count(
                await processKinesisDynamoDbBatch(event, {
                  ...kinesisOptions,
                  functionName: 'router',
                  outputsFor: outputsFor(['eventbridge', 'kinesis']),
                  sinks: routerSinks,
                }),
              ).response,
          },
          {
            name: 'archiver',
            // The mapping's filter on the record's data; a record that does not convert is the router's
            // poison to dead-letter, never an expiry.
            filter: (record) => {
              const change = changeOf(record);
              return change !== undefined && isExpiryRecord(change, layout.ttlAttribute);
            },
            handler: async (event) =>
              count(
                await processArchiveBatch(event, {
                  pipeline,
                  sink: archiveSink,
                  deadLetters,
                  kinesisDeadLetters,
                }),
              ).response,
          },
          {
            name: 'vector-sync',
            handler: async (event) =>
              count(
                await processKinesisDynamoDbBatch(event, {
                  ...kinesisOptions,
                  functionName: 'vector-sync',
                  outputsFor: outputsFor(['vector']),
                  sinks: vectorSinks,
                }),
              ).response,
          },
        ],
        signal,
        onInvocation: (report) => {
          if (report.consumer !== 'router') return;
          const changes = report.acknowledged.flatMap((record) => {
            const change = changeOf(record);
            return change ? [change] : [];
          });
          stats.delivered(changes, report.finishedAt);
        },
      });
      outputs.source = `${sourceStream.endpoint} stream ${sourceStream.name} (Kinesis Data Streams for DynamoDB format)`;
    }

    const info: DevInfo = {
      endpoint: ddb.endpoint,
      dynamoDbLocalPid: ddb.pid,
      tableName,
      streamArn: table.streamArn,
      layout: layout.name,
      seedTotal,
      expirySweeper: table.needsExpirySweeper,
      source,
      ...(sourceStream
        ? {
            sourceStream: { name: sourceStream.name, arn: sourceStream.arn, endpoint: sourceStream.endpoint },
          }
        : {}),
      outputs,
    };
    options.onReady?.(info);
    const view = () => options.onView?.(stats.snapshot(), info);
    const timer = setInterval(view, options.viewIntervalMs ?? 1000);
    cleanup.push(async () => clearInterval(timer));

    const reading = Promise.all([mapping.run(), sourceMapping?.run()]).then(() => undefined);
    cleanup.push(() => reading.then(() => undefined));
    // DynamoDB Local never expires items of a table with a secondary index (Mastra's): sweep them here.
    const sweeping =
      table.needsExpirySweeper && table.ttlAttribute
        ? runExpirySweeper({
            client: dynamodb,
            tableName,
            ttlAttribute: table.ttlAttribute,
            keyAttributes: layout.sortKey ? [layout.partitionKey, layout.sortKey] : [layout.partitionKey],
            intervalMs: options.expirySweepIntervalMs ?? 5000,
            signal,
            onSweep: options.onExpirySweep,
          })
        : Promise.resolve();
    cleanup.push(() => sweeping.catch(() => undefined));
    const ttlAttribute = layout.ttlAttribute;
    const seeding = stories
      ? runSeeder({
          client: dynamodb,
          tableName,
          writes: seedWrites({ stories, count: seedTotal, seed: options.randomSeed ?? 1 }),
          keyAttributes: layout.sortKey ? [layout.partitionKey, layout.sortKey] : [layout.partitionKey],
          ratePerSecond: options.seedRate ?? 20,
          signal,
          onWrite: (write, key, at) => {
            clock.written(key, at);
            const ttl = ttlAttribute && write.op === 'put' ? Number(write.item[ttlAttribute]) : Number.NaN;
            stats.wrote(ttl * 1000 < at);
          },
        }).catch((error: unknown) => {
          // A write cut short by Ctrl-C is how seeding ends early, not a failure.
          if (signal.aborted) return 0;
          throw error;
        })
      : Promise.resolve(0);
    cleanup.push(() => seeding.then(() => undefined));
    const aborted = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    // A failing reader or seeder ends the session with its error; otherwise run until aborted.
    await Promise.race([
      aborted,
      reading.then(() => aborted),
      seeding.then(() => aborted),
      sweeping.then(() => aborted),
    ]);
    await Promise.all([reading, seeding, sweeping]);
    const snapshot = stats.snapshot();
    options.onView?.(snapshot, info);
    return { info, snapshot };
  } finally {
    await stopAll();
  }
}
