/**
 * DynamoDB JSON -> plain JSON, checked value by value. Hand-written (instead of util-dynamodb's
 * `unmarshall`, which the property tests compare it with) because the product promises two things
 * `unmarshall` does not: an attribute named `__proto__` (or `constructor`, `toString`, …) comes
 * through as an ordinary attribute at every depth — maps become null-prototype objects (so no name reaches `Object.prototype`) — and a malformed value (`{"S":
 * 123}`, `{"BOOL":"false"}`, bad base64, two type tags, `{"NULL": false}`) is an error naming the
 * attribute's path instead of a silently changed value.
 *
 * Sets become arrays, binary becomes base64 text, numbers follow the number rule (`jsonNumber.ts`).
 */
import { describeType, numberProblem } from './dynamoNumber.js';
import { isShortInteger, shortNumberValue, toJsonNumber } from './jsonNumber.js';
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

/** A property path segment: `.name` for plain names, `["…"]` for anything else. */
export function childPath(parent: string, name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `${parent}.${name}` : `${parent}[${JSON.stringify(name)}]`;
}

/** Sets an own, enumerable, writable property: safe for every name, `__proto__` included. */
export function defineOwn(target: object, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A new object with no prototype, so no attribute name can reach Object.prototype members. Made
 * from `{}` (not `Object.create(null)`, which V8 keeps as a slow dictionary): filled by plain
 * assignment, it stays a fast object that is cheap to build, read and `JSON.stringify`. With no
 * prototype there is no `__proto__` setter, so assigning that name makes an ordinary own property.
 */
export function emptyRecord<T = JsonValue>(): Record<string, T> {
  return Object.setPrototypeOf({}, null) as Record<string, T>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

// Paths name a bad value in errors only; building one per attribute costs more than decoding it.
// So values are decoded with their parent's path and their own name (a map attribute's name, a
// list index, or undefined for the value at `parent` itself), and the path is spelled out only for
// an error or when descending into a map or list.
type Name = string | number | undefined;

function pathOf(parent: string, name: Name): string {
  if (name === undefined) return parent;
  return typeof name === 'number' ? `${parent}[${name}]` : childPath(parent, name);
}

function malformed(parent: string, name: Name, problem: string): MalformedAttributeError {
  return new MalformedAttributeError(pathOf(parent, name), problem);
}

function binary(value: unknown, parent: string, name: Name): string {
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  }
  if (typeof value !== 'string') {
    throw malformed(parent, name, `binary must be base64 text or bytes, not ${describeType(value)}`);
  }
  if (!BASE64.test(value)) throw malformed(parent, name, 'binary value is not valid base64');
  return value;
}

function numberText(value: unknown, parent: string, name: Name): string {
  if (typeof value === 'string' && isShortInteger(value)) return value;
  const problem = numberProblem(value);
  if (problem) throw malformed(parent, name, problem);
  return value as string;
}

function string(value: unknown, parent: string, name: Name): string {
  if (typeof value !== 'string') {
    throw malformed(parent, name, `string value must be a string, not ${describeType(value)}`);
  }
  return value;
}

function set<T extends JsonValue>(
  value: unknown,
  parent: string,
  name: Name,
  tag: string,
  member: (v: unknown, parent: string, name: Name) => T,
): T[] {
  if (!Array.isArray(value)) {
    throw malformed(parent, name, `${tag} must be an array, not ${describeType(value)}`);
  }
  const path = pathOf(parent, name);
  const out: T[] = new Array(value.length);
  const seen = new Set<unknown>();
  for (let i = 0; i < value.length; i++) {
    const decoded = member(value[i], path, i);
    if (seen.has(decoded)) throw malformed(path, i, `duplicate member in a ${tag} set`);
    seen.add(decoded);
    out[i] = decoded;
  }
  return out;
}

const hasOwn = Object.prototype.hasOwnProperty;

function badTag(value: Record<string, unknown>, parent: string, name: Name): MalformedAttributeError {
  const tags = Object.keys(value).filter((k) => value[k] !== undefined);
  return malformed(
    parent,
    name,
    tags.length === 0
      ? 'attribute value has no type tag'
      : `attribute value has ${tags.length} type tags (${tags.slice(0, 4).join(', ')}); exactly one is allowed`,
  );
}

function decodeValue(value: unknown, parent: string, name: Name): JsonValue {
  if (!isPlainObject(value)) {
    throw malformed(parent, name, `attribute value must be an object, not ${describeType(value)}`);
  }
  // The value's one type tag and what it holds; own, defined members count. `for…in` with an own
  // check visits the names `Object.keys` lists, in its order (inherited names fail the check),
  // without an array per value, and reads each member by its enumeration index.
  let tag: string | undefined;
  let inner: unknown;
  for (const key in value) {
    if (!hasOwn.call(value, key)) continue;
    const member = value[key];
    if (member === undefined) continue;
    if (tag !== undefined) throw badTag(value, parent, name);
    tag = key;
    inner = member;
  }
  switch (tag) {
    case 'S':
      return string(inner, parent, name);
    case 'N':
      // Short plain numbers (counts, epoch seconds, scores) are always valid and exact: no further checks.
      if (typeof inner === 'string') {
        const short = shortNumberValue(inner);
        if (short !== undefined) return short;
      }
      return toJsonNumber(numberText(inner, parent, name));
    case 'B':
      return binary(inner, parent, name);
    case 'BOOL':
      if (typeof inner !== 'boolean') {
        throw malformed(parent, name, `BOOL must be true or false, not ${describeType(inner)}`);
      }
      return inner;
    case 'NULL':
      if (inner !== true) throw malformed(parent, name, 'NULL must be true');
      return null;
    case 'SS':
      return set(inner, parent, name, 'SS', string);
    case 'NS':
      return set(inner, parent, name, 'NS', numberText).map(toJsonNumber);
    case 'BS':
      return set(inner, parent, name, 'BS', binary);
    case 'L': {
      if (!Array.isArray(inner)) {
        throw malformed(parent, name, `L must be an array, not ${describeType(inner)}`);
      }
      const path = pathOf(parent, name);
      const out: JsonValue[] = new Array(inner.length);
      for (let i = 0; i < inner.length; i++) out[i] = decodeValue(inner[i], path, i);
      return out;
    }
    case 'M':
      return decodeMap(inner, parent, name);
    case undefined:
      throw badTag(value, parent, name);
    default:
      throw malformed(parent, name, `unknown type tag ${JSON.stringify(tag)}`);
  }
}

function decodeMap(value: unknown, parent: string, name: Name, names?: readonly string[]): PlainItem {
  if (!isPlainObject(value)) {
    throw malformed(parent, name, `must be a map of attributes, not ${describeType(value)}`);
  }
  const path = pathOf(parent, name);
  const out = emptyRecord();
  const attributes = names ?? Object.keys(value);
  for (let i = 0; i < attributes.length; i++) {
    const attribute = attributes[i]!;
    out[attribute] = decodeValue(value[attribute], path, attribute);
  }
  return out;
}

/**
 * Decodes one attribute value.
 * @throws MalformedAttributeError naming `path` (or a path below it) and what is wrong
 */
export function decodeAttributeValue(value: unknown, path: string): JsonValue {
  return decodeValue(value, path, undefined);
}

/**
 * Decodes a map of attribute values (an item image, a key, or an `M` value) into a null-prototype
 * object whose own properties are exactly the attribute names.
 * @throws MalformedAttributeError naming the bad attribute's path
 */
export function decodeAttributeMap(value: unknown, path: string): PlainItem {
  return decodeMap(value, path, undefined);
}

/**
 * {@link decodeAttributeMap} for a caller that already holds `Object.keys(value)` (the decoder
 * reuses an image's names for its changed attributes instead of listing them twice).
 * @throws MalformedAttributeError naming the bad attribute's path
 */
export function decodeAttributeMapWithNames(
  value: unknown,
  path: string,
  names: readonly string[],
): PlainItem {
  return decodeMap(value, path, undefined, names);
}
