/**
 * The router's delivery: API calls per 1,000 events for each sink next to the packing bound, and
 * the peak memory of one 6 MB batch (the largest payload Lambda passes a function).
 *
 * Calls are counted on the wire: the real handler sends to the local PutEvents endpoint, to
 * kinesalite and to s3rver (the latter two through the test fault proxy, used without faults as a
 * request counter). Packing bounds: PutEvents takes 10 entries per request. The change log carries a
 * key's consecutive changes in one record (format 2) and never two records of one key in a request,
 * so its goal (issue 16) is ceil(distinct partition keys / 500) requests per batch plus the splits the
 * byte limits force (5 MiB a request, 1 MiB a record) — printed for the realistic mix, for distinct
 * keys and for one hot conversation of 100 records (before format 2: 100 requests).
 *
 * Memory is measured in a child process that runs only the handler (the endpoints stay here), so
 * its peak RSS is what Lambda would report as "Max Memory Used".
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RouterConfig } from '../lib/config/routerConfig.js';
import { loadRouterConfig } from '../lib/config/routerConfig.js';
import { generateFixtures } from '../lib/fixtures/generateFixtures.js';
import { agentMemoryLayout } from '../lib/layout/presets/agentMemory.js';
import { DeliveryTelemetry } from '../lib/observability/DeliveryTelemetry.js';
import { createPipeline } from '../lib/pipeline/createPipeline.js';
import { resolveRouting } from '../lib/routing/defaultRouting.js';
import type { KinesisOutput } from '../lib/routing/types.js';
import { KinesisPublisher } from '../lib/sinks/kinesis/KinesisPublisher.js';
import { DEFAULT_KINESIS_MAX_REQUEST_BYTES } from '../lib/sinks/kinesis/limits.js';
import type { StreamRecord } from '../lib/stream/types.js';
import { hotConversation } from '../test/scale/hotConversation.js';
import { startEventBridgeEndpoint } from '../test/support/eventBridgeEndpoint.js';
import { startFaultProxy } from '../test/support/faultProxy.js';
import { type KinesaliteHandle, startKinesalite } from '../test/support/kinesalite.js';
import { createS3rverClient, startS3rver } from '../test/support/s3rver.js';
import type { BenchResult } from './measure.js';

const STREAM = 'bench-changes';
const PUT_RECORDS = 'Kinesis_20131202.PutRecords';
const LAMBDA_PAYLOAD_LIMIT = 6 * 1024 * 1024;
const ENV = {
  MEMORY_CDC_LAYOUT: 'agent-memory',
  EVENT_BUS_NAME: 'bench-bus',
  CHANGE_LOG_STREAM_NAME: STREAM,
  CLAIM_CHECK_BUCKET: 'bench-claim-checks',
  DEAD_LETTER_BUCKET: 'bench-dead-letters',
  LOG_LEVEL: 'silent',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

/** Endpoints of the local services, handed to the memory child. */
interface Endpoints {
  eventBridge: string;
  kinesis: string;
  s3: string;
}

/** The router handler with clients pointed at the local endpoints. */
async function localHandler(config: RouterConfig, endpoints: Endpoints) {
  Object.assign(process.env, ENV);
  const { createRouterHandler } = await import('../lib/delivery/createRouterHandler.js');
  const { EventBridgeClient } = await import('@aws-sdk/client-eventbridge');
  const { KinesisClient } = await import('@aws-sdk/client-kinesis');
  const { NodeHttpHandler } = await import('@smithy/node-http-handler');
  const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
  return createRouterHandler(config, {
    clients: {
      eventBridge: new EventBridgeClient({
        endpoint: endpoints.eventBridge,
        region: 'us-east-1',
        credentials,
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler(),
      }),
      kinesis: new KinesisClient({
        endpoint: endpoints.kinesis,
        region: 'us-east-1',
        credentials,
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler(),
      }),
      s3: createS3rverClient(endpoints.s3, { maxAttempts: 1 }),
    },
  });
}

/** Bytes of the stream's records as Kinesis counts them (partition key and data). */
async function changeLogBytes(kinesis: KinesaliteHandle, stream: string): Promise<number> {
  const records = await kinesis.readStream(stream);
  return records.reduce((n, r) => n + Buffer.byteLength(r.partitionKey) + Buffer.byteLength(r.data), 0);
}

