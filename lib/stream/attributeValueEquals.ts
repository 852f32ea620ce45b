import type { AttributeValue } from './types.js';

type Tagged = Record<string, unknown>;

function bytesText(value: unknown): string {
  return typeof value === 'string' ? value : Buffer.from(value as Uint8Array).toString('base64');
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const members = new Set(a);
  return b.every((m) => members.has(m));
}

const TAGS = ['S', 'N', 'BOOL', 'NULL', 'B', 'SS', 'NS', 'BS', 'L', 'M'] as const;
const hasOwn = Object.prototype.hasOwnProperty;

/** The value's own type tag (an inherited member such as `constructor` never counts). */
function tagOf(value: Tagged): string | undefined {
  for (const tag of TAGS) {
    if (hasOwn.call(value, tag)) return tag;
  }
  return undefined;
}

/**
 * Deep equality of two DynamoDB JSON values. Sets compare as sets (DynamoDB does not keep member
 * order); numbers compare by value text, as DynamoDB normalises them before storing. Only own
 * members are read, so no attribute name can match an Object.prototype member.
 */
export function attributeValueEquals(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  const x = a as Tagged;
  const y = b as Tagged;
  // Strings and numbers, the usual values, without the general tag search (same answer: `S` is the
  // first tag looked for, `N` the second, and both compare their text).
  if (hasOwn.call(x, 'S')) return hasOwn.call(y, 'S') && x.S === y.S;
  if (hasOwn.call(x, 'N')) return !hasOwn.call(y, 'S') && hasOwn.call(y, 'N') && x.N === y.N;
  const tag = tagOf(x);
  if (tag === undefined || tag !== tagOf(y)) return false;
  const u = x[tag];
  const v = y[tag];
  switch (tag) {
    case 'NULL':
      return true;
    case 'B':
      return bytesText(u) === bytesText(v);
    case 'SS':
    case 'NS':
      return sameSet(u as string[], v as string[]);
    case 'BS':
      return sameSet((u as unknown[]).map(bytesText), (v as unknown[]).map(bytesText));
    case 'L': {
      const l = u as AttributeValue[];
      const r = v as AttributeValue[];
      return l.length === r.length && l.every((item, i) => attributeValueEquals(item, r[i]));
    }
    case 'M': {
      const l = u as Record<string, AttributeValue>;
      const r = v as Record<string, AttributeValue>;
      const keys = Object.keys(l);
      if (keys.length !== Object.keys(r).length) return false;
      return keys.every((k) => Object.hasOwn(r, k) && attributeValueEquals(l[k], r[k]));
    }
    default:
      return u === v;
  }
}
