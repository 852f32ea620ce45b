/**
 * The EventBridge event pattern of a subscription to memory events. One pure function builds it, so
 * the rule the CDK construct deploys (`cdc.onEvent(filter, target)`) and the rules file that
 * `memory-cdc replay --rules` tests locally carry the very same JSON.
 */
import { DETAIL_TYPES } from '../catalog/detailTypes.js';
import { EVENT_SOURCE } from '../catalog/types.js';
import { ConfigError } from '../errors.js';
import { ENTITY_KINDS, type EntityKind, IDENTIFIER_NAMES, type IdentifierName } from '../layout/types.js';
import type { ChangeOp } from '../stream/types.js';

/**
 * One value a pattern leaf accepts: an exact string, or one of EventBridge's string content filters.
 * A list of them means "any of these".
 */
export type MatchValue =
  | string
  | { prefix: string }
  | { suffix: string }
  | { 'equals-ignore-case': string }
  | { wildcard: string }
  | { 'anything-but': string | string[] };

/**
 * Which memory events a subscriber wants. Every field narrows the match (fields are AND); the values
 * of one field are alternatives (OR). An empty filter matches every memory-cdc event.
 */
export interface MemoryEventFilter {
  /**
   * Detail-types from the event catalog, e.g. `Turn Created`, `Run Completed`.
   * @default any detail-type
   */
  detailType?: string[];
  /**
   * Entity kinds (`detail.entity`), e.g. `turn`, `run`.
   * @default any entity
   */
  entity?: EntityKind[];
  /**
   * Change operations (`detail.op`): `insert`, `modify`, `remove`, `read` (a `backfill` snapshot read).
   * @default any operation
   */
  op?: ChangeOp[];
  /**
   * Only TTL expiries (`true`) or only other changes (`false`) (`detail.expired`).
   * @default both
   */
  expired?: boolean;
  /**
   * The table's own entity names (`detail.sourceEntity`), e.g. Mastra's `workflow_snapshot`.
   * @default any
   */
  sourceEntity?: MatchValue[];
  /**
   * Identifier values (`detail.ids.<name>`), e.g. `{ userId: ['u-1'] }` or `{ userId: [{ prefix: 'tenant-a#' }] }`.
   * @default any identifiers
   */
  ids?: Partial<Record<IdentifierName, MatchValue[]>>;
  /**
   * Attribute names of which at least one changed (`detail.changed`), e.g. `['status']`.
   * @default any
   */
  changed?: string[];
  /**
   * Source table names (`detail.origin.table`), for a bus shared by several tables.
   * @default any table
   */
  table?: string[];
  /**
   * Layout names (`detail.layout`), e.g. `agent-memory`, `mastra`.
   * @default any layout
   */
  layout?: string[];
}

/** An EventBridge event pattern as PutRule and `memory-cdc replay --rules` take it. */
export interface MemoryEventPattern {
  source: string[];
  'detail-type'?: string[];
  detail?: Record<string, unknown>;
}

/** The filter fields, so a misspelt field is an error instead of a rule that matches everything. */
const FILTER_FIELDS = [
  'detailType',
  'entity',
  'op',
  'expired',
  'sourceEntity',
  'ids',
  'changed',
  'table',
  'layout',
] as const satisfies readonly (keyof MemoryEventFilter)[];

const OPS: readonly ChangeOp[] = ['insert', 'modify', 'remove', 'read'];
const CONTENT_FILTERS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but'] as const;
const DETAIL_TYPE_NAMES: readonly string[] = DETAIL_TYPES.map((info) => info.detailType);

/**
 * Builds the event pattern that matches the memory events a filter describes. The pattern always
 * requires `source: ["memory-cdc"]`, so a rule never fires for other events on a shared bus.
 *
 * @example
 * ```ts
 * const pattern = memoryEventPattern({ detailType: ['Turn Created'], ids: { userId: ['u-1'] } });
 * // { source: ['memory-cdc'], 'detail-type': ['Turn Created'], detail: { ids: { userId: ['u-1'] } } }
 * writeFileSync('rules.json', JSON.stringify({ 'new-turns': pattern }));
 * // npx memory-cdc replay --rules rules.json
 * ```
 * @param filter which events to match; an empty filter matches every memory event
 * @throws ConfigError naming the field and the bad value (unknown field, unknown entity, op or
 *   detail-type, empty list, malformed content filter)
 */
