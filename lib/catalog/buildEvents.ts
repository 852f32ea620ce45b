/**
 * Turns a decoded, classified change into domain events: one change event (`Turn Created`, …,
 * carrying `transition` when a status moved) and the semantic events its diff implies
 * (`Conversation Started`, `Run Completed`, `Ledger Entry Settled`, …). Snapshot reads (op `read`)
 * yield the change event only: an item read by `backfill` did not just finish or start anything.
 */
import { conversationStartRule, firstSequenceOf } from '../layout/conversationStartRule.js';
import { readString } from '../layout/readField.js';
import type { Classification, EntityKind, Layout } from '../layout/types.js';
import type { Change } from '../stream/types.js';
import { changeDetailType } from './detailTypes.js';
import { eventIdFor } from './eventId.js';
import { isRestoredInsert } from './restoreMarker.js';
import { statusTransition } from './statusTransition.js';
import {
  DETAIL_VERSION,
  EVENT_SOURCE,
  type EventOrigin,
  type MemoryEvent,
  type MemoryEventDetail,
  type Transition,
} from './types.js';

/** Options for {@link buildEvents}. */
export interface BuildEventsOptions {
  /** EventBridge source. @default 'memory-cdc' */
  source?: string;
  /** Entities whose every change is noise. @default ['rate_limit'] */
  noiseEntities?: readonly EntityKind[];
}

const DEFAULT_NOISE: readonly EntityKind[] = ['rate_limit'];

function isBookkeepingOnly(change: Change, layout: Layout): boolean {
  if (change.op !== 'modify') return false;
  // One image only (NEW_IMAGE/OLD_IMAGE views): nothing to compare, so never call it noise.
  if (!change.raw.oldImage || !change.raw.newImage) return false;
  return change.changed.every((name) => layout.bookkeeping.includes(name));
}

interface SemanticEvent {
  type: string;
  transition: Transition | undefined;
}

function conversationStarted(
  change: Change,
  classification: Classification,
  layout: Layout,
): SemanticEvent | undefined {
  if (change.op !== 'insert') return undefined;
  const rule = conversationStartRule(layout);
  if (rule === 'conversation' && classification.entity === 'conversation') {
    return { type: 'Conversation Started', transition: undefined };
  }
  if (rule === 'first-turn' && classification.entity === 'turn') {
    const seq = readString(change.after, classification.rule?.fields?.sequence);
    if (seq !== undefined && seq.trim() !== '' && Number(seq) === firstSequenceOf(layout)) {
      return { type: 'Conversation Started', transition: { field: 'sequence', from: null, to: seq } };
    }
  }
  return undefined;
}

function statusEvents(
  classification: Classification,
  transition: Transition | undefined,
): SemanticEvent | undefined {
  const rule = classification.rule;
  const to = transition?.to ?? null;
  if (!rule || !transition || to === null) return undefined;
  const { from } = transition;
  const success = rule.successStatuses?.includes(to) ?? false;
  const failure = rule.failureStatuses?.includes(to) ?? false;
  const alreadyFinal =
    from !== null &&
    ((rule.successStatuses?.includes(from) ?? false) || (rule.failureStatuses?.includes(from) ?? false));
  if ((!success && !failure) || alreadyFinal) return undefined;
  const { entity } = classification;
  const label = entity === 'run' ? 'Run' : entity === 'run_step' ? 'Run Step' : undefined;
  const type = label ? `${label} ${success ? 'Completed' : 'Failed'}` : 'Ledger Entry Settled';
  return { type, transition };
}

/**
 * The origin of a change: one object per record, shared by all its events' details. Two literals
 * rather than one and an added property: the object lives until delivery, and a property added
 * later takes a separate backing store (about 40 more bytes per record).
 */
function originOf(position: Change['position']): EventOrigin {
  const { table, streamArn, region, eventId, sequenceNumber, approximateCreationTime } = position;
  return approximateCreationTime
    ? { table, streamArn, region, eventId, sequenceNumber, approximateCreationTime }
    : { table, streamArn, region, eventId, sequenceNumber };
}

/** One event's detail; the images, keys, ids and origin are shared with the record's other events. */
function detailFor(
  detailType: string,
  change: Change,
  classification: Classification,
  layout: Layout,
  origin: EventOrigin,
  transition: Transition | undefined,
): MemoryEventDetail {
  const { position } = change;
  const detail: MemoryEventDetail = {
    version: DETAIL_VERSION,
    eventId: eventIdFor(position.streamArn || position.table, position.eventId, detailType),
    detailType,
    op: change.op,
    entity: classification.entity,
    expired: change.expired,
    ids: classification.ids,
    keys: change.keys,
    changed: change.changed,
    before: change.before,
    after: change.after,
    layout: layout.name,
    origin,
  };
  if (position.approximateCreationTime) detail.time = position.approximateCreationTime;
  if (classification.sourceEntity) detail.sourceEntity = classification.sourceEntity;
  if (transition) detail.transition = transition;
  return detail;
}

/**
 * Builds the domain events of one change. Ids are deterministic (stream ARN + record eventID +
 * detail-type), so a retried record yields the same ids.
 */
export function buildEvents(
  change: Change,
  classification: Classification,
  layout: Layout,
  options: BuildEventsOptions = {},
): MemoryEvent[] {
  const source = options.source ?? EVENT_SOURCE;
  const noiseEntities = options.noiseEntities ?? DEFAULT_NOISE;
  const noise = noiseEntities.includes(classification.entity)
    ? ('entity' as const)
    : isBookkeepingOnly(change, layout)
      ? ('bookkeeping' as const)
      : undefined;
  const origin = originOf(change.position);
  const restored = isRestoredInsert(change);
  const changeType = changeDetailType(classification.entity, change.op, change.expired, restored);
  const transition = statusTransition(change, classification);
  const changeDetail = detailFor(changeType, change, classification, layout, origin, transition);
  const events: MemoryEvent[] = [
    noise
      ? { kind: 'change', source, detailType: changeType, detail: changeDetail, noise }
      : { kind: 'change', source, detailType: changeType, detail: changeDetail },
  ];
  if (noise || restored) return events;
  // At most one of each: a conversation starts on an insert, a status event needs a transition.
  const semantic = (s: SemanticEvent | undefined) => {
    if (!s) return;
    const detail = detailFor(s.type, change, classification, layout, origin, s.transition);
    events.push({ kind: 'semantic', source, detailType: s.type, detail });
  };
  semantic(conversationStarted(change, classification, layout));
  semantic(statusEvents(classification, transition));
  return events;
}
