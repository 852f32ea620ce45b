/**
 * Classifies an item under a layout: the discriminator attribute first (where the item carries
 * one), else the key templates. Unknown items are never dropped: they come back as `unknown`.
 */
import type { PlainItem } from '../stream/types.js';
import { compileKeyTemplate, type KeyTemplate } from './keyTemplate.js';
import { readString } from './readField.js';
import {
  type Classification,
  type EntityRule,
  IDENTIFIER_NAMES,
  type IdentifierName,
  type Identifiers,
  type Layout,
} from './types.js';

/**
 * Where an identifier comes from in a rule's key templates: the placeholder's position in the
 * partition key's or the sort key's captured values (the sort key's when both name it).
 */
interface KeySlot {
  name: IdentifierName;
  fromSk: boolean;
  index: number;
}

interface CompiledRule {
  rule: EntityRule;
  pk: KeyTemplate | undefined;
  sk: KeyTemplate | undefined;
  /**
   * The identifiers the templates capture, in the order of their placeholders (the partition
   * key's, then the sort key's new ones): the order in which they enter `ids`.
   */
  keySlots: KeySlot[];
  identifiers: [IdentifierName, NonNullable<EntityRule['identifiers']>[IdentifierName]][];
}

interface CompiledLayout {
  /** The discriminator attributes, in the order they are tried. */
  discriminators: string[];
  /** Rules per discriminator value, in layout order (the first whose templates fit wins). */
  byDiscriminator: Map<string, CompiledRule[]>;
  byTemplate: CompiledRule[];
}

const IDENTIFIERS = new Set<string>(IDENTIFIER_NAMES);
const compiled = new WeakMap<Layout, CompiledLayout>();

function compile(layout: Layout): CompiledLayout {
  const byDiscriminator = new Map<string, CompiledRule[]>();
  const byTemplate: CompiledRule[] = [];
  for (const rule of layout.entities) {
    const pk = rule.pk ? compileKeyTemplate(rule.pk) : undefined;
    const sk = rule.sk ? compileKeyTemplate(rule.sk) : undefined;
    const entry: CompiledRule = {
      rule,
      pk,
      sk,
      keySlots: keySlotsOf(pk, sk),
      identifiers: Object.entries(rule.identifiers ?? {}) as CompiledRule['identifiers'],
    };
    for (const value of rule.discriminatorValues ?? []) {
      const list = byDiscriminator.get(value);
      if (list) list.push(entry);
      else byDiscriminator.set(value, [entry]);
    }
    if ((entry.pk || entry.sk) && !rule.discriminatorOnly) byTemplate.push(entry);
  }
  const discriminators = layout.discriminator === undefined ? [] : [layout.discriminator].flat();
  return { discriminators, byDiscriminator, byTemplate };
}

function keySlotsOf(pk: KeyTemplate | undefined, sk: KeyTemplate | undefined): KeySlot[] {
  const slots: KeySlot[] = [];
  const skNames = sk?.names ?? [];
  for (const [index, name] of (pk?.names ?? []).entries()) {
    if (!IDENTIFIERS.has(name)) continue;
    const inSk = skNames.indexOf(name);
    slots.push(
      inSk === -1
        ? { name: name as IdentifierName, fromSk: false, index }
        : { name: name as IdentifierName, fromSk: true, index: inSk },
    );
  }
  for (const [index, name] of skNames.entries()) {
    if (IDENTIFIERS.has(name) && !pk?.names.includes(name)) {
      slots.push({ name: name as IdentifierName, fromSk: true, index });
    }
  }
  return slots;
}

function compiledLayout(layout: Layout): CompiledLayout {
  let c = compiled.get(layout);
  if (!c) {
    c = compile(layout);
    compiled.set(layout, c);
  }
  return c;
}

