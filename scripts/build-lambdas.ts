/**
 * Builds the three Lambda bundles shipped in the package (`dist/lambda/<name>/index.mjs` with a
 * linked source map), so a CDK app that uses the construct never bundles: its synth needs no
 * esbuild and no network. Run by `npm run build` (and so by `prepare` and `npm pack`).
 *
 * One ESM file per handler, minified but with class and function names kept (`keepNames`): dead
 * letters and logs name the error class (`EmbeddingError`, not `oa`). The AWS SDK v3 clients are
 * bundled (not left to the runtime's copy): what the tests ran against is what is deployed, and
 * clients newer than the runtime's SDK (S3 Vectors) are always present. The source map carries no
 * sources; the functions set NODE_OPTIONS=--enable-source-maps, so stack traces name the
 * TypeScript file and line.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { LAMBDA_HANDLERS, LAMBDA_NODE_TARGET, LOCAL_ONLY_MODULES } from '../infra/lambdaBundles.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outRoot = join(root, 'dist', 'lambda');
rmSync(outRoot, { recursive: true, force: true });

await Promise.all(
  LAMBDA_HANDLERS.map((name) =>
    build({
      entryPoints: [join(root, 'functions', `${name}.ts`)],
      outfile: join(outRoot, name, 'index.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: LAMBDA_NODE_TARGET,
      minify: true,
      keepNames: true,
      sourcemap: 'linked',
      sourcesContent: false,
      external: [...LOCAL_ONLY_MODULES],
      mainFields: ['module', 'main'],
      tsconfig: join(root, 'tsconfig.json'),
      // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
      banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
      logLevel: 'warning',
    }),
  ),
);
process.stdout.write(`built ${LAMBDA_HANDLERS.length} Lambda bundles in ${outRoot}\n`);
