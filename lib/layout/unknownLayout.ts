/**
 * The layout replay falls back to when no preset fits a file and none was given: it knows no
 * entity, so every item flows as entity `unknown` (never dropped), keyed on the records' own key
 * attributes.
 */
import type { StreamRecord } from '../stream/types.js';
import type { Layout } from './types.js';

/** Name of the fallback layout, as the replay summary shows it. */
export const UNKNOWN_LAYOUT_NAME = 'unknown';

function keyNames(records: readonly StreamRecord[]): string[] {
  for (const record of records) {
    const keys = (record as { dynamodb?: { Keys?: unknown } } | null)?.dynamodb?.Keys;
    if (keys !== null && typeof keys === 'object' && !Array.isArray(keys)) {
      const names = Object.keys(keys);
      if (names.length > 0) return names;
    }
  }
  return [];
}

/**
 * A layout with no entity rules, its key attributes read from the first record that has Keys.
 *
 * @example
 * ```ts
 * const layout = unknownLayout(records); // { name: 'unknown', partitionKey: 'orderId', entities: [] … }
 * createPipeline({ layout }).process(records[0]).classification.entity; // 'unknown'
 * ```
 */
export function unknownLayout(records: readonly StreamRecord[]): Layout {
  const [partitionKey = 'pk', sortKey] = keyNames(records);
  const layout: Layout = {
    name: UNKNOWN_LAYOUT_NAME,
    description: 'No preset fits and no layout was given: every item is entity "unknown".',
    partitionKey,
    entities: [],
    bookkeeping: [],
  };
  if (sortKey) layout.sortKey = sortKey;
  return layout;
}

/**
 * The one warning every command gives when it falls back to {@link unknownLayout}: what was looked
 * at, why no preset fits, and how to classify the items instead.
 *
 * @param subject what the records came from (a file, a stream ARN, a table)
 * @param reason why no preset fits (a {@link detectLayout} reason)
 * @param verb what happens to them (`replay`, `show`)
 */
export function unknownLayoutWarning(subject: string, reason: string, verb: string): string {
  return (
    `${subject}: ${reason.replace(/; pass --layout$/, '')}. Its records ${verb} as entity "unknown". ` +
    'To classify them, write a layout file (start from `memory-cdc layout show agent-memory`; ' +
    'README "Custom layouts") and pass --layout FILE.'
  );
}
