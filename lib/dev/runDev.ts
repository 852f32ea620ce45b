/**
 * `memory-cdc dev`: DynamoDB Local with a memory table, an optional seeder writing realistic items,
 * and the stream consumed the way the deployed stack consumes it — the router's and the archiver's
 * batch processors (the code inside the Lambdas' handlers) behind a local event source mapping —
 * into local sinks, or into kinesalite and s3rver with `emulators`.
 */
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { isExpiryRecord, processArchiveBatch } from '../archive/processArchiveBatch.js';
import { processStreamBatch } from '../delivery/processStreamBatch.js';
import { S3DeadLetterStore } from '../delivery/S3DeadLetterStore.js';
import type { DeadLetterStore } from '../delivery/types.js';
import type { Layout } from '../layout/types.js';
import { createPipeline } from '../pipeline/createPipeline.js';
import type { PartialRouting, RoutedOutput, SinkName } from '../routing/types.js';
import type { ArchiveSink } from '../sinks/archive/ArchiveSink.js';
import { LocalArchiveSink } from '../sinks/archive/LocalArchiveSink.js';
import { S3ArchiveSink } from '../sinks/archive/S3ArchiveSink.js';
import { S3ClaimCheckStore } from '../sinks/claimCheck/S3ClaimCheckStore.js';
import { KinesisPublisher } from '../sinks/kinesis/KinesisPublisher.js';
import type { Sink } from '../sinks/types.js';
import type { StreamRecord } from '../stream/types.js';
import { createMemoryTable } from './createMemoryTable.js';
import { type DevSnapshot, DevStats } from './DevStats.js';
import { LocalDeadLetterStore } from './LocalDeadLetterStore.js';
import { LocalEventSourceMapping, type StreamConsumer } from './LocalEventSourceMapping.js';
import { runSeeder } from './seed/runSeeder.js';
import { type SeedKeyForm, seedWrites, storiesFor } from './seed/seedWrites.js';
import { DiscardSink } from './sinks/DiscardSink.js';
import { JsonLinesSink } from './sinks/JsonLinesSink.js';
import { ObservedSink } from './sinks/ObservedSink.js';
import { type DynamoDbLocal, startDynamoDbLocal } from './startDynamoDbLocal.js';
import { type Emulators, startEmulators } from './startEmulators.js';
import { type ExpirySweep, runExpirySweeper } from './sweepExpiredItems.js';
import { WriteClock } from './WriteClock.js';

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
  /** Local files, or emulator endpoints. */
  outputs: Record<string, string>;
}

/** What a dev session did. */
export interface DevResult {
  info: DevInfo;
  snapshot: DevSnapshot;
}

const CHANGE_LOG_STREAM = 'memory-changes';
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

    if (options.emulators) options.onStep?.('starting kinesalite and s3rver');
    const emulators: Emulators | undefined = options.emulators
      ? await startEmulators({
          streamName: CHANGE_LOG_STREAM,
          bucket: BUCKET,
          s3Directory: join(options.outDir, 's3'),
        })
      : undefined;
    if (emulators) cleanup.push(() => emulators.stop());

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
    const outputs: Record<string, string> = { eventbridge: events.file };
    if (emulators) {
      const claimCheck = new S3ClaimCheckStore({ client: emulators.s3, bucket: BUCKET });
      changeLog = new KinesisPublisher({ client: emulators.kinesis, stream: CHANGE_LOG_STREAM, claimCheck });
      archive = new S3ArchiveSink({ client: emulators.s3, bucket: BUCKET });
      deadLetters = new S3DeadLetterStore({ client: emulators.s3, bucket: BUCKET });
      outputs.kinesis = `${emulators.kinesisEndpoint} stream ${CHANGE_LOG_STREAM}`;
      outputs.s3 = `${emulators.s3Endpoint} bucket ${BUCKET} (archive/, claim-check/, dead-letter/)`;
    } else {
      const kinesisFile = await JsonLinesSink.open('kinesis', join(options.outDir, 'kinesis.jsonl'));
      cleanup.push(() => kinesisFile.close());
      changeLog = kinesisFile;
      archive = new LocalArchiveSink({ cwd: options.outDir, folder: 'archive', flush: 'deliver' });
      const local = new LocalDeadLetterStore(options.outDir);
      deadLetters = local;
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
    const consumers: StreamConsumer[] = [
      {
        name: 'router',
        handler: async (event) =>
          count(
            await processStreamBatch(event, {
              functionName: 'router',
              outputsFor: outputsFor(['eventbridge', 'kinesis']),
              sinks: routerSinks,
              deadLetters,
            }),
          ).response,
      },
      {
        name: 'archiver',
        filter: (record) => isExpiryRecord(record, layout.ttlAttribute),
        handler: async (event) =>
          count(await processArchiveBatch(event, { pipeline, sink: archiveSink, deadLetters })).response,
      },
      {
        name: 'vector-sync',
        handler: async (event) =>
          count(
            await processStreamBatch(event, {
              functionName: 'vector-sync',
              outputsFor: outputsFor(['vector']),
              sinks: vectorSinks,
              deadLetters,
            }),
          ).response,
      },
    ];
    const mapping = new LocalEventSourceMapping({
      client: streams,
      streamArn: table.streamArn,
      startAt: 'trim-horizon',
      idlePollMs: options.idlePollMs ?? 100,
      describeIntervalMs: 2000,
      consumers,
      signal,
      onRead: (_shard, records) => stats.readRecords(records),
      onInvocation: (report) => {
        if (report.consumer === 'router') stats.delivered(report.acknowledged, report.finishedAt);
      },
    });

    const info: DevInfo = {
      endpoint: ddb.endpoint,
      dynamoDbLocalPid: ddb.pid,
      tableName,
      streamArn: table.streamArn,
      layout: layout.name,
      seedTotal,
      expirySweeper: table.needsExpirySweeper,
      outputs,
    };
    options.onReady?.(info);
    const view = () => options.onView?.(stats.snapshot(), info);
    const timer = setInterval(view, options.viewIntervalMs ?? 1000);
    cleanup.push(async () => clearInterval(timer));

    const reading = mapping.run();
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
