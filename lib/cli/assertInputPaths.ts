import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';

/**
 * Checks that every file or folder named on the command line exists, before any work: a path
 * that does not exist is a wrong command line (exit 2), where a file that exists but holds bad
 * records is reported per file while the others are still processed (exit 1).
 * @param what what the paths are, for the message (`fixture file or folder`)
 * @throws ConfigError naming every missing path
 */
export async function assertInputPaths(paths: readonly string[], cwd: string, what: string): Promise<void> {
  const missing: string[] = [];
  for (const path of paths) {
    const found = await stat(resolve(cwd, path)).then(
      () => true,
      () => false,
    );
    if (!found) missing.push(path);
  }
  if (missing.length > 0) {
    throw new ConfigError(`no such ${what}: ${missing.join(', ')} (relative paths are from ${cwd})`);
  }
}
