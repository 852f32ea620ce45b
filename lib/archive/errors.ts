/**
 * Errors of the TTL archive: reading archive objects and restoring them. Writing failures are
 * reported per output by the archive sinks (see `lib/sinks/archive`), never thrown past them.
 */
import { MemoryCdcError } from '../errors.js';

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
