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
 * JSON of a `MemoryEventDetail` (bytes, or the JSON text, written as UTF-8 straight into the
 * record: no intermediate copy), in the order given (oldest first).
 *
 * @example
 * ```ts
 * const data = encodeChangeLogData([serializeDetail(a).json, serializeDetail(b).json]);
 * // {"changeLogVersion":2,"changes":[{…a…},{…b…}]}
 * ```
 * @throws RangeError when no change is given (a record carries at least one)
 */
export function encodeChangeLogData(changes: readonly (Uint8Array | string)[]): Uint8Array {
  if (changes.length === 0) throw new RangeError('a change-log record carries at least one change');
  let changeBytes = 0;
  for (const change of changes) {
    changeBytes += typeof change === 'string' ? Buffer.byteLength(change, 'utf8') : change.byteLength;
  }
  const data = Buffer.allocUnsafe(changeLogDataBytes(changeBytes, changes.length));
  data.set(PREFIX, 0);
  let at = PREFIX.byteLength;
  changes.forEach((change, index) => {
    if (index > 0) {
      data.set(SEPARATOR, at);
      at += SEPARATOR.byteLength;
    }
    if (typeof change === 'string') {
      at += data.write(change, at, 'utf8');
    } else {
      data.set(change, at);
      at += change.byteLength;
    }
  });
  data.set(SUFFIX, at);
  return data;
}
