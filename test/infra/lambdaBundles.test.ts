/**
 * How the prebuilt bundles (`npm run build` → dist/lambda) are deployed and how they start: source
 * maps shipped but not enabled (pinned in the template), validators precompiled — a bundle rejects
 * a bad configuration, layout or routing file with the message the library gives.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LambdaHandlerName, lambdaBundleDirectory } from '../../infra/lambdaBundles.js';
import { MemoryCdc } from '../../infra/MemoryCdc.js';
import { loadArchiverConfig } from '../../lib/archive/archiverConfig.js';
import { loadRouterConfig } from '../../lib/config/routerConfig.js';
import { generateFixtures } from '../../lib/fixtures/generateFixtures.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { resolveLayout } from '../../lib/layout/resolveLayout.js';
import type { AttributeMap } from '../../lib/stream/types.js';
import { loadVectorSyncConfig } from '../../lib/vector/vectorSyncConfig.js';
import { startS3rver } from '../support/s3rver.js';
import { logicalIdOf, STREAM_ARN, TABLE_NAME, testApp, testStack } from './support.js';

const execFileAsync = promisify(execFile);

describe('the stack', () => {
  let app: App;
  let template: Template;
  let functions: Record<string, string>;

  beforeAll(() => {
    app = testApp({ bundle: false });
    const stack = testStack(app);
    const cdc = new MemoryCdc(stack, 'MemoryCdc', {
      tableName: TABLE_NAME,
      tableStreamArn: STREAM_ARN,
      readers: 'two',
    });
    template = Template.fromStack(stack);
    functions = {
      router: logicalIdOf(cdc.router),
      archiver: logicalIdOf(cdc.archiver!),
      vectorSync: logicalIdOf(cdc.vectorSync),
    };
  }, 120_000);

  it('deploys every function without NODE_OPTIONS: source maps are not enabled (they cost each cold start)', () => {
    const resources = template.toJSON().Resources;
    for (const [name, id] of Object.entries(functions)) {
      expect(resources[id].Properties.Environment.Variables.NODE_OPTIONS, name).toBeUndefined();
    }
  });

  it("ships each bundle's source maps beside it, narrowed to memory-cdc's own code and without sources", () => {
    const resources = template.toJSON().Resources;
    for (const [name, id] of Object.entries(functions)) {
      const directory = join(app.outdir, resources[id].Metadata['aws:asset:path']);
      // index.mjs: what the handler loads at start; chunks/: what it loads on first use.
      expect(readdirSync(directory).sort(), name).toEqual(['chunks', 'index.mjs', 'index.mjs.map']);
      const files = readdirSync(directory, { recursive: true, encoding: 'utf8' });
      for (const file of files.filter((f) => f.endsWith('.mjs'))) {
        expect(files, file).toContain(`${file}.map`);
        const map = JSON.parse(readFileSync(join(directory, `${file}.map`), 'utf8'));
        expect(map.sourcesContent, file).toBeUndefined();
        for (const source of map.sources) expect(source, file).toMatch(/^(\.\.\/)*(lib|functions)\//);
      }
      const main = JSON.parse(readFileSync(join(directory, 'index.mjs.map'), 'utf8'));
      expect(main.sources.length, name).toBeGreaterThan(20);
      expect(readFileSync(join(directory, 'index.mjs'), 'utf8')).toMatch(
        /\/\/# sourceMappingURL=index\.mjs\.map\s*$/,
      );
    }
  });
});

/** Starts a bundle in a fresh Node process: `function` (the handler's type), or the error it threw. */
async function start(name: LambdaHandlerName, env: Record<string, string>, nodeOptions = '') {
  const bundle = pathToFileURL(join(lambdaBundleDirectory(name), 'index.mjs')).href;
  const script = `try { const m = await import(${JSON.stringify(bundle)}); console.log(JSON.stringify({ handler: typeof m.handler })); } catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message, stack: e.stack })); }`;
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', NODE_OPTIONS: nodeOptions, ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as {
    handler?: string;
    name?: string;
    message?: string;
    stack?: string;
  };
}

