/**
 * The archive sink of replay: writes the S3 archive's layout to a local folder
 * (`.memory-cdc/archive/` by default), so a replay shows the archive files a deployment would write.
 */
import { resolve } from 'node:path';
import { DEFAULT_LOCAL_ARCHIVE_DIR, LocalArchiveStore } from '../../archive/LocalArchiveStore.js';
import { type ArchiveFlushMode, ArchiveSink } from './ArchiveSink.js';

/** Options for {@link LocalArchiveSink}. */
export interface LocalArchiveSinkOptions {
  /** Archive folder, relative to `cwd`. @default '.memory-cdc/archive/' */
  folder?: string;
  /** @default process.cwd() */
  cwd?: string;
  /**
   * @default 'deliver': each `deliver()` call (replay makes one per fixture file, as Lambda makes
   * one per batch) writes its objects, one per expired item. 'close' writes them all at the end.
   */
  flush?: ArchiveFlushMode;
}

/**
 * Archive sink writing to a local folder.
 *
 * @example
 * const sink = new LocalArchiveSink({ cwd: process.cwd() });
 * await sink.deliver(archiveOutputs); // writes .memory-cdc/archive/table=…/entity=…/dt=…/hour=…/….jsonl.gz
 * console.log(sink.written.map((object) => object.key));
 */
export class LocalArchiveSink extends ArchiveSink {
  /** Absolute path of the archive folder. */
  readonly folder: string;

  constructor(options: LocalArchiveSinkOptions = {}) {
    const folder = resolve(options.cwd ?? process.cwd(), options.folder ?? DEFAULT_LOCAL_ARCHIVE_DIR);
    // A failed local write (disk full, permissions) is not worth waiting for: one attempt.
    super({
      writer: new LocalArchiveStore(folder),
      flush: options.flush ?? 'deliver',
      retry: { maxAttempts: 1 },
    });
    this.folder = folder;
  }
}
