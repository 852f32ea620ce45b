import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { packageRoot } from '../packageRoot.js';

/** The fixtures shipped with the package. */
export const BUNDLED_EVENTS_DIR = join(packageRoot(), 'events');

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      // Dependencies and tool folders (.git, .memory-cdc, …) hold JSON that is not fixtures.
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      files.push(...(await walk(path)));
    } else if (entry.name.endsWith('.json')) files.push(path);
  }
  return files;
}

/**
 * Expands replay's FILES arguments: files as given, directories to their `.json` files (sorted,
 * recursive, skipping `node_modules` and dot-folders below the folder given). With no arguments: `events/` in the working directory, else the bundled fixtures.
 */
export async function findFixtureFiles(args: readonly string[], cwd: string): Promise<string[]> {
  if (args.length === 0) {
    const local = resolve(cwd, 'events');
    return walk(existsSync(local) ? local : BUNDLED_EVENTS_DIR);
  }
  const files: string[] = [];
  for (const arg of args) {
    const path = resolve(cwd, arg);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) files.push(...(await walk(path)));
    else files.push(path); // Missing files are reported by the loader, per file.
  }
  return files;
}
