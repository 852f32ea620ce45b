/**
 * The data format of a Kinesis change-log record: one or more consecutive changes of one partition
 * key, in stream order.
 *
 * **Version 2** (written since issue 16), UTF-8 JSON:
 *
 * ```json
 * {"changeLogVersion":2,"changes":[{…MemoryEventDetail…},{…MemoryEventDetail…}]}
 * ```
 *
 * - `changeLogVersion` is the number `2`; a reader that meets a higher number must refuse the record
 *   (written by a newer memory-cdc) rather than guess.
 * - `changes` holds at least one {@link MemoryEventDetail}, every one of the record's partition key,
 *   oldest first: the order of the table's stream. Each change is exactly the EventBridge `detail`
 *   of the same event (same `eventId`, `origin`, `keys`, …), so deduplicating on `eventId` works as
 *   before.
 * - Every record has the envelope, also when it carries a single change, so a consumer that was not
 *   updated fails on the first record it reads instead of on the first busy conversation.
 *
 * **Version 1** (before issue 16): the data was one bare `MemoryEventDetail`. Readers of this
 * package read both (a stream keeps records 24 hours or longer, so version-1 records can still be in
 * it after an upgrade).
 *
 * Why several changes in one record: PutRecords writes the records of one request independently, so
 * two records of one partition key in one request can land out of order when the first fails. A key's
 * changes in one record are written or refused together, so a batch needs one request per 500 keys
 * (plus what the byte limits force) instead of one request per change of its busiest key.
 */
import type { MemoryEventDetail } from '../catalog/types.js';

/** The change-log format version this package writes. */
export const CHANGE_LOG_VERSION = 2;

/** The data of one change-log record (version 2), as JSON.parse returns it. */
export interface ChangeLogRecordData {
  /** {@link CHANGE_LOG_VERSION}. */
  changeLogVersion: typeof CHANGE_LOG_VERSION;
  /** The record's changes, all of its partition key, oldest first; at least one. */
  changes: MemoryEventDetail[];
}
