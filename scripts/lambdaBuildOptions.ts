/**
 * The esbuild options of the Lambda bundles, shared by `scripts/build-lambdas.ts` (the real bundles)
 * and `bench/coldStart.ts` (the minimal bundles it compares them with), so both are built alike.
 */
import type { BuildOptions } from 'esbuild';
import { LAMBDA_NODE_TARGET, LOCAL_ONLY_MODULES } from '../infra/lambdaBundles.js';

/**
 * ESM for Node on Lambda, minified with class and function names kept (`keepNames`: dead letters
 * and logs name the error class), split: `index.mjs` holds what the handler loads at start, and
 * what is loaded only on first use (`import()`: the router's S3 client, the SDK's credential
 * providers other than the environment's) sits in `chunks/`, never read unless needed. Entry
 * (`{ index: … }`), output folder and source maps are the caller's.
 */
export const LAMBDA_BUILD_OPTIONS = {
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  platform: 'node',
  format: 'esm',
  target: LAMBDA_NODE_TARGET,
  minify: true,
  keepNames: true,
  external: [...LOCAL_ONLY_MODULES],
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
} as const satisfies BuildOptions;