function keyText(item: PlainItem, attribute: string | undefined): string | undefined {
  if (!attribute || !Object.hasOwn(item, attribute)) return undefined;
  const value = item[attribute];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** The item's key values as text, read once per classification (every rule tests the same ones). */
interface KeyTexts {
  pk: string | undefined;
  sk: string | undefined;
}

function keyTexts(layout: Layout, item: PlainItem): KeyTexts {
  return { pk: keyText(item, layout.partitionKey), sk: keyText(item, layout.sortKey) };
}

/**
 * `key.startsWith(prefix)`, with the first character compared before the call: it tells most
 * rules apart (`CONV#` from `RUN#`) for far less than `startsWith` costs.
 */
function startsWithPrefix(key: string, prefix: string): boolean {
  return prefix === '' || (key.charCodeAt(0) === prefix.charCodeAt(0) && key.startsWith(prefix));
}

/** What a rule's templates captured from the item's keys (an empty list for a missing template). */
interface Captured {
  pk: readonly string[];
  sk: readonly string[];
}

const NONE: readonly string[] = [];

/** Placeholder values of the rule's templates, or undefined when a template does not fit. */
function templateValues(entry: CompiledRule, keys: KeyTexts): Captured | undefined {
  const { pk, sk } = entry;
  // The literal prefixes first: most rules are told apart there, before any regex runs.
  if (pk && (keys.pk === undefined || !startsWithPrefix(keys.pk, pk.prefix))) return undefined;
  if (sk && (keys.sk === undefined || !startsWithPrefix(keys.sk, sk.prefix))) return undefined;
  const fromPk = pk ? pk.capture(keys.pk!) : NONE;
  if (!fromPk) return undefined;
  const fromSk = sk ? sk.capture(keys.sk!) : NONE;
  if (!fromSk) return undefined;
  return { pk: fromPk, sk: fromSk };
}

function identifiersOf(entry: CompiledRule, fromKeys: Captured | undefined, item: PlainItem): Identifiers {
  const ids: Identifiers = {};
  if (fromKeys) {
    // A placeholder matches one character or more: every captured identifier is non-empty.
    for (const slot of entry.keySlots)
      ids[slot.name] = (slot.fromSk ? fromKeys.sk : fromKeys.pk)[slot.index]!;
  }
  for (const [name, ref] of entry.identifiers) {
    // An empty string is no identifier (Mastra writes `""` for a score's missing thread): leaving
    // it out keeps `{"exists": true}` rules and partition keys honest.
    const value = readString(item, ref);
    if (value) ids[name] = value;
  }
  return ids;
}

function classified(entry: CompiledRule, ids: Identifiers): Classification {
  const name = entry.rule.name;
  return name && name !== entry.rule.entity
    ? { entity: entry.rule.entity, sourceEntity: name, ids, rule: entry.rule }
    : { entity: entry.rule.entity, ids, rule: entry.rule };
}

/**
 * Classifies one item. Pass the newest image available (the after image, else the before image,
 * else the keys).
 *
 * @example
 * ```ts
 * import { agentMemoryLayout, classifyItem } from 'memory-cdc';
 *
 * const { entity, ids } = classifyItem(agentMemoryLayout, {
 *   pk: 'USER#u1',
 *   sk: 'CONV#c1#TS#2026-11-22T10:00:00.000Z',
 *   role: 'user',
 *   text: 'hello',
 * });
 * // entity === 'turn', ids === { userId: 'u1', conversationId: 'c1', timestamp: '2026-11-22T10:00:00.000Z' }
 * ```
 */
export function classifyItem(layout: Layout, item: PlainItem): Classification {
  const c = compiledLayout(layout);
  let unknownValue: string | undefined;
  for (const name of c.discriminators) {
    const value = Object.hasOwn(item, name) ? item[name] : undefined;
    if (typeof value !== 'string') continue;
    const entries = c.byDiscriminator.get(value);
    if (!entries) {
      unknownValue ??= value;
      continue;
    }
    // Several rules may share a value (the prefixed and the literal form of one entity): the first
    // whose templates fit reads the identifiers from the keys; else the first reads attributes only.
    const keys = keyTexts(layout, item);
    for (const entry of entries) {
      const values = templateValues(entry, keys);
      if (values) return classified(entry, identifiersOf(entry, values, item));
    }
    return classified(entries[0]!, identifiersOf(entries[0]!, undefined, item));
  }
  // A discriminator the layout does not know: still unknown, but say what the table called it.
  const keys = keyTexts(layout, item);
  if (
    unknownValue !== undefined &&
    c.byDiscriminator.size > 0 &&
    !c.byTemplate.some((e) => templateValues(e, keys))
  ) {
    return { entity: 'unknown', sourceEntity: unknownValue, ids: {}, rule: undefined };
  }
  for (const entry of c.byTemplate) {
    const values = templateValues(entry, keys);
    if (values) return classified(entry, identifiersOf(entry, values, item));
  }
  return { entity: 'unknown', ids: {}, rule: undefined };
}
