/**
 * The prebuilt Lambda bundles shipped in the package: what `scripts/build-lambdas.ts` writes and
 * what {@link MemoryCdcFunction} deploys. No CDK imports here, so the build script can read it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../lib/errors.js';
import { packageRoot } from '../lib/packageRoot.js';

/** The handlers under `functions/`, one bundle each. */
export const LAMBDA_HANDLERS = ['router', 'archiver', 'vector-sync'] as const;

/** A handler under `functions/`. */
export type LambdaHandlerName = (typeof LAMBDA_HANDLERS)[number];

/** esbuild's target for the bundles: the oldest Lambda runtime the construct accepts. */
export const LAMBDA_NODE_TARGET = 'node22';

/**
 * How the bundles' source maps are deployed: shipped beside each bundle (`index.mjs.map`, narrowed
 * to memory-cdc's own code), but not enabled — the functions get no `NODE_OPTIONS=--enable-source-maps`.
 * Enabled, Node reads the map when the bundle loads and parses it when pino asks for its caller at
 * logger creation: measured +25–30 ms CPU on a ~120 ms start (`npm run bench cold-start`), and that
 * on every cold start. Stack traces keep the function and class names (esbuild `keepNames`) and
 * bundle positions, which the shipped map resolves offline; to have CloudWatch show the TypeScript
 * file and line instead, turn the flag on per function, no rebuild needed:
 * `cdc.router.addEnvironment('NODE_OPTIONS', '--enable-source-maps')`.
 */
export const LAMBDA_SOURCE_MAPS = { shipped: true, enabled: false } as const;

/**
 * Modules never bundled into a Lambda: the local-only vector backend (LanceDB with its native
 * binary and Arrow) is for replay and tests; a handler that reached it in Lambda would be a bug.
 */
export const LOCAL_ONLY_MODULES = ['@lancedb/lancedb', 'apache-arrow'] as const;

/**
 * The folder of one handler's bundle (`index.mjs` and `index.mjs.map`) inside the package.
 * @throws ConfigError when the bundle was not built (a clone without `npm run build`)
 */
export function lambdaBundleDirectory(name: LambdaHandlerName): string {
  const directory = join(packageRoot(), 'dist', 'lambda', name);
  if (!existsSync(join(directory, 'index.mjs'))) {
    throw new ConfigError(
      `the prebuilt Lambda bundle ${join(directory, 'index.mjs')} is missing: run \`npm run build\` in ${packageRoot()}`,
    );
  }
  return directory;
}
