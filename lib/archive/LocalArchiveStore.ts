/**
 * Archive objects in a local folder with the same layout as the S3 archive (replay writes here,
 * restore reads from here). Writes go to a temporary file renamed into place, so a reader never
 * sees half an object and a rewrite of the same key replaces it whole.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ARCHIVE_OBJECT_SUFFIX } from './archiveKey.js';
import type { ArchiveReader, ArchiveWriter } from './types.js';

/** Folder replay writes the archive to, relative to the working directory. */
export const DEFAULT_LOCAL_ARCHIVE_DIR = '.memory-cdc/archive/';

/**
 * Reads and writes archive objects under a folder.
 *
 * @example
 * const store = new LocalArchiveStore(resolve('.memory-cdc/archive'));
 * for await (const key of store.listObjects()) console.log(key);
 */
export class LocalArchiveStore implements ArchiveWriter, ArchiveReader {
  /** Absolute path of the folder. */
  readonly location: string;

  constructor(folder: string) {
    this.location = resolve(folder);
  }

  private pathOf(key: string): string {
    const path = resolve(this.location, ...key.split('/'));
    if (path !== this.location && !path.startsWith(this.location + sep)) {
      throw new RangeError(`archive key ${JSON.stringify(key)} points outside ${this.location}`);
    }
    return path;
  }

  async putObject(key: string, body: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, body);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async *listObjects(prefix = ''): AsyncIterable<string> {
    // Walk the deepest folder the prefix names, then filter by the full prefix.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
    let names: string[];
    try {
      names = await readdir(this.pathOf(folder), { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const keys = names
      .map((name) =>
        relative(this.location, join(this.pathOf(folder), name))
          .split(sep)
          .join('/'),
      )
      .filter((key) => key.startsWith(prefix) && key.endsWith(ARCHIVE_OBJECT_SUFFIX))
      .sort();
    yield* keys;
  }

  async getObject(key: string): Promise<Uint8Array> {
    return readFile(this.pathOf(key));
  }
}
