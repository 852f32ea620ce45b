/**
 * A layout says how a memory table stores its entities: key attribute names, an optional
 * discriminator attribute, key templates per entity, and where identifiers and fields live.
 * Presets ship in `presets/`; a custom layout is the same shape in a JSON file.
 */
import type { JsonValue, PlainItem } from '../stream/types.js';

/** The kinds of agent-memory items memory-cdc knows. `unknown` items still flow and are counted. */
export const ENTITY_KINDS = [
  'conversation',
  'turn',
  'run',
  'run_step',
  'ledger',
  'idempotency',
  'rate_limit',
  'flag',
  'memory',
  'unknown',
] as const;

/** One of {@link ENTITY_KINDS}. */
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** Identifiers memory-cdc extracts from keys and attributes; consumers filter and partition on them. */
export const IDENTIFIER_NAMES = [
  'userId',
  'conversationId',
  'turnId',
  'runId',
  'step',
  'toolCallId',
  'idempotencyKey',
  'counterKey',
  'flagKey',
  'memoryId',
  'workflowName',
  'traceId',
  'spanId',
  'timestamp',
] as const;

/** One of {@link IDENTIFIER_NAMES}. */
export type IdentifierName = (typeof IDENTIFIER_NAMES)[number];

/**
 * The identifiers of one item; only those found are present. Values are non-empty strings: an
 * attribute holding `""` (Mastra writes `""` for a score without thread or resource) counts as absent.
 */
export type Identifiers = Partial<Record<IdentifierName, string>>;

/** Item fields the catalog and the sinks read (status transitions, turn text, embeddings). */
export const FIELD_NAMES = ['status', 'text', 'role', 'embedding', 'sequence'] as const;

/** One of {@link FIELD_NAMES}. */
export type FieldName = (typeof FIELD_NAMES)[number];

/** One place in an item: an attribute name, or an attribute and a dotted path inside it. */
export type SingleFieldRef = string | { attribute: string; path?: string };

/**
 * Where a value lives in an item: an attribute name, or an attribute holding a JSON string (or a
 * map) and a dotted path inside it (`{ "attribute": "snapshot", "path": "status" }`), or a list of
 * those whose text values are joined with a blank line (`["user_input", "model_response"]`: a turn
 * that holds both sides of an exchange).
 */
export type FieldRef = SingleFieldRef | SingleFieldRef[];

/** How one entity is recognised and read. */
export interface EntityRule {
  /** The entity kind items matching this rule get. */
  entity: EntityKind;
  /**
   * The name the table itself uses (e.g. Mastra's `workflow_snapshot`); reported as `sourceEntity`.
   * @default the entity kind
   */
  name?: string;
  /** Values of the layout's discriminator attribute that mean this entity. */
  discriminatorValues?: string[];
  /**
   * Template of the partition key value, literal text with `{identifier}` placeholders,
   * e.g. `USER#{userId}`. A placeholder matches one or more characters other than `#`.
   */
  pk?: string;
  /** Template of the sort key value, e.g. `CONV#{conversationId}#TS#{timestamp}`. */
  sk?: string;
  /**
   * The templates only read identifiers of an item the discriminator already gave this rule; they
   * never classify an item on their own (a literal `{userId}` partition key fits almost anything).
   * @default false
   */
  discriminatorOnly?: boolean;
  /** Identifiers read from attributes (they win over values parsed from keys). */
  identifiers?: Partial<Record<IdentifierName, FieldRef>>;
  /** Fields read from attributes. */
  fields?: Partial<Record<FieldName, FieldRef>>;
  /** Status values that mean the entity finished successfully (for `… Completed` / `… Settled`). */
  successStatuses?: string[];
  /** Status values that mean the entity failed. */
  failureStatuses?: string[];
}

/** A table layout: a preset or a custom layout file. */
export interface Layout {
  /** Short name (`agent-memory`, `mastra`, or the custom file's). */
  name: string;
  /** One sentence for humans. */
  description?: string;
  /** Partition key attribute name. */
  partitionKey: string;
  /** Sort key attribute name, when the table has one. */
  sortKey?: string;
  /**
   * DynamoDB types of the key attributes, for the tables memory-cdc creates itself (`dev`, the
   * end-to-end tests); a deployed stack never creates the table. @default `S` for each key
   */
  keyTypes?: Partial<Record<string, 'S' | 'N' | 'B'>>;
  /** TTL attribute name (epoch seconds). */
  ttlAttribute?: string;
  /**
   * Global secondary indexes the writer's table has (string keys). memory-cdc never reads them;
   * `memory-cdc dev` creates them so the writer's own client works against the local table (Mastra's
   * store queries `gsi1` and `gsi2`).
   * @default none
   */
  secondaryIndexes?: SecondaryIndex[];
  /**
   * Attribute whose value names the entity, where items carry one; or several names, tried in
   * order (the first attribute whose value a rule knows decides).
   */
  discriminator?: string | string[];
  /**
   * Binary attributes that may hold gzip-compressed text (a long conversation history). Where the
   * bytes start with the gzip magic number they are decompressed to UTF-8 text in the plain images
   * every sink reads (events, the archive's `plain` view, the vector index); the archive's DynamoDB
   * JSON keeps the stored bytes unchanged. Values that are not gzip pass through as they are.
   * @default []
   */
  gunzip?: string[];
  /** Entity rules, tried in order after the discriminator; the first whose templates match wins. */
  entities: EntityRule[];
  /**
   * Attributes that are bookkeeping: a MODIFY that changes only these (e.g. `updated_at`, the TTL
   * attribute, optimistic-lock versions) is noise and is not published to EventBridge by default.
   */
  bookkeeping: string[];
  /**
   * Which change means "a conversation started" (the `Conversation Started` event), so it fires
   * exactly once per conversation:
   * - `first-turn`: the insert of the turn whose sequence field equals {@link Layout.firstSequence};
   * - `conversation`: the insert of a `conversation` item (Mastra's thread, a ticket, a session);
   * - `none`: never (the layout has neither a turn sequence nor conversation items).
   *
   * @default `first-turn` when a turn rule maps a `sequence` field, else `conversation` when the
   * layout has a `conversation` rule, else `none` (see {@link conversationStartRule})
   */
  conversationStart?: ConversationStart;
  /**
   * The sequence value of a conversation's first turn, for `conversationStart: 'first-turn'`.
   * @default 1
   */
  firstSequence?: number;
}

/** A global secondary index of the writer's table. */
export interface SecondaryIndex {
  /** Index name, e.g. `gsi1`. */
  name: string;
  /** Partition key attribute, e.g. `gsi1pk`. */
  partitionKey: string;
  /** Sort key attribute, e.g. `gsi1sk`. */
  sortKey?: string;
}

/** The choices of {@link Layout.conversationStart}. */
export const CONVERSATION_STARTS = ['first-turn', 'conversation', 'none'] as const;

/** One of {@link CONVERSATION_STARTS}. */
export type ConversationStart = (typeof CONVERSATION_STARTS)[number];

/** What an item is, as a layout reads it. */
export interface Classification {
  entity: EntityKind;
  /** The table's own name for the entity when it differs from the kind (Mastra's `thread`…). */
  sourceEntity?: string;
  ids: Identifiers;
  /** The rule that matched, or undefined for `unknown` items. */
  rule: EntityRule | undefined;
}

/** Reads a {@link FieldRef} from a plain item. */
export type FieldReader = (item: PlainItem | null, ref: FieldRef | undefined) => JsonValue | undefined;
