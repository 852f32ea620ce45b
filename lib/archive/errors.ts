/**
 * Errors of the TTL archive: reading archive objects and restoring them. Writing failures are
 * reported per output by the archive sinks (see `lib/sinks/archive`), never thrown past them.
 */
import { ConfigError, MemoryCdcError } from '../errors.js';

/** An archive object is not gzip JSON Lines of archive entries (corrupt, truncated, or not ours). */
export class ArchiveFormatError extends MemoryCdcError {
  /** Where the object lives (`s3://bucket/key` or a file path). */
  readonly location: string;
  constructor(location: string, message: string, options?: { cause?: unknown }) {
    super(`${location}: ${message}`, options);
    this.location = location;
  }
}

/** Items could not be written back to DynamoDB after every retry; `unwritten` says how many. */
export class RestoreError extends MemoryCdcError {
  /** Target table. */
  readonly table: string;
  /** Items not written. */
  readonly unwritten: number;
  constructor(table: string, unwritten: number, message: string, options?: { cause?: unknown }) {
    super(`${table}: ${message}`, options);
    this.table = table;
    this.unwritten = unwritten;
  }
}

/**
 * Restore refused to write items whose TTL already passed: DynamoDB's TTL would delete them again
 * within minutes. Give them a new expiry (`ttlExtend`) or write them as they are (`keepExpired`).
 * A ConfigError: the command line must change (exit 2).
 */
export class ExpiredItemsError extends ConfigError {
  /** Matching items whose expiry is in the past. */
  readonly expired: number;
  constructor(expired: number, total: number, attribute: string) {
    super(
      `${expired} of ${total} item(s) to restore expired already (${attribute} is in the past): DynamoDB's TTL ` +
        'would delete them again within minutes. Pass --ttl-extend <duration> to give them a new expiry, or ' +
        '--keep-expired to write them as they are',
    );
    this.expired = expired;
  }
}

/**
 * The archive source holds no archive objects at all: a mistyped path or prefix, or the wrong bucket.
 * A ConfigError: the command line must change (exit 2).
 */
export class ArchiveNotFoundError extends ConfigError {
  readonly location: string;
  constructor(location: string) {
    super(
      `no archive objects at ${location} (is the path right? archive objects are table=…/entity=…/dt=…/hour=…/*.jsonl.gz)`,
    );
    this.location = location;
  }
}
