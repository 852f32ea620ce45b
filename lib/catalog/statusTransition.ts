import { readString } from '../layout/readField.js';
import type { Classification, EntityKind } from '../layout/types.js';
import type { Change } from '../stream/types.js';
import type { Transition } from './types.js';

/** The entities whose status changes are transitions. */
export const STATUS_ENTITIES: readonly EntityKind[] = ['run', 'run_step', 'ledger'];

/**
 * The status change of a run, run step or ledger entry, read through the layout's `status` field
 * (an attribute, or a path into a JSON-string attribute such as Mastra's `snapshot`), or undefined
 * when the status did not change.
 *
 * An insert moves from `null`; so does a modify on a stream whose view carries no old image (the
 * previous status is unknown there). Removes and snapshot reads (`backfill`) are never transitions:
 * nothing changed status, the item ended or was only read.
 *
 * @example
 * ```ts
 * const t = statusTransition(change, classifyItem(mastraLayout, change.after!));
 * // { field: 'status', from: 'running', to: 'suspended' }
 * ```
 */
export function statusTransition(change: Change, classification: Classification): Transition | undefined {
  const ref = classification.rule?.fields?.status;
  if (!ref || !STATUS_ENTITIES.includes(classification.entity)) return undefined;
  if (change.op !== 'insert' && change.op !== 'modify') return undefined;
  const from = readString(change.before, ref) ?? null;
  const to = readString(change.after, ref) ?? null;
  if (from === to) return undefined;
  return { field: 'status', from, to };
}
