/**
 * Every JSON Schema check the Lambda bundles run, precompiled when they are built: ajv's standalone
 * code (the validation function ajv would compile at run time, written out as JavaScript) generated
 * from each spec's schema and options, and an esbuild plugin that puts it in place of
 * `lib/validation/schemaValidator.ts`. A function's start then neither loads nor runs ajv's
 * compiler (it was ~130–160 ms of a ~400 ms router import), and validates exactly as under Node.
 *
 * A validator a bundle lacks fails when called, with an error naming it; the bundle tests
 * (`test/validation/lambdaBundles.test.ts`) start each bundle with presets, with a custom layout
 * and routing, and with bad ones, and `test/validation/precompiledValidators.test.ts` checks that
 * the generated code accepts and rejects as the runtime-compiled validator does, errors included.
 */
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import type { Plugin } from 'esbuild';
import type { LambdaHandlerName } from '../infra/lambdaBundles.js';
import { ARCHIVE_LINE_V1_VALIDATOR, ARCHIVE_LINE_V2_VALIDATOR } from '../lib/archive/archiveLine.js';
import { ARCHIVER_CONFIG_VALIDATOR } from '../lib/archive/archiverConfig.js';
import { ROUTER_CONFIG_VALIDATOR } from '../lib/config/routerConfig.js';
import { LAYOUT_VALIDATOR } from '../lib/layout/resolveLayout.js';
import { ROUTING_VALIDATOR } from '../lib/routing/routingSchema.js';
import type { SchemaValidatorSpec } from '../lib/validation/schemaValidator.js';
import { VECTOR_SYNC_CONFIG_VALIDATOR } from '../lib/vector/vectorSyncConfig.js';

const EVERY_BUNDLE = [LAYOUT_VALIDATOR, ROUTING_VALIDATOR] as const;
const ARCHIVE_LINES = [ARCHIVE_LINE_V1_VALIDATOR, ARCHIVE_LINE_V2_VALIDATOR] as const;

/**
 * The validators each Lambda bundle carries precompiled: its configuration's, a custom layout's
 * and a routing file's, and the archive lines' where the archive code is bundled.
 */
export const BUNDLED_VALIDATORS: Readonly<Record<LambdaHandlerName, readonly SchemaValidatorSpec[]>> = {
  router: [ROUTER_CONFIG_VALIDATOR, ...EVERY_BUNDLE, ...ARCHIVE_LINES],
  archiver: [ARCHIVER_CONFIG_VALIDATOR, ...EVERY_BUNDLE, ...ARCHIVE_LINES],
  'vector-sync': [VECTOR_SYNC_CONFIG_VALIDATOR, ...EVERY_BUNDLE],
};

/**
 * One validator as an ES module (`export const validate`): ajv's standalone code for the spec's
 * schema, compiled with the spec's options. Its run-time helpers (`ajv/dist/runtime/*`, small)
 * are `require`d and bundled by esbuild.
 */
export function standaloneValidatorModule(spec: SchemaValidatorSpec): string {
  const ajv = new Ajv({ ...spec.options, code: { ...spec.options.code, source: true, esm: true } });
  // CommonJS: `module.exports` is the function and carries itself as `default`.
  return standalone.default(ajv, ajv.compile(spec.schema));
}

/** The module that replaces `lib/validation/schemaValidator.ts` in a bundle. */
export function precompiledSchemaValidatorModule(specs: readonly SchemaValidatorSpec[]): string {
  const ids = specs.map((spec) => spec.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) throw new Error(`two validators are named ${JSON.stringify(duplicate)}`);
  return [
    ...ids.map((id, i) => `import { validate as v${i} } from ${JSON.stringify(`${VALIDATOR_PREFIX}${id}`)};`),
    `const PRECOMPILED = { ${ids.map((id, i) => `${JSON.stringify(id)}: v${i}`).join(', ')} };`,
    // A validator this bundle does not carry fails when it is called, naming itself: modules bundled
    // for their other exports (the router's copy of the archiver's configuration) create theirs unused.
    'export function schemaValidator(spec) {',
    '  const validate = PRECOMPILED[spec.id];',
    '  if (validate !== undefined) return validate;',
    '  return () => {',
    "    throw new Error('the validator ' + JSON.stringify(spec.id) + ' is not precompiled in this bundle (BUNDLED_VALIDATORS in scripts/precompiledValidators.ts)');",
    '  };',
    '}',
    '',
  ].join('\n');
}

const VALIDATOR_PREFIX = 'memory-cdc-validator:';
const NAMESPACE = 'memory-cdc-precompiled';
const SCHEMA_VALIDATOR_SOURCE = fileURLToPath(
  new URL('../lib/validation/schemaValidator.ts', import.meta.url),
);

/**
 * esbuild plugin: `lib/validation/schemaValidator.ts` becomes the precompiled validators of
 * `specs`, so the bundle carries no ajv compiler.
 * @param resolveDir where the generated code's `require('ajv/dist/runtime/…')` resolves from
 */
export function precompiledValidatorsPlugin(
  resolveDir: string,
  specs: readonly SchemaValidatorSpec[],
): Plugin {
  const byId = new Map(specs.map((spec) => [spec.id, spec]));
  return {
    name: 'memory-cdc-precompiled-validators',
    setup(build) {
      build.onLoad({ filter: /[\\/]lib[\\/]validation[\\/]schemaValidator\.ts$/ }, (args) => {
        if (args.path !== SCHEMA_VALIDATOR_SOURCE) return undefined;
        return { contents: precompiledSchemaValidatorModule(specs), loader: 'js', resolveDir };
      });
      build.onResolve({ filter: new RegExp(`^${VALIDATOR_PREFIX}`) }, (args) => ({
        path: args.path.slice(VALIDATOR_PREFIX.length),
        namespace: NAMESPACE,
      }));
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
        const spec = byId.get(args.path);
        if (!spec) return { errors: [{ text: `no validator named ${JSON.stringify(args.path)}` }] };
        return { contents: standaloneValidatorModule(spec), loader: 'js', resolveDir };
      });
    },
  };
}
