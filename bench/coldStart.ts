/**
 * Cold start (issue 16, goal 2): importing each bundled Lambda (`dist/lambda/<fn>/index.mjs`, what
 * `npm run build` wrote) against importing a minimal bundle of the same AWS clients, the handler a
 * user would write without memory-cdc. Goal: ≤ 1.5× per Lambda.
 *
 * The minimal bundles are built here, in a temporary folder, with the esbuild options of the real
 * ones (`scripts/lambdaBuildOptions.ts`: platform node, ESM, minified, the Lambda target) and no
 * source map. The real bundle is imported as the stack deploys it: its `.map` beside it, source maps
 * enabled only if the functions get `--enable-source-maps` (`LAMBDA_SOURCE_MAPS`: they do not). Each import runs in a fresh
 * `node` child process of the Node the Lambda runtime matches (the `node@22` devDependency, for
 * nodejs22.x), which times `await import(...)` with `performance.now()` and `process.cpuUsage()`;
 * real and minimal alternate (which goes first alternates too), paired runs, and the ratio of each
 * pair gives the median and its p25–p75 spread. `MEMORY_CDC_BENCH_COLD_RUNS` sets the pairs (21);
 * `MEMORY_CDC_BENCH_COLD_NODE_OPTIONS` other NODE_OPTIONS for the real bundle and
 * `MEMORY_CDC_BENCH_COLD_BUNDLES` another folder of bundles (to compare settings and builds).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { LAMBDA_SOURCE_MAPS, type LambdaHandlerName } from '../infra/lambdaBundles.js';
import { LAMBDA_BUILD_OPTIONS } from '../scripts/lambdaBuildOptions.js';
import { quantile } from './childUsage.js';
import type { BenchResult } from './measure.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What each handler needs in its environment to start (a built-in preset, as the stack deploys by default). */
const COMMON_ENV = {
  AWS_REGION: 'us-east-1',
  MEMORY_CDC_LAYOUT: 'agent-memory',
  DEAD_LETTER_BUCKET: 'bench-dead-letters',
  LOG_LEVEL: 'info',
};

interface ColdStartCase {
  name: LambdaHandlerName;
  /** Environment of the real handler, beyond {@link COMMON_ENV}. */
  env: Record<string, string>;
  /** Which clients the minimal bundle holds (for the printout). */
  clients: string;
  /** The minimal handler a user would write with the same clients. */
  baseline: string;
}

