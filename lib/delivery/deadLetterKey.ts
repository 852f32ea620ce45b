import { createHash } from 'node:crypto';
import type { StreamRecord } from '../stream/types.js';

/** Key prefix of dead letters in DEAD_LETTER_BUCKET. */
export const DEAD_LETTER_PREFIX = 'dead-letter/';

/**
 * The S3 key of a record's dead letter:
 * `dead-letter/<function>/<yyyy-mm-dd>/<sequenceNumber>-<eventID>.json`, the date being the
 * record's ApproximateCreationDateTime (UTC). Deterministic, so a retried write lands on the same
 * object. A record without the fields (malformed) is named by a hash of its JSON instead.
 */
export function deadLetterKey(
  functionName: string,
  record: StreamRecord,
  prefix = DEAD_LETTER_PREFIX,
): string {
  const created = record.dynamodb?.ApproximateCreationDateTime;
  const millis =
    created instanceof Date ? created.getTime() : typeof created === 'number' ? created * 1000 : NaN;
  const day = Number.isFinite(millis) ? new Date(millis).toISOString().slice(0, 10) : 'undated';
  const sequence = record.dynamodb?.SequenceNumber;
  const id = record.eventID;
  const name =
    sequence && id
      ? `${sequence}-${id}`
      : `record-${createHash('sha256').update(JSON.stringify(record)).digest('hex').slice(0, 32)}`;
  return `${prefix}${functionName}/${day}/${encodeURIComponent(name)}.json`;
}
