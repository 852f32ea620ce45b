/**
 * DynamoDB JSON -> plain JSON, checked value by value. Hand-written (instead of util-dynamodb's
 * `unmarshall`, which the property tests compare it with) because the product promises two things
 * `unmarshall` does not: an attribute named `__proto__` (or `constructor`, `toString`, …) comes
 * through as an ordinary attribute at every depth — maps become null-prototype objects filled with
 * `Object.defineProperty`, so no name reaches `Object.prototype` — and a malformed value (`{"S":
 * 123}`, `{"BOOL":"false"}`, bad base64, two type tags, `{"NULL": false}`) is an error naming the
 * attribute's path instead of a silently changed value.
 *
 * Sets become arrays, binary becomes base64 text, numbers follow the number rule (`jsonNumber.ts`).
 */
import { describeType, numberProblem } from './dynamoNumber.js';
import { toJsonNumber } from './jsonNumber.js';
import type { JsonValue, PlainItem } from './types.js';

/** A value that is not valid DynamoDB JSON; `path` names the attribute (`NewImage.meta.tags[2]`). */
export class MalformedAttributeError extends Error {
  readonly path: string;
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'MalformedAttributeError';
    this.path = path;
  }
}

/** Canonical base64 (RFC 4648 §4, padded), as Lambda events carry binary values. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const TYPE_TAGS = new Set(['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL']);

/** A property path segment: `.name` for plain names, `["…"]` for anything else. */
export function childPath(parent: string, name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `${parent}.${name}` : `${parent}[${JSON.stringify(name)}]`;
}

/** Sets an own, enumerable, writable property: safe for every name, `__proto__` included. */
export function defineOwn(target: object, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

/** A new object with no prototype, so no attribute name can reach Object.prototype members. */
export function emptyRecord<T = JsonValue>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

function binary(value: unknown, path: string): string {
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  }
  if (typeof value !== 'string') {
    throw new MalformedAttributeError(
      path,
      `binary must be base64 text or bytes, not ${describeType(value)}`,
    );
  }
  if (!BASE64.test(value)) throw new MalformedAttributeError(path, 'binary value is not valid base64');
  return value;
}

function number(value: unknown, path: string): number | string {
  const problem = numberProblem(value);
  if (problem) throw new MalformedAttributeError(path, problem);
  return toJsonNumber(value as string);
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') {
    throw new MalformedAttributeError(path, `string value must be a string, not ${describeType(value)}`);
  }
  return value;
}

function set<T extends JsonValue>(
  value: unknown,
  path: string,
  tag: string,
  member: (v: unknown, p: string) => T,
): T[] {
  if (!Array.isArray(value)) {
    throw new MalformedAttributeError(path, `${tag} must be an array, not ${describeType(value)}`);
  }
  const out: T[] = [];
  const seen = new Set<unknown>();
  for (let i = 0; i < value.length; i++) {
    const decoded = member(value[i], `${path}[${i}]`);
    if (seen.has(decoded)) {
      throw new MalformedAttributeError(`${path}[${i}]`, `duplicate member in a ${tag} set`);
    }
    seen.add(decoded);
    out.push(decoded);
  }
  return out;
}

/**
 * Decodes one attribute value.
 * @throws MalformedAttributeError naming `path` (or a path below it) and what is wrong
 */
export function decodeAttributeValue(value: unknown, path: string): JsonValue {
  if (!isPlainObject(value)) {
    throw new MalformedAttributeError(path, `attribute value must be an object, not ${describeType(value)}`);
  }
  const tags = Object.keys(value).filter((k) => value[k] !== undefined);
  if (tags.length !== 1) {
    throw new MalformedAttributeError(
      path,
      tags.length === 0
        ? 'attribute value has no type tag'
        : `attribute value has ${tags.length} type tags (${tags.slice(0, 4).join(', ')}); exactly one is allowed`,
    );
  }
  const tag = tags[0]!;
  if (!TYPE_TAGS.has(tag)) throw new MalformedAttributeError(path, `unknown type tag ${JSON.stringify(tag)}`);
  const inner = value[tag];
  switch (tag) {
    case 'S':
      return string(inner, path);
    case 'N':
      return number(inner, path);
    case 'B':
      return binary(inner, path);
    case 'BOOL':
      if (typeof inner !== 'boolean') {
        throw new MalformedAttributeError(path, `BOOL must be true or false, not ${describeType(inner)}`);
      }
      return inner;
    case 'NULL':
      if (inner !== true) throw new MalformedAttributeError(path, 'NULL must be true');
      return null;
    case 'SS':
      return set(inner, path, 'SS', string);
    case 'NS':
      return set(inner, path, 'NS', (v, p) => {
        const problem = numberProblem(v);
        if (problem) throw new MalformedAttributeError(p, problem);
        return v as string;
      }).map(toJsonNumber);
    case 'BS':
      return set(inner, path, 'BS', binary);
    case 'L': {
      if (!Array.isArray(inner)) {
        throw new MalformedAttributeError(path, `L must be an array, not ${describeType(inner)}`);
      }
      const out: JsonValue[] = new Array(inner.length);
      for (let i = 0; i < inner.length; i++) out[i] = decodeAttributeValue(inner[i], `${path}[${i}]`);
      return out;
    }
    default: // 'M'
      return decodeAttributeMap(inner, path);
  }
}

/**
 * Decodes a map of attribute values (an item image, a key, or an `M` value) into a null-prototype
 * object whose own properties are exactly the attribute names.
 * @throws MalformedAttributeError naming the bad attribute's path
 */
export function decodeAttributeMap(value: unknown, path: string): PlainItem {
  if (!isPlainObject(value)) {
    throw new MalformedAttributeError(path, `must be a map of attributes, not ${describeType(value)}`);
  }
  const out = emptyRecord();
  for (const name of Object.keys(value)) {
    defineOwn(out, name, decodeAttributeValue(value[name], childPath(path, name)));
  }
  return out;
}