const CASES: ColdStartCase[] = [
  {
    name: 'router',
    env: {
      EVENT_BUS_NAME: 'bench-bus',
      CHANGE_LOG_STREAM_NAME: 'bench-changes',
      CLAIM_CHECK_BUCKET: 'bench-claim-checks',
    },
    clients: 'client-eventbridge + client-kinesis + util-dynamodb',
    baseline: `
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { unmarshall } from '@aws-sdk/util-dynamodb';
const eventBridge = new EventBridgeClient({});
const kinesis = new KinesisClient({});
export const handler = async (event) => {
  const entries = [];
  const records = [];
  for (const record of event.Records) {
    const detail = JSON.stringify({
      eventName: record.eventName,
      keys: unmarshall(record.dynamodb.Keys),
      newImage: record.dynamodb.NewImage && unmarshall(record.dynamodb.NewImage, { wrapNumbers: true }),
      oldImage: record.dynamodb.OldImage && unmarshall(record.dynamodb.OldImage, { wrapNumbers: true }),
    });
    entries.push({ Source: 'app', DetailType: record.eventName, Detail: detail, EventBusName: process.env.EVENT_BUS_NAME });
    records.push({ PartitionKey: JSON.stringify(record.dynamodb.Keys), Data: Buffer.from(detail) });
  }
  for (let i = 0; i < entries.length; i += 10)
    await eventBridge.send(new PutEventsCommand({ Entries: entries.slice(i, i + 10) }));
  for (let i = 0; i < records.length; i += 500)
    await kinesis.send(new PutRecordsCommand({ StreamName: process.env.CHANGE_LOG_STREAM_NAME, Records: records.slice(i, i + 500) }));
  return { batchItemFailures: [] };
};
`,
  },
  {
    name: 'archiver',
    env: { ARCHIVE_BUCKET: 'bench-archive' },
    clients: 'client-s3',
    baseline: `
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
const s3 = new S3Client({});
export const handler = async (event) => {
  const lines = event.Records.map((record) => JSON.stringify(record.dynamodb.OldImage)).join('\\n');
  await s3.send(new PutObjectCommand({ Bucket: process.env.ARCHIVE_BUCKET, Key: 'archive/' + Date.now() + '.json.gz', Body: gzipSync(lines) }));
  return { batchItemFailures: [] };
};
`,
  },
  {
    name: 'vector-sync',
    env: { VECTOR_BUCKET_NAME: 'bench-vectors', VECTOR_INDEX_NAME: 'turns' },
    clients: 'client-bedrock-runtime + client-s3vectors + client-s3',
    baseline: `
import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutVectorsCommand, S3VectorsClient } from '@aws-sdk/client-s3vectors';
const bedrock = new BedrockRuntimeClient({});
const vectors = new S3VectorsClient({});
const s3 = new S3Client({});
export const handler = async (event) => {
  for (const record of event.Records) {
    let change = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
    if (change.claimCheck) {
      const object = await s3.send(new GetObjectCommand({ Bucket: change.claimCheck.bucket, Key: change.claimCheck.key }));
      change = JSON.parse(await object.Body.transformToString());
    }
    const answer = await bedrock.send(new InvokeModelCommand({ modelId: 'amazon.titan-embed-text-v2:0', contentType: 'application/json', body: JSON.stringify({ inputText: change.text }) }));
    const { embedding } = JSON.parse(new TextDecoder().decode(answer.body));
    await vectors.send(new PutVectorsCommand({ vectorBucketName: process.env.VECTOR_BUCKET_NAME, indexName: process.env.VECTOR_INDEX_NAME, vectors: [{ key: change.id, data: { float32: embedding } }] }));
  }
  return { batchItemFailures: [] };
};
`,
  },
];

/** Runs in each child: one import, timed from inside, printed as JSON. */
const MEASURE_IMPORT = `
const url = process.argv[2];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await import(url);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, node: process.version }));
`;

/** The Node the Lambda runtime matches: the `node@22` devDependency (nodejs22.x), else this one. */
function lambdaNode(): string {
  const local = join(root, 'node_modules', 'node', 'bin', 'node');
  return existsSync(local) ? local : process.execPath;
}

interface ImportSample {
  ms: number;
  cpuMs: number;
  node: string;
}

function importOnce(
  node: string,
  runner: string,
  bundle: string,
  env: Record<string, string>,
  flags: string[],
) {
  const out = execFileSync(node, [...flags, runner, pathToFileURL(bundle).href], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out) as ImportSample;
}

