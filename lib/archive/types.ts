/**
 * Types of the TTL archive: where archive objects live, how they are grouped, and what a restore
 * selects and reports. The archive format itself is one `ArchiveEntry` (lib/routing/types.ts) per
 * line of a gzip JSON Lines object, laid out by the column definition (`archiveColumns.ts`,
 * `archiveLine.ts`), with binary values as base64 text (DynamoDB JSON's own form).
 */
import type { EntityKind } from '../layout/types.js';
import type { ArchiveEntry, ArchiveOutput } from '../routing/types.js';

/** The Hive partition of an archive object: `table=…/entity=…/dt=YYYY-MM-DD/hour=HH/`. */
export interface ArchivePartition {
  table: string;
  entity: EntityKind;
  /** UTC day, `YYYY-MM-DD`. */
  dt: string;
  /** UTC hour, `00`–`23`. */
  hour: string;
}

/**
 * One archive object: the single expired item it holds (see `groupArchiveOutputs`), its partition
 * and its deterministic key.
 */
export interface ArchiveGroup {
  partition: ArchivePartition;
  /** Object key relative to the archive root (see `archiveObjectKey`). */
  key: string;
  /** The output the object holds (one). */
  outputs: ArchiveOutput[];
  /** Positions in the grouped list answered by this object's write (more than one only for a record given twice). */
  indexes: number[];
}

/** Options for one object write or read. */
export interface ArchiveIoOptions {
  signal?: AbortSignal;
}

/** Where archive objects are written: an S3 bucket and prefix, or a local folder. */
export interface ArchiveWriter {
  /** Human-readable root, e.g. `s3://bucket/archive/` or an absolute folder path. */
  readonly location: string;
  /**
   * Writes (or overwrites: keys are deterministic, so a retried record replaces its object) one
   * object. Rejects when the write failed; the caller reports the affected records for retry.
   */
  putObject(key: string, body: Uint8Array, options?: ArchiveIoOptions): Promise<void>;
}

/** Where archive objects are read from (restore, tests). Keys are relative to the root. */
export interface ArchiveReader {
  readonly location: string;
  /** Keys of `.jsonl.gz` objects under `prefix` (relative to the root), in lexical order. */
  listObjects(prefix?: string, options?: ArchiveIoOptions): AsyncIterable<string>;
  getObject(key: string, options?: ArchiveIoOptions): Promise<Uint8Array>;
}

/** Which archived items a restore brings back. Every given criterion must match. */
export interface RestoreFilter {
  /** Source table the items were archived from. */
  table?: string;
  userId?: string;
  conversationId?: string;
  entities?: EntityKind[];
  /** Items that expired at or after this instant. */
  from?: Date;
  /** Items that expired before this instant. */
  to?: Date;
}

/** Progress of a restore, reported after each object read and each write batch. */
export interface RestoreProgress {
  objectsTotal: number;
  objectsRead: number;
  /** Items that matched the filter so far (after de-duplication by key). */
  itemsMatched: number;
  itemsWritten: number;
  phase: 'reading' | 'writing' | 'done';
}

/** What a restore did. */
export interface RestoreSummary {
  source: string;
  objectsRead: number;
  /** Lines read from the matching objects. */
  entriesRead: number;
  /** Distinct items matching the filter (the latest archived version of each key). */
  itemsMatched: number;
  /** Items written (0 on a dry run). */
  itemsWritten: number;
  /** Matching items per target table. */
  tables: Record<string, number>;
  dryRun: boolean;
  /** The new expiry written into the TTL attribute, when `ttlExtend` was given (epoch seconds). */
  newExpiry?: number;
  /** BatchWriteItem calls made, and how many of them were retries of unprocessed items. */
  batchWrites: number;
  retries: number;
  /**
   * Matching items whose TTL attribute is already in the past (counted when the TTL attribute is
   * known). Without `ttlExtend` or `keepExpired` a restore refuses to write them.
   */
  expiredItems: number;
}

/** A decoded archive line with the object it came from. */
export interface ArchivedItem {
  entry: ArchiveEntry;
  /** Key of the object it was read from. */
  objectKey: string;
}
