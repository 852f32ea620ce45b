/**
 * Turns a decoded, classified change into domain events: one change event (`Turn Created`, …) and
 * the semantic events its diff implies (`Run Completed`, `Ledger Entry Settled`, …).
 */
import { readString } from '../layout/readField.js';
import type { Classification, EntityKind, Layout } from '../layout/types.js';
import type { Change } from '../stream/types.js';
import { changeDetailType } from './detailTypes.js';
import { eventIdFor } from './eventId.js';
import { DETAIL_VERSION, EVENT_SOURCE, type MemoryEvent, type MemoryEventDetail } from './types.js';

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

function semanticTypes(
  change: Change,
  classification: Classification,
): { type: string; field: string; from: string | null; to: string | null }[] {
  const rule = classification.rule;
  if (!rule?.fields) return [];
  const out: { type: string; field: string; from: string | null; to: string | null }[] = [];
  const { entity } = classification;
  if (entity === 'turn' && change.op === 'insert') {
    const seq = readString(change.after, rule.fields.sequence);
    if (seq === '0' || seq === '1')
      out.push({ type: 'Conversation Started', field: 'sequence', from: null, to: seq });
  }
  const statusRef = rule.fields.status;
  if (
    statusRef &&
    change.op !== 'remove' &&
    (entity === 'run' || entity === 'run_step' || entity === 'ledger')
  ) {
    const from = readString(change.before, statusRef) ?? null;
    const to = readString(change.after, statusRef) ?? null;
    if (to !== null && to !== from) {
      const success = rule.successStatuses?.includes(to) ?? false;
      const failure = rule.failureStatuses?.includes(to) ?? false;
      const alreadyFinal =
        from !== null &&
        ((rule.successStatuses?.includes(from) ?? false) || (rule.failureStatuses?.includes(from) ?? false));
      if ((success || failure) && !alreadyFinal) {
        const label = entity === 'run' ? 'Run' : entity === 'run_step' ? 'Run Step' : undefined;
        const type = label ? `${label} ${success ? 'Completed' : 'Failed'}` : 'Ledger Entry Settled';
        out.push({ type, field: 'status', from, to });
      }
    }
  }
  return out;
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
  const { position } = change;
  const noiseEntities = options.noiseEntities ?? DEFAULT_NOISE;
  const noise = noiseEntities.includes(classification.entity)
    ? ('entity' as const)
    : isBookkeepingOnly(change, layout)
      ? ('bookkeeping' as const)
      : undefined;
  const origin = {
    table: position.table,
    streamArn: position.streamArn,
    region: position.region,
    eventId: position.eventId,
    sequenceNumber: position.sequenceNumber,
    approximateCreationTime: position.approximateCreationTime,
  };
  const detailFor = (detailType: string): MemoryEventDetail => {
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
      time: position.approximateCreationTime,
      origin,
    };
    if (classification.sourceEntity) detail.sourceEntity = classification.sourceEntity;
    return detail;
  };
  const changeType = changeDetailType(classification.entity, change.op, change.expired);
  const events: MemoryEvent[] = [
    noise
      ? { kind: 'change', source, detailType: changeType, detail: detailFor(changeType), noise }
      : { kind: 'change', source, detailType: changeType, detail: detailFor(changeType) },
  ];
  if (!noise) {
    for (const s of semanticTypes(change, classification)) {
      const detail = detailFor(s.type);
      detail.transition = { field: s.field, from: s.from, to: s.to };
      events.push({ kind: 'semantic', source, detailType: s.type, detail });
    }
  }
  return events;
}
