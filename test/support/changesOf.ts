/**
 * The change log read back one change at a time: a change-log record carries one or more changes of
 * its partition key (format version 2, `lib/changeLog/format.ts`); tests that check per-key order and
 * duplicates look at the changes, in stream order, each with its record's position.
 */
import { readChangesFromData } from '../../lib/changeLog/readChanges.js';
import type { StreamedRecord } from './kinesalite.js';

/** One entry per change, in stream order: the record's shard, sequence number and key; `data` the change's JSON. */
export function changesOf(records: readonly StreamedRecord[]): StreamedRecord[] {
  return records.flatMap((record) =>
    readChangesFromData(record.data, record.sequenceNumber).map((change) => ({
      ...record,
      data: JSON.stringify(change),
    })),
  );
}
