/**
 * Routed outputs: what each sink would receive for one stream record. The router is pure; sinks
 * (local for replay, AWS adapters in the Lambdas) take these and report what they accepted.
 */
import type { MemoryEventDetail } from '../catalog/types.js';
import type { EntityKind, Identifiers } from '../layout/types.js';
import type { AttributeMap, PlainItem } from '../stream/types.js';

/** The four sinks. */
export const SINK_NAMES = ['eventbridge', 'kinesis', 'archive', 'vector'] as const;

/** One of {@link SINK_NAMES}. */
export type SinkName = (typeof SINK_NAMES)[number];

/** An EventBridge PutEvents entry, with `Detail` still an object (publishers serialize it). */
export interface EventBridgeEntry {
  Source: string;
  DetailType: string;
  Detail: MemoryEventDetail;
  /** Time of the change (ISO-8601); absent when the record has none (EventBridge stamps it). */
  Time?: string;
  /** ARNs the event concerns: the table's. */
  Resources: string[];
  /** Bus name; filled in by the publisher from configuration when absent. */
  EventBusName?: string;
}

/**
 * One change for the Kinesis change log. The publisher carries a key's consecutive changes in one
 * record (change-log format 2, `lib/changeLog/format.ts`).
 */
export interface KinesisEntry {
  /** Keeps one conversation (or run, or item) in order. */
  PartitionKey: string;
  /** The change event (serialized as JSON by the publisher, inside the record's `changes`). */
  Data: MemoryEventDetail;
}

/** One line of the TTL archive: the expired item, lossless, with a plain view and identifiers. */
export interface ArchiveEntry {
  table: string;
  entity: EntityKind;
  sourceEntity?: string;
  ids: Identifiers;
  /** Expiry time (the TTL deletion's approximate creation time, ISO-8601). */
  expiredAt: string;
  /** Hive partition values for the archive path. */
  partition: { dt: string; hour: string };
  /** Key attributes in DynamoDB JSON. */
  keys: AttributeMap;
  /** The full old image in DynamoDB JSON: restore writes exactly this. */
  item: AttributeMap;
  /** The same item as plain JSON, for queries. */
  plain: PlainItem;
  /** Deterministic event id of the expiry. */
  eventId: string;
  origin: { streamArn: string; eventId: string; sequenceNumber: string };
}

/** Why a vector operation happened. */
export type VectorReason = 'inserted' | 'text-changed' | 'embedding-changed' | 'removed' | 'expired';

/** An index operation for the vector sync worker. */
export interface VectorOperation {
  action: 'upsert' | 'delete';
  reason: VectorReason;
  /** Stable key of the vector: derived from the item's key, so replays are idempotent. */
  vectorKey: string;
  keys: PlainItem;
  ids: Identifiers;
  /** Turn text (upserts). */
  text?: string;
  /** The item's own embedding, when it carries one (upserts). */
  embedding?: number[];
  role?: string;
  /** Stream position, so a stale change never overwrites a newer one. */
  position: { sequenceNumber: string; approximateCreationEpochMs?: number };
  eventId: string;
}

interface OutputBase {
  /** The originating stream record's eventID. */
  record: string;
  /** The stream record's sequence number. */
  sequenceNumber: string;
  entity: EntityKind;
  /** The deterministic id of the event this output carries. */
  eventId: string;
}

/** An output for EventBridge. */
export interface EventBridgeOutput extends OutputBase {
  sink: 'eventbridge';
  detailType: string;
  payload: EventBridgeEntry;
}

/** An output for the Kinesis change log. */
export interface KinesisOutput extends OutputBase {
  sink: 'kinesis';
  detailType: string;
  payload: KinesisEntry;
}

/** An output for the TTL archive. */
export interface ArchiveOutput extends OutputBase {
  sink: 'archive';
  payload: ArchiveEntry;
}

/** An output for the vector index. */
export interface VectorOutput extends OutputBase {
  sink: 'vector';
  payload: VectorOperation;
}

/** Any routed output. */
export type RoutedOutput = EventBridgeOutput | KinesisOutput | ArchiveOutput | VectorOutput;

/** Which entities go to a sink, and whether noise goes too. */
export interface SinkRoute {
  enabled: boolean;
  /** Entities routed to this sink, or `all`. */
  entities: EntityKind[] | 'all';
  /** Whether noise events (counter bumps, bookkeeping-only modifies) are routed. */
  includeNoise: boolean;
}

/** Routing configuration: which entities go where. */
export interface RoutingConfig {
  /** Change and semantic events for rule subscribers. @default all entities but noise */
  eventbridge: SinkRoute;
  /** The ordered change log: every change, in order per key. @default every entity, noise included */
  kinesis: SinkRoute;
  /** TTL expiries with the full old image. @default all entities */
  archive: SinkRoute;
  /** Turn text/embedding changes. @default turn */
  vector: SinkRoute;
}

/**
 * A routing file as written (`--routing`, `MEMORY_CDC_ROUTING`): any sink and any field may be left
 * out; the defaults fill in, sink by sink (`resolveRouting`).
 */
export type PartialRouting = Partial<Record<keyof RoutingConfig, Partial<SinkRoute>>>;