/** What the library throws for an environment: its config loader, then the layout resolution. */
function libraryError(
  load: (env: Record<string, string>) => { layout: string },
  env: Record<string, string>,
) {
  try {
    resolveLayout(load(env).layout);
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('the library accepted the environment');
}

const COMMON = { DEAD_LETTER_BUCKET: 'dead-letters', LOG_LEVEL: 'silent' };
const CASES = [
  {
    name: 'router',
    load: loadRouterConfig,
    env: { ...COMMON, EVENT_BUS_NAME: 'bus', CHANGE_LOG_STREAM_NAME: 'log', CLAIM_CHECK_BUCKET: 'claims' },
  },
  { name: 'archiver', load: loadArchiverConfig, env: { ...COMMON, ARCHIVE_BUCKET: 'archive' } },
  {
    name: 'vector-sync',
    load: loadVectorSyncConfig,
    env: { ...COMMON, VECTOR_BUCKET_NAME: 'vectors', VECTOR_INDEX_NAME: 'turns' },
  },
] as const;

const CUSTOM_LAYOUT = JSON.stringify({ ...agentMemoryLayout, name: 'custom' });
const BAD_LAYOUT = JSON.stringify({
  name: 'x',
  partitionKey: 'pk',
  colour: 'red',
  entities: [{ entity: 'run', pk: 'R#{runId}', identifiers: { jobId: 'job' } }],
});

describe.each(CASES)('the $name bundle', ({ name, load, env }) => {
  it('starts with a custom layout and a routing file given inline', async () => {
    const result = await start(name, {
      ...env,
      MEMORY_CDC_LAYOUT: CUSTOM_LAYOUT,
      MEMORY_CDC_ROUTING: '{"kinesis":{"entities":["turn","run"]},"archive":{"includeNoise":false}}',
    });
    expect(result).toEqual({ handler: 'function' });
  });

  it.each([
    ['a bad configuration', { DEAD_LETTER_BUCKET: 'Not_A_Bucket', DELIVERY_MAX_ATTEMPTS: '0' }],
    ['a bad routing file', { MEMORY_CDC_ROUTING: '{"kinesis":{"entities":["nope"]},"sms":{}}' }],
    ['a bad custom layout', { MEMORY_CDC_LAYOUT: BAD_LAYOUT }],
  ])('refuses %s with the message the library gives', async (_, bad) => {
    const environment = { MEMORY_CDC_LAYOUT: 'agent-memory', ...env, ...bad };
    const expected = libraryError(load, environment);
    const { stack: _stack, ...result } = await start(name, environment);
    expect(result).toEqual(expected);
  });
});

describe('a start-up error', () => {
  const env = { ...CASES[0].env, MEMORY_CDC_LAYOUT: 'agent-memory', EVENT_BUS_NAME: '' };

  it('names the variable, and the functions of the stack by their names (keepNames)', async () => {
    const { message, stack } = await start('router', env);
    expect(message).toMatch(/EVENT_BUS_NAME/);
    expect(stack).toMatch(/at loadRouterConfig \(file:.*index\.mjs:\d+:\d+\)/);
  });

  it('names the TypeScript file and line where NODE_OPTIONS=--enable-source-maps is set', async () => {
    const { stack } = await start('router', env, '--enable-source-maps');
    expect(stack).toMatch(/lib\/config\/routerConfig\.ts:\d+/);
  });
});

describe('the router bundle', () => {
  it('loads its S3 client on first use, from its chunk: a poison record is dead-lettered to S3', async () => {
    const s3 = await startS3rver({ buckets: ['dead-letters'] });
    try {
      const [record] = generateFixtures({ count: 1, itemSize: 256, seed: 16 });
      record!.dynamodb!.NewImage = 'not an image' as unknown as AttributeMap;
      const bundle = pathToFileURL(join(lambdaBundleDirectory('router'), 'index.mjs')).href;
      const script = `const { handler } = await import(${JSON.stringify(bundle)});
        const response = await handler(${JSON.stringify({ Records: [record] })}, { getRemainingTimeInMillis: () => 60000 });
        console.log(JSON.stringify(response));`;
      const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], {
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'S3RVER',
          AWS_SECRET_ACCESS_KEY: 'S3RVER',
          AWS_ENDPOINT_URL_S3: s3.endpoint,
          ...CASES[0].env,
          MEMORY_CDC_LAYOUT: 'agent-memory',
          DEAD_LETTER_BUCKET: 'dead-letters',
          POWERTOOLS_METRICS_DISABLED: 'true',
        },
        timeout: 60_000,
      });
      expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({ batchItemFailures: [] });
      const listed = await s3.client().send(new ListObjectsV2Command({ Bucket: 'dead-letters' }));
      expect(listed.Contents?.map((object) => object.Key)).toEqual([
        expect.stringMatching(/^dead-letter\/router\//),
      ]);
    } finally {
      await s3.close();
    }
  });
});