/** Records of the generator's realistic mix whose Lambda event stays under 6 MB. */
function sixMegabyteBatch(): StreamRecord[] {
  const records = generateFixtures({ count: 6_000, itemSize: 1024, seed: 6 });
  let size = Buffer.byteLength(JSON.stringify({ Records: records }));
  while (size > LAMBDA_PAYLOAD_LIMIT) {
    const dropped = records.pop()!;
    size -= Buffer.byteLength(JSON.stringify(dropped)) + 1;
  }
  return records;
}

/**
 * Child process: reads the 6 MB event from `file` (as the Lambda runtime receives a payload) and
 * runs it through a warm handler. Peak RSS is the process's lifetime maximum, as Lambda reports.
 */
async function memoryChild(endpoints: Endpoints, file: string): Promise<void> {
  const handler = await localHandler(loadRouterConfig({ ...process.env, ...ENV }), endpoints);
  // Warm the clients and code paths first, as in a warm container.
  const warmUp = generateFixtures({ count: 20, itemSize: 1024, seed: 9 });
  await handler({ Records: warmUp }, { getRemainingTimeInMillis: () => 600_000 });
  global.gc?.();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 5);
  const started = performance.now();
  const text = await readFile(file, 'utf8');
  const event = JSON.parse(text) as { Records: StreamRecord[] };
  const response = await handler(event, { getRemainingTimeInMillis: () => 600_000 });
  const ms = performance.now() - started;
  clearInterval(sampler);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  process.stdout.write(
    `${JSON.stringify({
      records: event.Records.length,
      bytes: Buffer.byteLength(text),
      failures: response.batchItemFailures.length,
      ms,
      baselineRss: before.rss,
      peakRss: process.resourceUsage().maxRSS * 1024,
      peakHeap,
    })}\n`,
  );
}

/** Runs {@link memoryChild} in a fresh Node process and returns what it printed. */
function runMemoryChild(endpoints: Endpoints, file: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--memory-child',
        JSON.stringify(endpoints),
        file,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...ENV } },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`memory child exited ${code}: ${out}`));
      else resolve(JSON.parse(line));
    });
  });
}

