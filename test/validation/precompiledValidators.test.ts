/**
 * The validators the Lambda bundles carry precompiled (ajv standalone code generated at build time,
 * `scripts/precompiledValidators.ts`) against the ones the library compiles at run time from the
 * same schemas: same verdict, same errors, same defaults written into the value.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_HANDLERS } from '../../infra/lambdaBundles.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { mastraLayout } from '../../lib/layout/presets/mastra.js';
import { sessionStateLayout } from '../../lib/layout/presets/sessionMemory.js';
import {
  type SchemaValidateFunction,
  type SchemaValidatorSpec,
  schemaValidator,
} from '../../lib/validation/schemaValidator.js';
import { LAMBDA_BUILD_OPTIONS } from '../../scripts/lambdaBuildOptions.js';
import {
  BUNDLED_VALIDATORS,
  precompiledSchemaValidatorModule,
  precompiledValidatorsPlugin,
} from '../../scripts/precompiledValidators.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const goodConfig = { layout: 'agent-memory', deadLetterBucket: 'dead-letters' };
const badConfig = {
  layout: '',
  deadLetterBucket: 'Not_A_Bucket',
  routing: { kinesis: { entities: ['turn', 'nope'], speed: 1 }, sms: {} },
  tableLayouts: { t: 3 },
  logLevel: 'loud',
  deliveryMaxAttempts: 0,
  connectionTimeoutMs: 10,
  surprise: true,
};
const archiveLine = {
  format: 2,
  table: 'agent-memory',
  entity: 'turn',
  ids: { conversationId: 'c1' },
  expiredAt: '2026-01-01T00:00:00.000Z',
  partition: { dt: '2026-01-01', hour: '00' },
  keys: '{}',
  item: '{}',
  plain: '{}',
  eventId: 'e',
  origin: { streamArn: 'arn', eventId: 'e', sequenceNumber: '1' },
};

/** Values to check each bundled validator on, valid and invalid, keyed by validator id. */
const SAMPLES: Record<string, unknown[]> = {
  'router-config': [
    { ...goodConfig, eventBusName: 'bus', changeLogStream: 'log', claimCheckBucket: 'claims' },
    { ...goodConfig, eventBusName: 'bus', changeLogStream: 'log', claimCheckBucket: 'claims', routing: {} },
    badConfig,
    { ...badConfig, eventBusName: '', kinesisMaxRecordBytes: 1 },
    {},
  ],
  'archiver-config': [
    { ...goodConfig, archiveBucket: 'archive' },
    { ...goodConfig, archiveBucket: 'archive', archivePrefix: 'x/' },
    badConfig,
    {},
  ],
  'vector-sync-config': [
    { ...goodConfig, vectorBucketName: 'vectors', vectorIndexName: 'turns' },
    { ...badConfig, vectorBucketName: '', embeddingDimensions: -1 },
    {},
  ],
  layout: [
    agentMemoryLayout,
    mastraLayout,
    sessionStateLayout,
    ...readdirSync(join(ROOT, 'test/fixtures-data/layouts'))
      .filter((file) => file.endsWith('.json'))
      .map((file) => JSON.parse(readFileSync(join(ROOT, 'test/fixtures-data/layouts', file), 'utf8'))),
    {},
    {
      name: 'x',
      partitionKey: 'pk',
      colour: 'red',
      entities: [{ entity: 'run', pk: 'R#{runId}', speed: 1 }],
    },
    {
      name: 'x',
      partitionKey: 'pk',
      entities: [
        { entity: 'run', pk: 'R#{runId}', identifiers: { jobId: 'job', runId: [{ attribute: '' }] } },
        { entity: 'turn', fields: { text: 3, role: { path: 'a' } } },
      ],
    },
  ],
  routing: [
    {},
    { kinesis: { entities: ['turn', 'run'] }, archive: { enabled: false } },
    { kinesis: { entities: 'some' } },
    { eventbridge: { enabled: 'yes', includeNoise: 1, extra: true }, vector: [] },
    { sms: {} },
    [],
  ],
  'archive-line-v1': [{ ...archiveLine, format: undefined, keys: {}, item: {}, plain: {} }, archiveLine, {}],
  'archive-line-v2': [
    archiveLine,
    { ...archiveLine, format: 1 },
    { ...archiveLine, partition: { dt: 1 } },
    7,
  ],
};

const specs = new Map<string, SchemaValidatorSpec>();
for (const name of LAMBDA_HANDLERS) for (const spec of BUNDLED_VALIDATORS[name]) specs.set(spec.id, spec);

let work: string;
let precompiled: (spec: SchemaValidatorSpec) => SchemaValidateFunction;

beforeAll(async () => {
  // The replacement module as a bundle would hold it, with every validator any bundle carries.
  work = mkdtempSync(join(tmpdir(), 'memory-cdc-validators-'));
  await build({
    ...LAMBDA_BUILD_OPTIONS,
    minify: false,
    entryPoints: { validators: join(ROOT, 'lib/validation/schemaValidator.ts') },
    outdir: work,
    plugins: [precompiledValidatorsPlugin(ROOT, [...specs.values()])],
  });
  ({ schemaValidator: precompiled } = await import(pathToFileURL(join(work, 'validators.mjs')).href));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the precompiled validators', () => {
  it('cover every validator a bundle carries with samples', () => {
    expect([...specs.keys()].sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  it.each([...specs.keys()])(
    '%s: accepts, rejects, reports and fills defaults as the runtime-compiled validator does',
    (id) => {
      const spec = specs.get(id)!;
      const atBuild = precompiled(spec);
      const atRun = schemaValidator(spec);
      let rejected = 0;
      for (const sample of SAMPLES[id]!) {
        const a = structuredClone(sample);
        const b = structuredClone(sample);
        const verdict = atRun(a);
        expect(atBuild(b), JSON.stringify(sample)).toBe(verdict);
        expect(atBuild.errors ?? null).toEqual(atRun.errors ?? null);
        expect(b).toEqual(a);
        if (!verdict) rejected++;
      }
      // Every list holds both kinds, so the errors compared are real ones.
      expect(rejected).toBeGreaterThan(0);
      expect(rejected).toBeLessThan(SAMPLES[id]!.length);
    },
  );

  it('fail a validator a bundle does not carry when it is called, naming it', () => {
    const validate = precompiled({ id: 'not-bundled', schema: {}, options: {} });
    expect(() => validate({})).toThrow(/"not-bundled" is not precompiled in this bundle/);
  });

  it('refuse two validators of one name', () => {
    const spec = specs.get('routing')!;
    expect(() => precompiledSchemaValidatorModule([spec, spec])).toThrow(
      /two validators are named "routing"/,
    );
  });

  it('are every SchemaValidatorSpec the library declares', () => {
    const declared = readdirSync(join(ROOT, 'lib'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) =>
        [
          ...readFileSync(join(ROOT, 'lib', file), 'utf8').matchAll(
            /: SchemaValidatorSpec = \{\s*id: '([^']+)'/g,
          ),
        ].map((match) => match[1]!),
      );
    expect(declared.sort()).toEqual([...specs.keys()].sort());
  });
});
