/**
 * How every command writes a file it was asked to write (`--out`, `-o`): the folders are created,
 * an existing file is never overwritten unless `--force` is given, and the file appears whole or
 * not at all (written beside it, then renamed), so an interrupted command never leaves half a file.
 */
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError, FileExistsError } from '../errors.js';

/** Options of {@link writeOutputFile}. */
export interface OutputFileOptions {
  /** The flag that named the file, for messages (`--out`). */
  option: string;
  /** Overwrite a file that exists. @default false */
  force?: boolean;
}

/**
 * Fails early, before any work, when `path` exists and `force` is not set, or is not a file.
 * @throws FileExistsError when the file exists; ConfigError when the path cannot be checked
 */
export async function assertWritable(path: string, options: OutputFileOptions): Promise<void> {
  const found = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new ConfigError(`${options.option} ${path}: ${error.message}`);
  });
  if (!found) return;
  if (found.isDirectory()) throw new ConfigError(`${options.option} ${path} is a folder; name a file`);
  if (!options.force) throw new FileExistsError(options.option, path);
}

/**
 * Writes `text` to `path`: creates the folders, refuses to overwrite without `force`, and renames a
 * complete temporary file into place.
 *
 * @example
 * ```ts
 * await writeOutputFile(resolve(ctx.cwd, flags.out), text, { option: '--out', force: flags.force });
 * ```
 * @throws FileExistsError when the file exists and `force` is not set; ConfigError when the folder
 *   cannot be created or the file cannot be written
 */
export async function writeOutputFile(path: string, text: string, options: OutputFileOptions): Promise<void> {
  await assertWritable(path, options);
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temp, text);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new ConfigError(`${options.option} ${path}: cannot write: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
