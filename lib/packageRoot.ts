/**
 * Where the memory-cdc package is on disk, from the sources (`lib/…`) and from the compiled
 * JavaScript (`dist/lib/…`) alike: the nearest folder above this module whose package.json is
 * memory-cdc's. Files shipped beside the code (the bundled fixtures, the catalog schemas, the
 * prebuilt Lambda bundles) are found from here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's name in its package.json. */
export const PACKAGE_NAME = 'memory-cdc';

let cached: { root: string; version: string } | undefined;

function locate(): { root: string; version: string } {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (json.name === PACKAGE_NAME) {
        cached = { root: dir, version: json.version ?? '0.0.0' };
        return cached;
      }
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`no ${PACKAGE_NAME} package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The package's root folder (where its package.json is). */
export function packageRoot(): string {
  return locate().root;
}

/** The package's version, from its package.json. */
export function packageVersion(): string {
  return locate().version;
}
