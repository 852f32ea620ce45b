import { createHash } from 'node:crypto';
import type { StreamRecord } from '../stream/types.js';
import { dynamoDbRecordAdapter } from './recordAdapters.js';
import type { RecordAdapter } from './types.js';

/** Key prefix of dead letters in DEAD_LETTER_BUCKET. */
export const DEAD_LETTER_PREFIX = 'dead-letter/';

/**
 * The S3 key of a record's dead letter: `dead-letter/<function>/<yyyy-mm-dd>/<name>.json`, the
 * date being when the record entered the stream (UTC) and the name the adapter's (see
 * {@link RecordAdapter.deadLetterName}). Deterministic, so a retried write lands on the same object.
 * A record without the fields (malformed) is named by a hash of its JSON instead.
 */
export function recordDeadLetterKey<R>(
  adapter: RecordAdapter<R>,
  functionName: string,
  record: R,
  prefix = DEAD_LETTER_PREFIX,
): string {
  const millis = adapter.createdAtMs(record);
  const day = millis !== undefined ? new Date(millis).toISOString().slice(0, 10) : 'undated';
  const name =
    adapter.deadLetterName(record) ??
    `record-${createHash('sha256').update(JSON.stringify(record)).digest('hex').slice(0, 32)}`;
  return `${prefix}${functionName}/${day}/${encodeURIComponent(name)}.json`;
}

/**
 * The S3 key of a DynamoDB stream record's dead letter:
 * `dead-letter/<function>/<yyyy-mm-dd>/<sequenceNumber>-<eventID>.json`, the date being the
 * record's ApproximateCreationDateTime (UTC).
 */
export function deadLetterKey(
  functionName: string,
  record: StreamRecord,
  prefix = DEAD_LETTER_PREFIX,
): string {
  return recordDeadLetterKey(dynamoDbRecordAdapter, functionName, record, prefix);
}
