/**
 * The event catalog's public types: what EventBridge rule targets, Kinesis consumers and the
 * local replay receive. Consumers may import these (`import type { MemoryEventDetail } from
 * 'memory-cdc/catalog'`). The JSON Schemas in `catalog/schemas/` describe the same shapes.
 */
import type { EntityKind, Identifiers } from '../layout/types.js';
import type { ChangeOp, PlainItem } from '../stream/types.js';

/** EventBridge `source` of every memory-cdc event. */
export const EVENT_SOURCE = 'memory-cdc';

/** Version of the detail envelope; bumped only on breaking changes. */
export const DETAIL_VERSION = '1';

/** Where the change came from in the table's stream. */
export interface EventOrigin {
  table: string;
  streamArn: string;
  region: string;
  /** The stream record's eventID. */
  eventId: string;
  /** The stream record's sequence number (a decimal string; compare as a big integer). */
  sequenceNumber: string;
  /**
   * Approximate time DynamoDB wrote the change (ISO-8601). Absent when the stream record carries
   * no ApproximateCreationDateTime (legal: the AWS Lambda guide's sample event has none).
   */
  approximateCreationTime?: string;
}

/** A pointer to the full event in S3 when it is larger than the bus accepts (claim check). */
export interface ClaimCheck {
  bucket: string;
  key: string;
  /** Size of the full detail in bytes. */
  bytes: number;
}

/**
 * The `detail` of every memory-cdc event, and each change of a Kinesis change-log record (read them
 * with `readChanges` from `memory-cdc/change-log`).
 */
export interface MemoryEventDetail {
  /** Envelope version, {@link DETAIL_VERSION}. */
  version: string;
  /** Deterministic id: the same stream record always yields the same id (dedupe on it). */
  eventId: string;
  /** The EventBridge detail-type, repeated so Kinesis consumers see it too. */
  detailType: string;
  op: ChangeOp;
  entity: EntityKind;
  /** The table's own name for the entity when it differs (Mastra's `thread`, `message`, …). */
  sourceEntity?: string;
  /** True when DynamoDB's TTL process deleted the item. */
  expired: boolean;
  ids: Identifiers;
  keys: PlainItem;
  /** Top-level attributes whose value changed (every attribute present for inserts and removes). */
  changed: string[];
  /** Item before the change (plain JSON), or null. Absent when replaced by a claim check. */
  before: PlainItem | null;
  /** Item after the change (plain JSON), or null. Absent when replaced by a claim check. */
  after: PlainItem | null;
  /**
   * The value that moved, before and after. Present on every change event of a run, run step or
   * ledger entry whose status changed (`Run Created`, `Run Updated`, … — including statuses inside
   * JSON-string attributes such as Mastra's `snapshot`), on the semantic events derived from it, and
   * on a first-turn `Conversation Started` (`field: 'sequence'`). Never on snapshot reads.
   */
  transition?: Transition;
  /** Name of the layout that classified the item. */
  layout: string;
  /**
   * Approximate time of the change (ISO-8601). Absent when the stream record carries no
   * ApproximateCreationDateTime; the PutEvents entry then has no `Time` and EventBridge stamps
   * the time it received the event.
   */
  time?: string;
  origin: EventOrigin;
  /** Present when the images were moved to S3 because the event was too large. */
  claimCheck?: ClaimCheck;
}

/** A value that moved: a run's `status` from `running` to `suspended`, a turn's `sequence` from null. */
export interface Transition {
  /** The layout field that moved (`status`, `sequence`). */
  field: string;
  /** The value before; null when the item is new or the stream view carries no old image. */
  from: string | null;
  /** The value after; null when the field was removed. */
  to: string | null;
}

/** Change events follow the op; semantic events are derived from what the diff means. */
export type EventKind = 'change' | 'semantic';

/** A domain event before it is routed. */
export interface MemoryEvent {
  kind: EventKind;
  source: string;
  detailType: string;
  detail: MemoryEventDetail;
  /**
   * Why this event is noise (a rate-limit counter bump, a bookkeeping-only modify), or undefined.
   * Noise is not published to EventBridge by default.
   */
  noise?: 'entity' | 'bookkeeping';
}

export type { MemoryDetailType, SemanticDetailType } from './detailTypes.js';