export function memoryEventPattern(filter: MemoryEventFilter = {}): MemoryEventPattern {
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) {
    throw new ConfigError(`memory event filter must be an object (given ${describe(filter)})`);
  }
  for (const field of Object.keys(filter)) {
    if (!(FILTER_FIELDS as readonly string[]).includes(field)) {
      throw new ConfigError(
        `memory event filter has an unknown field ${JSON.stringify(field)}; valid fields: ${FILTER_FIELDS.join(', ')}`,
      );
    }
  }

  const pattern: MemoryEventPattern = { source: [EVENT_SOURCE] };
  if (filter.detailType !== undefined) {
    pattern['detail-type'] = oneOf('detailType', filter.detailType, DETAIL_TYPE_NAMES);
  }

  const detail: Record<string, unknown> = {};
  if (filter.entity !== undefined) detail.entity = oneOf('entity', filter.entity, ENTITY_KINDS);
  if (filter.op !== undefined) detail.op = oneOf('op', filter.op, OPS);
  if (filter.expired !== undefined) {
    if (typeof filter.expired !== 'boolean') {
      throw new ConfigError(
        `memory event filter field expired must be true or false (given ${describe(filter.expired)})`,
      );
    }
    detail.expired = [filter.expired];
  }
  if (filter.sourceEntity !== undefined)
    detail.sourceEntity = matchValues('sourceEntity', filter.sourceEntity);
  if (filter.ids !== undefined) {
    if (filter.ids === null || typeof filter.ids !== 'object' || Array.isArray(filter.ids)) {
      throw new ConfigError(
        `memory event filter field ids must be an object (given ${describe(filter.ids)})`,
      );
    }
    const ids: Record<string, unknown> = {};
    for (const [name, values] of Object.entries(filter.ids)) {
      if (!(IDENTIFIER_NAMES as readonly string[]).includes(name)) {
        throw new ConfigError(
          `memory event filter field ids has an unknown identifier ${JSON.stringify(name)}; valid identifiers: ${IDENTIFIER_NAMES.join(', ')}`,
        );
      }
      ids[name] = matchValues(`ids.${name}`, values);
    }
    if (Object.keys(ids).length === 0) {
      throw new ConfigError('memory event filter field ids is empty; omit it to match any identifiers');
    }
    detail.ids = ids;
  }
  if (filter.changed !== undefined) detail.changed = strings('changed', filter.changed);
  if (filter.table !== undefined) detail.origin = { table: strings('table', filter.table) };
  if (filter.layout !== undefined) detail.layout = strings('layout', filter.layout);

  if (Object.keys(detail).length > 0) pattern.detail = detail;
  return pattern;
}

/** Checks a list against its allowed values and returns a copy. */
function oneOf<T extends string>(field: string, values: unknown, allowed: readonly T[]): T[] {
  const list = nonEmptyList(field, values);
  for (const value of list) {
    if (!(allowed as readonly unknown[]).includes(value)) {
      throw new ConfigError(
        `memory event filter field ${field} has an unknown value ${describe(value)}; valid values: ${allowed.join(', ')}`,
      );
    }
  }
  return [...list] as T[];
}

/** Checks a list of non-empty strings and returns a copy. */
function strings(field: string, values: unknown): string[] {
  const list = nonEmptyList(field, values);
  for (const value of list) {
    if (typeof value !== 'string' || value.length === 0) {
      throw new ConfigError(
        `memory event filter field ${field} must list non-empty strings (given ${describe(value)})`,
      );
    }
  }
  return [...list] as string[];
}

/** Checks a list of {@link MatchValue}s and returns a copy. */
function matchValues(field: string, values: unknown): MatchValue[] {
  const list = nonEmptyList(field, values);
  return list.map((value) => {
    if (typeof value === 'string') return value;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      const operator = keys[0];
      const operand = operator === undefined ? undefined : (value as Record<string, unknown>)[operator];
      if (keys.length === 1 && (CONTENT_FILTERS as readonly string[]).includes(operator!)) {
        const valid =
          typeof operand === 'string' ||
          (operator === 'anything-but' &&
            Array.isArray(operand) &&
            operand.length > 0 &&
            operand.every((item) => typeof item === 'string'));
        if (valid) return structuredClone(value) as MatchValue;
      }
    }
    throw new ConfigError(
      `memory event filter field ${field} has an invalid value ${describe(value)}; use a string or one of ` +
        CONTENT_FILTERS.map((op) => `{ "${op}": "…" }`).join(', '),
    );
  });
}

/** A list must be an array with at least one element: an empty list would never match. */
function nonEmptyList(field: string, values: unknown): readonly unknown[] {
  if (!Array.isArray(values)) {
    throw new ConfigError(`memory event filter field ${field} must be a list (given ${describe(values)})`);
  }
  if (values.length === 0) {
    throw new ConfigError(
      `memory event filter field ${field} is an empty list, which never matches; omit the field to match any value`,
    );
  }
  return values;
}

function describe(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}
