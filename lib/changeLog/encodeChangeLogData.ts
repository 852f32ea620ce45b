/**
 * Writes the data of a version-2 change-log record from changes that are already serialized, so
 * each event detail is stringified once however many publishers send it.
 */
import { CHANGE_LOG_VERSION } from './format.js';

const PREFIX = Buffer.from(`{"changeLogVersion":${CHANGE_LOG_VERSION},"changes":[`, 'utf8');
const SEPARATOR = Buffer.from(',', 'utf8');
const SUFFIX = Buffer.from(']}', 'utf8');

/** Bytes the envelope adds to a record of one change. */
export const CHANGE_LOG_ENVELOPE_BYTES = PREFIX.byteLength + SUFFIX.byteLength;

/**
 * Size in bytes of the data of a record carrying changes of `changeBytes` bytes in total, `count`
 * of them (the envelope and one separator between two changes).
 */
export function changeLogDataBytes(changeBytes: number, count: number): number {
  return CHANGE_LOG_ENVELOPE_BYTES + changeBytes + Math.max(0, count - 1) * SEPARATOR.byteLength;
}

/**
 * The data blob of one change-log record: the envelope around the given changes, each the UTF-8
 * JSON of a `MemoryEventDetail`, in the order given (oldest first).
 *
 * @example
 * ```ts
 * const data = encodeChangeLogData([serializeDetail(a).bytes(), serializeDetail(b).bytes()]);
 * // {"changeLogVersion":2,"changes":[{…a…},{…b…}]}
 * ```
 * @throws RangeError when no change is given (a record carries at least one)
 */
export function encodeChangeLogData(changes: readonly Uint8Array[]): Uint8Array {
  if (changes.length === 0) throw new RangeError('a change-log record carries at least one change');
  const parts: Uint8Array[] = [PREFIX];
  changes.forEach((change, index) => {
    if (index > 0) parts.push(SEPARATOR);
    parts.push(change);
  });
  parts.push(SUFFIX);
  return Buffer.concat(parts);
}
