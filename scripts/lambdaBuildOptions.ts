/**
 * The esbuild options of the Lambda bundles, shared by `scripts/build-lambdas.ts` (the real bundles)
 * and `bench/coldStart.ts` (the minimal bundles it compares them with), so both are built alike.
 */
import type { BuildOptions } from 'esbuild';
import { LAMBDA_NODE_TARGET, LOCAL_ONLY_MODULES } from '../infra/lambdaBundles.js';

/**
 * One ESM file per handler for Node on Lambda, minified with class and function names kept
 * (`keepNames`: dead letters and logs name the error class). Entry, output and source maps are
 * the caller's.
 */
export const LAMBDA_BUILD_OPTIONS = {
  bundle: true,
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
