/**
 * Every detail-type memory-cdc emits. Change events are `<Entity> <Verb>`; semantic events are
 * derived from what a modify means. This list is the catalog: schemas and docs are generated from it.
 */
import type { EntityKind } from '../layout/types.js';
import { ENTITY_KINDS } from '../layout/types.js';
import type { ChangeOp } from '../stream/types.js';

/** Human label of each entity in detail-types. */
export const ENTITY_LABELS = {
  conversation: 'Conversation',
  turn: 'Turn',
  run: 'Run',
  run_step: 'Run Step',
  ledger: 'Ledger Entry',
  idempotency: 'Idempotency Key',
  rate_limit: 'Rate Limit Counter',
  flag: 'Feature Flag',
  memory: 'Memory',
  unknown: 'Unknown Item',
} as const satisfies Record<EntityKind, string>;

/** A semantic event's detail-type. */
export type SemanticDetailType =
  | 'Conversation Started'
  | 'Run Completed'
  | 'Run Failed'
  | 'Run Step Completed'
  | 'Run Step Failed'
  | 'Ledger Entry Settled';

/** Every detail-type in the catalog, as a type consumers can switch on. */
export type MemoryDetailType = `${(typeof ENTITY_LABELS)[EntityKind]} ${ChangeVerb}` | SemanticDetailType;

/** The change verbs: insert (or snapshot read), modify, user delete, TTL expiry, restore. */
export type ChangeVerb = 'Created' | 'Updated' | 'Deleted' | 'Expired' | 'Restored';

/** The verb of a change; `restored`: an insert carrying the restore marker (see restoreMarker.ts). */
export function changeVerb(op: ChangeOp, expired: boolean, restored = false): ChangeVerb {
  if (op === 'insert' && restored) return 'Restored';
  // A snapshot read reports an item's existence like an insert; `detail.op` tells them apart.
  if (op === 'insert' || op === 'read') return 'Created';
  if (op === 'modify') return 'Updated';
  return expired ? 'Expired' : 'Deleted';
}

/** The detail-type of a change event, e.g. `Turn Created`. */
export function changeDetailType(
  entity: EntityKind,
  op: ChangeOp,
  expired: boolean,
  restored = false,
): string {
  return `${ENTITY_LABELS[entity]} ${changeVerb(op, expired, restored)}`;
}

/** A catalog entry. */
export interface DetailTypeInfo {
  detailType: MemoryDetailType;
  kind: 'change' | 'semantic';
  /** The entity the event is about. */
  entity: EntityKind;
  /** Further entities the event can be about (`Conversation Started`: a turn or a conversation item). */
  alsoEntities?: readonly EntityKind[];
  /** When it is emitted, for the docs. */
  description: string;
}

const VERB_TEXT: Record<ChangeVerb, string> = {
  Created: 'was inserted (INSERT), or read by a `backfill` snapshot (`op: read`).',
  Updated: 'was modified (MODIFY) in more than bookkeeping attributes.',
  Deleted: 'was deleted by a writer (REMOVE).',
  Expired: "was deleted by DynamoDB's TTL process (REMOVE by dynamodb.amazonaws.com).",
  Restored:
    'was written back by `memory-cdc restore` (an INSERT whose item carries the restore marker attribute `memory_cdc_restored_at`); no semantic events follow it.',
};

/** Semantic events and when they fire. */
export const SEMANTIC_DETAIL_TYPES: readonly (DetailTypeInfo & { detailType: SemanticDetailType })[] = [
  {
    detailType: 'Conversation Started',
    kind: 'semantic',
    entity: 'turn',
    alsoEntities: ['conversation'],
    description:
      "A conversation began, once per conversation, by the layout's rule: the insert of its first turn (sequence field = the layout's `firstSequence`, default 1) where turns carry a sequence (agent-memory), else the insert of its conversation item (Mastra's thread, a custom layout's ticket); see each layout's page. Never from snapshot reads.",
  },
  {
    detailType: 'Run Completed',
    kind: 'semantic',
    entity: 'run',
    description:
      "A run's status became one of the layout's success statuses (not from a snapshot read; every other status change is on `Run Created`/`Run Updated` as `detail.transition`).",
  },
  {
    detailType: 'Run Failed',
    kind: 'semantic',
    entity: 'run',
    description: "A run's status became one of the layout's failure statuses.",
  },
  {
    detailType: 'Run Step Completed',
    kind: 'semantic',
    entity: 'run_step',
    description: "A run step's status became one of the layout's success statuses.",
  },
  {
    detailType: 'Run Step Failed',
    kind: 'semantic',
    entity: 'run_step',
    description: "A run step's status became one of the layout's failure statuses.",
  },
  {
    detailType: 'Ledger Entry Settled',
    kind: 'semantic',
    entity: 'ledger',
    description: "A tool execution's status became final (success or failure; see detail.transition.to).",
  },
];

/** The whole catalog, change events first, in a stable order. */
export const DETAIL_TYPES: readonly DetailTypeInfo[] = [
  ...ENTITY_KINDS.flatMap((entity) =>
    (['Created', 'Updated', 'Deleted', 'Expired', 'Restored'] as const).map((verb) => ({
      detailType: `${ENTITY_LABELS[entity]} ${verb}` as MemoryDetailType,
      kind: 'change' as const,
      entity,
      description: `A ${ENTITY_LABELS[entity].toLowerCase()} item ${VERB_TEXT[verb]}`,
    })),
  ),
  ...SEMANTIC_DETAIL_TYPES,
];
