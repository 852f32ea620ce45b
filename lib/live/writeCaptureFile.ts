/**
 * Writes captured records as a fixture file: a Lambda DynamoDB Streams event (`{"Records": [...]}`),
 * the shape `replay` reads and a stream Lambda receives. Written to a temporary file and renamed,
 * so an interrupted capture never leaves half a fixture.
 */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '../errors.js';
import type { StreamRecord } from '../stream/types.js';

/** Fails when `path` exists and `force` is not set, before any record is read. */
export async function assertWritable(path: string, force: boolean): Promise<void> {
  if (force) return;
  const exists = await stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw new ConfigError(`--out ${path}: ${error.message}`);
    },
  );
  if (exists) throw new ConfigError(`--out ${path} already exists (pass --force to overwrite)`);
}

/** Writes the fixture file. */
export async function writeCaptureFile(path: string, records: readonly StreamRecord[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify({ Records: records }, null, 2)}\n`);
  await rename(temp, path);
}
