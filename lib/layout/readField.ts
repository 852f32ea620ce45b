/**
 * Reads a {@link FieldRef} from a plain item: an attribute, or a dotted path into an attribute that
 * holds a map or a JSON string (Mastra stores message content and workflow snapshots as JSON text).
 * A path segment applied to an array applies to every element; text collected from several
 * elements is joined with newlines (`parts.text` yields a message's text parts).
 */
import type { JsonValue, PlainItem } from '../stream/types.js';
import type { FieldRef, SingleFieldRef } from './types.js';

function parseIfJson(value: JsonValue | undefined): JsonValue | undefined {
  if (typeof value !== 'string') return value;
  const first = value.trimStart()[0];
  if (first !== '{' && first !== '[') return value;
  try {
    return JSON.parse(value) as JsonValue;
  } catch {
    return value; // Not JSON after all: the attribute is plain text.
  }
}

function step(value: JsonValue | undefined, segment: string): JsonValue | undefined {
  if (value === null || value === undefined || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    if (/^\d+$/.test(segment)) return value[Number(segment)];
    const collected: JsonValue[] = [];
    for (const element of value) {
      const v = step(element, segment);
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) collected.push(...v);
      else collected.push(v);
    }
    return collected.length ? collected : undefined;
  }
  // Own members only: a JSON key named `constructor` is data, an inherited one is not.
  return Object.hasOwn(value, segment) ? value[segment] : undefined;
}

/**
 * The value at `ref` in `item`, or undefined. A list of refs yields the text of those present,
 * joined with a blank line (or the one value, when only one is present).
 */
export function readField(item: PlainItem | null, ref: FieldRef | undefined): JsonValue | undefined {
  if (!item || ref === undefined) return undefined;
  if (Array.isArray(ref)) {
    const values = ref.map((r) => readSingle(item, r)).filter((v) => v !== undefined && v !== null);
    if (values.length <= 1) return values[0];
    const texts = values.filter((v): v is string => typeof v === 'string');
    return texts.length ? texts.join('\n\n') : values[0];
  }
  return readSingle(item, ref);
}

function readSingle(item: PlainItem, ref: SingleFieldRef): JsonValue | undefined {
  if (typeof ref === 'string') return Object.hasOwn(item, ref) ? item[ref] : undefined;
  const root = Object.hasOwn(item, ref.attribute) ? item[ref.attribute] : undefined;
  if (!ref.path) return root;
  let value = parseIfJson(root);
  for (const segment of ref.path.split('.')) value = step(value, segment);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join('\n');
  return value;
}

/** The value at `ref` as a string (numbers and booleans printed), or undefined. */
export function readString(item: PlainItem | null, ref: FieldRef | undefined): string | undefined {
  const value = readField(item, ref);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
