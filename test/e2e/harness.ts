/**
 * The end-to-end harness: DynamoDB Local (Streams and TTL, from the npm package, on a free port),
 * kinesalite, s3rver and the PutEvents test endpoint, all started by the tests themselves; the
 * router and archiver Lambdas' real handlers built against them; and a local event source mapping
 * that reads a table's real stream and invokes the handlers with Lambda-shaped batches.
 *
 * Every process and server is stopped by `close()` (call it in `afterAll`); DynamoDB Local's Java
 * process is also killed by an exit hook if the test process ends without it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { pino } from 'pino';
import { createArchiverHandler } from '../../lib/archive/createArchiverHandler.js';
import { isExpiryRecord } from '../../lib/archive/processArchiveBatch.js';
import type { MemoryEventDetail } from '../../lib/catalog/types.js';
import { loadRouterConfig } from '../../lib/config/routerConfig.js';
import { createMemoryTable, type MemoryTable } from '../../lib/dev/createMemoryTable.js';
import {
  type InvocationReport,
  LocalEventSourceMapping,
  type StreamConsumer,
} from '../../lib/dev/LocalEventSourceMapping.js';
import { runSeeder } from '../../lib/dev/seed/runSeeder.js';
import type { SeedWrite } from '../../lib/dev/seed/types.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../lib/dev/startDynamoDbLocal.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import type { Layout } from '../../lib/layout/types.js';
import type { StreamEvent, StreamRecord } from '../../lib/stream/types.js';
import { changesOf } from '../support/changesOf.js';
import { type EventBridgeEndpoint, startEventBridgeEndpoint } from '../support/eventBridgeEndpoint.js';
import { type KinesaliteHandle, startKinesalite } from '../support/kinesalite.js';
import { type S3rverHandle, startS3rver } from '../support/s3rver.js';

export const BUCKETS = {
  archive: 'e2e-archive',
  deadLetters: 'e2e-dead-letters',
  claimChecks: 'e2e-claim-checks',
};
export const CHANGE_LOG = 'memory-changes';
export const EVENT_BUS = 'memory-bus';

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A consumer's handler, with an optional transformation of each batch before it (to inject poison). */
type Handler = (event: StreamEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

/** A running mapping over one table's stream. */
export interface Pump {
  /** Every record read from the stream, in read order. */
  readonly read: StreamRecord[];
  /** Every invocation of every consumer. */
  readonly invocations: InvocationReport[];
  /** Stops reading and waits for the batch in flight. */
  stop(): Promise<void>;
}

/** Everything the end-to-end tests run against. */
export interface Harness {
  ddb: DynamoDbLocal;
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  kinesis: KinesaliteHandle;
  s3: S3rverHandle;
  bus: EventBridgeEndpoint;
  /** The router Lambda's handler (lib/delivery/createRouterHandler.ts), wired to the emulators. */
  router: Handler;
  /** The archiver Lambda's handler (lib/archive/createArchiverHandler.ts), wired to s3rver. */
  archiver: Handler;
  /**
   * Creates a table with a NEW_AND_OLD_IMAGES stream and TTL, keyed as the layout says.
   * @default layout agent-memory (`pk`/`sk`, TTL on `expires_at`)
   */
  createTable(name: string, layout?: Layout): Promise<MemoryTable>;
  /** Writes through the SDK (PutItem/UpdateItem/DeleteItem), in order. @default keys `pk`/`sk` */
  write(table: string, writes: Iterable<SeedWrite>, keyAttributes?: readonly string[]): Promise<number>;
  /**
   * Starts a local event source mapping on the table's stream with the router and the archiver
   * (filtered to TTL expiries, as the deployed mapping is). `transform` changes batches on their
   * way to the router (to inject a corrupt record).
   */
  pump(
    table: MemoryTable,
    options?: {
      transform?: (record: StreamRecord) => StreamRecord;
      /** `one`: the router alone reads the stream and writes the archive (under `archive-one-reader/`). @default 'two' */
      readers?: 'one' | 'two';
    },
  ): Pump;
  /** Change-log records of a table, decoded, in shard order. */
  changeLog(table: string): Promise<{ partitionKey: string; shardId: string; detail: MemoryEventDetail }[]>;
  /** EventBridge events the bus accepted for a table. */
  events(table: string): { detailType: string; detail: MemoryEventDetail }[];
  close(): Promise<void>;
}

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  /** Environment variables of the router and the archiver on top of the defaults (e.g. MEMORY_CDC_TABLE_LAYOUTS). */
  env?: Record<string, string>;
}

