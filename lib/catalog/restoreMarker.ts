/**
 * The restore marker: `memory-cdc restore` writes this attribute (the restore time, ISO-8601) into
 * every item it writes back, so the INSERT the restore causes is recognisable downstream: its
 * change event is `… Restored` instead of `… Created`, and it fires no semantic events (a restored
 * first turn does not start its conversation again, a restored completed run does not complete
 * again). A later write that keeps the attribute is an ordinary update.
 */
import type { Change } from '../stream/types.js';

/** Attribute name of the restore marker. */
export const RESTORE_MARKER_ATTRIBUTE = 'memory_cdc_restored_at';

/**
 * True when the change is the insert a restore made.
 *
 * @example
 * isRestoredInsert({ op: 'insert', after: { pk: 'USER#u-1', memory_cdc_restored_at: '2026-12-07T10:00:00Z' }, … }); // true
 */
export function isRestoredInsert(change: Pick<Change, 'op' | 'after'>): boolean {
  return (
    change.op === 'insert' &&
    change.after !== null &&
    typeof change.after === 'object' &&
    Object.hasOwn(change.after, RESTORE_MARKER_ATTRIBUTE)
  );
}