/** `index.mjs` and all `.mjs` (chunks included) in KiB, and the maps'. */
function sizes(folder: string): string {
  const files = readdirSync(folder, { recursive: true, encoding: 'utf8' });
  const kib = (names: string[]) =>
    Math.round(names.reduce((sum, name) => sum + statSync(join(folder, name)).size, 0) / 1024);
  const code = files.filter((name) => name.endsWith('.mjs'));
  const maps = files.filter((name) => name.endsWith('.map'));
  return `index.mjs ${kib(['index.mjs'])} KiB (${kib(code)} KiB with chunks)${maps.length ? ` + maps ${kib(maps)} KiB` : ''}`;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round1 = (x: number) => Math.round(x * 10) / 10;

export async function benchColdStart(): Promise<BenchResult[]> {
  const runs = Number(process.env.MEMORY_CDC_BENCH_COLD_RUNS ?? 21);
  const node = lambdaNode();
  // As deployed (test/infra pins it), unless MEMORY_CDC_BENCH_COLD_NODE_OPTIONS asks for another setting.
  const deployed: string = LAMBDA_SOURCE_MAPS.enabled ? '--enable-source-maps' : '';
  const nodeOptions = process.env.MEMORY_CDC_BENCH_COLD_NODE_OPTIONS ?? deployed;
  const flags = nodeOptions.split(/\s+/).filter(Boolean);
  // MEMORY_CDC_BENCH_COLD_BUNDLES: another folder of bundles (`<fn>/index.mjs`), e.g. an older build.
  const bundles = process.env.MEMORY_CDC_BENCH_COLD_BUNDLES ?? join(root, 'dist', 'lambda');
  const work = mkdtempSync(join(tmpdir(), 'memory-cdc-cold-start-'));
  const results: BenchResult[] = [];
  try {
    const runner = join(work, 'measureImport.mjs');
    writeFileSync(runner, MEASURE_IMPORT);
    for (const c of CASES) {
      const real = join(bundles, c.name, 'index.mjs');
      if (!existsSync(real)) throw new Error(`${real} is missing: run \`npm run build\` first`);
      const entry = join(work, `${c.name}-baseline.mjs`);
      writeFileSync(entry, c.baseline);
      await build({
        ...LAMBDA_BUILD_OPTIONS,
        entryPoints: { index: entry },
        outdir: join(work, c.name),
        // The entry sits in the temporary folder; the packages are the repository's.
        nodePaths: [join(root, 'node_modules')],
      });
      const baseline = join(work, c.name, 'index.mjs');
      const env = { ...COMMON_ENV, ...c.env };
      // One of each first: file cache warm for both sides alike.
      importOnce(node, runner, real, env, flags);
      importOnce(node, runner, baseline, env, []);
      const realMs: number[] = [];
      const realCpu: number[] = [];
      const baseMs: number[] = [];
      const baseCpu: number[] = [];
      const ratios: number[] = [];
      const cpuRatios: number[] = [];
      let version = '';
      for (let i = 0; i < runs; i++) {
        const pair: ImportSample[] = [];
        if (i % 2 === 0) {
          pair[0] = importOnce(node, runner, real, env, flags);
          pair[1] = importOnce(node, runner, baseline, env, []);
        } else {
          pair[1] = importOnce(node, runner, baseline, env, []);
          pair[0] = importOnce(node, runner, real, env, flags);
        }
        const [r, b] = pair as [ImportSample, ImportSample];
        version = r.node;
        realMs.push(r.ms);
        realCpu.push(r.cpuMs);
        baseMs.push(b.ms);
        baseCpu.push(b.cpuMs);
        ratios.push(r.ms / b.ms);
        cpuRatios.push(r.cpuMs / b.cpuMs);
      }
      console.log(
        `cold-start ${c.name}: Node ${version} ${flags.join(' ') || '(no flags)'}, ${runs} pairs; ` +
          `bundle ${sizes(dirname(real))}, minimal (${c.clients}) ${sizes(dirname(baseline))}; ` +
          `import ms real ${round1(quantile(realMs, 0.5))} (${round1(quantile(realMs, 0.25))}–${round1(quantile(realMs, 0.75))}) ` +
          `vs minimal ${round1(quantile(baseMs, 0.5))} (${round1(quantile(baseMs, 0.25))}–${round1(quantile(baseMs, 0.75))}); ` +
          `ratio ${round2(quantile(ratios, 0.5))}× (p25–p75 ${round2(quantile(ratios, 0.25))}–${round2(quantile(ratios, 0.75))}), ` +
          `CPU ratio ${round2(quantile(cpuRatios, 0.5))}× (${round2(quantile(cpuRatios, 0.25))}–${round2(quantile(cpuRatios, 0.75))})`,
      );
      results.push(
        {
          name: `cold-start ${c.name}: import, real bundle`,
          value: round1(quantile(realMs, 0.5)),
          unit: 'ms',
        },
        {
          name: `cold-start ${c.name}: import, minimal bundle`,
          value: round1(quantile(baseMs, 0.5)),
          unit: 'ms',
        },
        { name: `cold-start ${c.name}: CPU, real bundle`, value: round1(quantile(realCpu, 0.5)), unit: 'ms' },
        {
          name: `cold-start ${c.name}: CPU, minimal bundle`,
          value: round1(quantile(baseCpu, 0.5)),
          unit: 'ms',
        },
        {
          name: `cold-start ${c.name}: import real / minimal (goal ≤ 1.5)`,
          value: round2(quantile(ratios, 0.5)),
          unit: 'x',
        },
        {
          name: `cold-start ${c.name}: CPU real / minimal`,
          value: round2(quantile(cpuRatios, 0.5)),
          unit: 'x',
        },
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}