/** The delivery benchmarks. */
export async function benchDelivery(): Promise<BenchResult[]> {
  const bus = await startEventBridgeEndpoint({ maxRequestBytes: 1_000_000 });
  const kinesis = await startKinesalite();
  await kinesis.createStream(STREAM, 4);
  const kinesisCounter = await startFaultProxy({ target: kinesis.endpoint });
  const s3 = await startS3rver({ buckets: [ENV.CLAIM_CHECK_BUCKET, ENV.DEAD_LETTER_BUCKET] });
  const endpoints = { eventBridge: bus.url, kinesis: kinesisCounter.url, s3: s3.endpoint };
  const results: BenchResult[] = [];
  try {
    // 1. One batch of 1,000 realistic records (the generator's mix, ~512-byte items).
    const records = generateFixtures({ count: 1_000, itemSize: 512, seed: 4 });
    const routing = resolveRouting();
    const pipeline = createPipeline({
      layout: agentMemoryLayout,
      routing: {
        ...routing,
        archive: { ...routing.archive, enabled: false },
        vector: { ...routing.vector, enabled: false },
      },
    });
    let ebOutputs = 0;
    const perKey = new Map<string, number>();
    for (const record of records) {
      for (const output of pipeline.process(record).outputs) {
        if (output.sink === 'eventbridge') ebOutputs++;
        else if (output.sink === 'kinesis') {
          perKey.set(output.payload.PartitionKey, (perKey.get(output.payload.PartitionKey) ?? 0) + 1);
        }
      }
    }
    const kinesisOutputs = [...perKey.values()].reduce((a, b) => a + b, 0);
    const handler = await localHandler(loadRouterConfig(ENV), endpoints);
    const response = await handler({ Records: records }, { getRemainingTimeInMillis: () => 600_000 });
    if (response.batchItemFailures.length > 0) throw new Error('bench batch was not fully delivered');
    const ebCalls = bus.log.length;
    const kinesisCalls = kinesisCounter.log.filter((e) => e.target === PUT_RECORDS).length;
    const per1000 = (calls: number, events: number) => Math.round((calls / events) * 1000 * 10) / 10;
    const goalBound = (keys: number, bytes: number) =>
      Math.ceil(keys / 500) + Math.max(0, Math.ceil(bytes / DEFAULT_KINESIS_MAX_REQUEST_BYTES) - 1);
    const changeBytes = await changeLogBytes(kinesis, STREAM);
    results.push(
      {
        name: 'delivery: PutEvents calls per 1,000 events (1,000-record batch)',
        value: per1000(ebCalls, ebOutputs),
        unit: 'calls',
      },
      {
        name: 'delivery: PutEvents packing bound per 1,000 events',
        value: per1000(Math.ceil(ebOutputs / 10), ebOutputs),
        unit: 'calls',
      },
      {
        name: 'delivery: PutRecords calls per 1,000 events (1,000-record batch)',
        value: per1000(kinesisCalls, kinesisOutputs),
        unit: 'calls',
      },
      {
        name: `delivery: PutRecords calls per batch, 1,000 records (${perKey.size} keys, goal ≤ ${goalBound(perKey.size, changeBytes)})`,
        value: kinesisCalls,
        unit: 'calls',
      },
      {
        name: 'delivery: PutRecords bound per 1,000 events at one change a record (500/request)',
        value: per1000(Math.ceil(kinesisOutputs / 500), kinesisOutputs),
        unit: 'calls',
      },
    );

    // 2. 1,000 records of 1,000 distinct partition keys: the 500-per-request bound is reachable.
    const telemetry = new DeliveryTelemetry();
    const publisher = new KinesisPublisher({
      client: kinesis.client({ maxAttempts: 1 }),
      stream: STREAM,
      telemetry,
    });
    const distinct: KinesisOutput[] = records.slice(0, 1_000).flatMap((record, n) =>
      pipeline
        .process(record)
        .outputs.filter((o): o is KinesisOutput => o.sink === 'kinesis')
        .map((o) => ({ ...o, payload: { ...o.payload, PartitionKey: `key-${n}` } })),
    );
    await publisher.deliver(distinct);
    results.push({
      name: `delivery: PutRecords calls per batch, ${distinct.length} distinct keys (goal ≤ ${Math.ceil(distinct.length / 500)})`,
      value: telemetry.snapshot().kinesis?.requests ?? 0,
      unit: 'calls',
    });

    // 3. One hot conversation: 100 turn inserts of one partition key through the real handler.
    const callsBefore = kinesisCounter.log.filter((e) => e.target === PUT_RECORDS).length;
    const hot = await handler({ Records: hotConversation(100) }, { getRemainingTimeInMillis: () => 600_000 });
    if (hot.batchItemFailures.length > 0) throw new Error('hot batch was not fully delivered');
    results.push({
      name: 'delivery: PutRecords calls per batch, one hot conversation of 100 records (goal ≤ 1; was 100)',
      value: kinesisCounter.log.filter((e) => e.target === PUT_RECORDS).length - callsBefore,
      unit: 'calls',
    });

    // 4. Peak memory of a 6 MB batch, in a process of its own.
    const folder = await mkdtemp(join(tmpdir(), 'bench-delivery-'));
    const file = join(folder, 'event.json');
    await writeFile(file, JSON.stringify({ Records: sixMegabyteBatch() }));
    const memory = await runMemoryChild(endpoints, file).finally(() =>
      rm(folder, { recursive: true, force: true }),
    );
    const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    results.push(
      {
        name: `delivery: 6 MB batch: records (${mb(memory.bytes!)} MB event)`,
        value: memory.records!,
        unit: 'records',
      },
      {
        name: 'delivery: 6 MB batch: peak RSS (process lifetime, as Lambda reports)',
        value: mb(memory.peakRss!),
        unit: 'MB',
      },
      {
        name: 'delivery: 6 MB batch: RSS before the batch (warm container)',
        value: mb(memory.baselineRss!),
        unit: 'MB',
      },
      { name: 'delivery: 6 MB batch: peak heap used', value: mb(memory.peakHeap!), unit: 'MB' },
      {
        name: 'delivery: 6 MB batch: handler time (local endpoints)',
        value: Math.round(memory.ms!),
        unit: 'ms',
      },
    );
    if (memory.failures) throw new Error(`6 MB batch reported ${memory.failures} failures`);
  } finally {
    await bus.close();
    await kinesisCounter.close();
    await kinesis.close();
    await s3.close();
  }
  return results;
}

if (process.argv[2] === '--memory-child') {
  await memoryChild(JSON.parse(process.argv[3]!) as Endpoints, process.argv[4]!);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await benchDelivery())
    console.log(`${r.name.padEnd(72)} ${String(r.value).padStart(10)} ${r.unit}`);
}
