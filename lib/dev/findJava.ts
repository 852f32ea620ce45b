import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/**
 * The `java` executable that `spawn('java', …)` will run: the first one on PATH, or undefined when
 * there is none. DynamoDB Local is started that way, so this is the check that tells a user to
 * install Java before a cryptic ENOENT can.
 */
export async function findJava(path = process.env.PATH ?? ''): Promise<string | undefined> {
  const names = process.platform === 'win32' ? ['java.exe', 'java.cmd', 'java.bat'] : ['java'];
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        await access(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not here (or not executable): keep looking along PATH.
      }
    }
  }
  return undefined;
}
