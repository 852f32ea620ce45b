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
  writeChangeLogData(data, 0, changes);
  return data;
}

/**
 * Writes the data of one change-log record (as {@link encodeChangeLogData} makes it) into `target`
 * from `offset`, which must leave room for {@link changeLogDataBytes} of the changes: a publisher
 * writes every record of a request into one buffer instead of allocating one per record.
 *
 * @returns the offset just past the record's data (`write` stops short when `target` has no room:
 *   compare it with what was counted)
 * @throws RangeError when no change is given
 */
export function writeChangeLogData(
  target: Buffer,
  offset: number,
  changes: readonly (Uint8Array | string)[],
): number {
  if (changes.length === 0) throw new RangeError('a change-log record carries at least one change');
  target.set(PREFIX, offset);
  let at = offset + PREFIX.byteLength;
  for (let index = 0; index < changes.length; index++) {
    const change = changes[index]!;
    if (index > 0) {
      target.set(SEPARATOR, at);
      at += SEPARATOR.byteLength;
    }
    if (typeof change === 'string') {
      at += target.write(change, at, 'utf8');
    } else {
      target.set(change, at);
      at += change.byteLength;
    }
  }
  target.set(SUFFIX, at);
  return at + SUFFIX.byteLength;
}
