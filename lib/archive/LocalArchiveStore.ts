/**
 * Archive objects in a local folder with the same layout as the S3 archive (replay writes here,
 * restore reads from here). Writes go to a temporary file renamed into place, so a reader never
 * sees half an object and a rewrite of the same key replaces it whole.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
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
  /** Folders made (or found) so far: each is made once, not once per object. */
  private readonly folders = new Set<string>();
  /** Tells this process's temporary files apart. */
  private serial = 0;

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

  /**
   * Writes at once rather than through the thread pool: objects are small and many (one per
   * expired item), and a local write costs several times less done synchronously.
   */
  async putObject(key: string, body: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    const folder = dirname(path);
    if (!this.folders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      this.folders.add(folder);
    }
    const temporary = `${path}.${process.pid}-${this.serial++}.tmp`;
    try {
      writeFileSync(temporary, body);
      renameSync(temporary, path);
    } catch (error) {
      rmSync(temporary, { force: true });
      // The folder went away after it was made: make it again, once.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !this.folders.delete(folder)) throw error;
      return this.putObject(key, body);
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
