/**
 * Builds the three Lambda bundles shipped in the package (`dist/lambda/<name>/index.mjs`, the chunks
 * it loads on first use in `chunks/`, linked source maps), so a CDK app that uses the construct never
 * bundles: its synth needs no esbuild and no network. Run by `npm run build` (and so by `prepare`
 * and `npm pack`).
 *
 * Minified ESM with class and function names kept (`keepNames`): dead letters and logs name the
 * error class (`EmbeddingError`, not `oa`); options in `lambdaBuildOptions.ts`. The AWS SDK v3
 * clients are bundled (not left to the runtime's copy): what the tests ran against is what is
 * deployed, and clients newer than the runtime's SDK (S3 Vectors) are always present. The JSON
 * Schema validators are precompiled (`precompiledValidators.ts`). The source maps carry no sources
 * and only memory-cdc's own code (`ownCodeSourceMap.ts`); the functions do not enable them
 * (`LAMBDA_SOURCE_MAPS` in `infra/lambdaBundles.ts`: start-up cost).
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { LAMBDA_HANDLERS } from '../infra/lambdaBundles.js';
import { LAMBDA_BUILD_OPTIONS } from './lambdaBuildOptions.js';
import { type BundleSourceMap, ownCodeSourceMap } from './ownCodeSourceMap.js';
import { BUNDLED_VALIDATORS, precompiledValidatorsPlugin } from './precompiledValidators.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outRoot = join(root, 'dist', 'lambda');
rmSync(outRoot, { recursive: true, force: true });

await Promise.all(
  LAMBDA_HANDLERS.map(async (name) => {
    const outdir = join(outRoot, name);
    await build({
      entryPoints: { index: join(root, 'functions', `${name}.ts`) },
      outdir,
      ...LAMBDA_BUILD_OPTIONS,
      sourcemap: 'linked',
      sourcesContent: false,
      tsconfig: join(root, 'tsconfig.json'),
      plugins: [precompiledValidatorsPlugin(root, BUNDLED_VALIDATORS[name])],
    });
    for (const file of readdirSync(outdir, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.map')) continue;
      const map = JSON.parse(readFileSync(join(outdir, file), 'utf8')) as BundleSourceMap;
      writeFileSync(join(outdir, file), JSON.stringify(ownCodeSourceMap(map)));
    }
  }),
);
process.stdout.write(`built ${LAMBDA_HANDLERS.length} Lambda bundles in ${outRoot}\n`);