/** Starts everything. Call in `beforeAll`; call `close()` in `afterAll`. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    const errors: unknown[] = [];
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length) throw new AggregateError(errors, 'harness did not close cleanly');
  };
  try {
    /** Registers a started service's closer as soon as it is up, so a later failure still stops it. */
    const started = <T>(handle: T, closer: (handle: T) => Promise<void>): T => {
      closers.push(() => closer(handle));
      return handle;
    };
    const [ddb, kinesis, s3, bus] = await Promise.all([
      startDynamoDbLocal().then((d) => started(d, (x) => x.stop())),
      startKinesalite().then((k) => started(k, (x) => x.close())),
      startS3rver({ buckets: Object.values(BUCKETS) }).then((x) => started(x, (y) => y.close())),
      startEventBridgeEndpoint().then((b) => started(b, (x) => x.close())),
    ]);
    await kinesis.createStream(CHANGE_LOG, 2);
    const clientConfig = { endpoint: ddb.endpoint, region: ddb.region, credentials: ddb.credentials };
    const dynamodb = new DynamoDBClient(clientConfig);
    const streams = new DynamoDBStreamsClient({ ...clientConfig, maxAttempts: 1 });
    closers.push(async () => {
      dynamodb.destroy();
      streams.destroy();
    });

    const env = {
      MEMORY_CDC_LAYOUT: 'agent-memory',
      EVENT_BUS_NAME: EVENT_BUS,
      CHANGE_LOG_STREAM_NAME: CHANGE_LOG,
      CLAIM_CHECK_BUCKET: BUCKETS.claimChecks,
      DEAD_LETTER_BUCKET: BUCKETS.deadLetters,
      ARCHIVE_BUCKET: BUCKETS.archive,
      // The 256 KB PutEvents limit some regions still have: large items take the claim-check path.
      EVENTBRIDGE_MAX_REQUEST_BYTES: '262144',
      LOG_LEVEL: 'silent',
      ...options.env,
    };
    // The environment the function runs with (the SDK clients read their region from it).
    Object.assign(process.env, env, { AWS_REGION: 'us-east-1', POWERTOOLS_METRICS_DISABLED: 'true' });
    const { createRouterHandler } = await import('../../lib/delivery/createRouterHandler.js');
    const silent = pino({ level: 'silent' });
    // Two-reader layout: the router leaves the archive to the archiver (no ARCHIVE_BUCKET).
    const { ARCHIVE_BUCKET: _archiveBucket, ...routerEnv } = env;
    const router = createRouterHandler(loadRouterConfig(routerEnv), {
      clients: {
        eventBridge: bus.client({ maxAttempts: 1 }),
        kinesis: kinesis.client({ maxAttempts: 1 }),
        s3: s3.client({ maxAttempts: 1 }),
      },
      retry: { baseDelayMs: 20, maxDelayMs: 200 },
      logger: silent,
    }) as Handler;
    // The one-reader layout's router: the same handler with the archive bucket set.
    const oneReaderRouter = createRouterHandler(
      loadRouterConfig({ ...env, ARCHIVE_PREFIX: 'archive-one-reader/' }),
      {
        clients: {
          eventBridge: bus.client({ maxAttempts: 1 }),
          kinesis: kinesis.client({ maxAttempts: 1 }),
          s3: s3.client({ maxAttempts: 1 }),
        },
        retry: { baseDelayMs: 20, maxDelayMs: 200 },
        logger: silent,
      },
    ) as Handler;
    const archiver = createArchiverHandler(env, {
      s3Client: s3.client({ maxAttempts: 1 }),
      logger: silent,
      metrics: null,
    }) as Handler;

    return {
      ddb,
      dynamodb,
      streams,
      kinesis,
      s3,
      bus,
      router,
      archiver,
      createTable: (name, layout = agentMemoryLayout) =>
        createMemoryTable(dynamodb, { tableName: name, layout }),
      write: (table, writes, keyAttributes = ['pk', 'sk']) =>
        runSeeder({ client: dynamodb, tableName: table, writes, keyAttributes }),
      pump(table, options = {}) {
        const controller = new AbortController();
        const read: StreamRecord[] = [];
        const invocations: InvocationReport[] = [];
        const transform = options.transform;
        const consumers: StreamConsumer[] =
          options.readers === 'one'
            ? [{ name: 'router', handler: (event) => oneReaderRouter(event) }]
            : [
                {
                  name: 'router',
                  handler: (event) => router(transform ? { Records: event.Records.map(transform) } : event),
                },
                { name: 'archiver', filter: isExpiryRecord, handler: (event) => archiver(event) },
              ];
        const mapping = new LocalEventSourceMapping({
          client: streams,
          streamArn: table.streamArn,
          startAt: 'trim-horizon',
          idlePollMs: 100,
          consumers,
          signal: controller.signal,
          retryBackoff: { baseMs: 20, maxMs: 200 },
          onRead: (_shard, records) => read.push(...records),
          onInvocation: (report) => invocations.push(report),
        });
        const running = mapping.run();
        closers.push(async () => {
          controller.abort();
          await running.catch(() => undefined);
        });
        return {
          read,
          invocations,
          async stop() {
            controller.abort();
            await running;
          },
        };
      },
      async changeLog(table) {
        const records = changesOf(await kinesis.readStream(CHANGE_LOG));
        return records
          .map((r) => ({
            partitionKey: r.partitionKey,
            shardId: r.shardId,
            detail: JSON.parse(r.data) as MemoryEventDetail,
          }))
          .filter((r) => r.detail.origin.table === table);
      },
      events(table) {
        return bus.accepted
          .map((e) => ({ detailType: e.detailType, detail: e.detail as unknown as MemoryEventDetail }))
          .filter((e) => e.detail.origin?.table === table);
      },
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
