/**
 * Errors of the live stream tools (`tail`, `capture`, `backfill`). Each says what failed and where,
 * so a user can tell a missing stream from a permissions problem from a flaky network.
 */
import { MemoryCdcError } from '../errors.js';

/** Reading the table's stream failed in a way the shard walker cannot recover from. */
export class StreamReadError extends MemoryCdcError {
  /** The shard being read, when the failure concerns one shard. */
  readonly shardId: string | undefined;
  constructor(message: string, shardId?: string, options?: { cause?: unknown }) {
    super(shardId ? `shard ${shardId}: ${message}` : message, options);
    this.shardId = shardId;
  }
}

/** Scanning the table for a backfill failed, or the checkpoint file does not fit the run. */
export class BackfillError extends MemoryCdcError {
  /** The scan segment that failed, when one did. */
  readonly segment: number | undefined;
  constructor(message: string, segment?: number, options?: { cause?: unknown }) {
    super(segment === undefined ? message : `segment ${segment}: ${message}`, options);
    this.segment = segment;
  }
}
