/**
 * Compiles EventBridge event patterns into matcher functions, with the semantics EventBridge
 * documents: fields are AND, a leaf's values are OR, nested objects follow the event's nesting, an
 * event array matches when any element does (objects in one array element are matched together),
 * and `$or` takes two or more alternative sub-patterns. Malformed patterns are rejected as PutRule
 * rejects them.
 */

import { compileLeaf } from './compileLeaf.js';
import { parseJsonExact } from './ExactNumber.js';
import { InvalidPatternError } from './InvalidPatternError.js';
import { ipToHex } from './ipAddress.js';
import { isPlainObject } from './isPlainObject.js';
import { MAX_PATTERN_LENGTH, RESERVED_OR_FIELD_NAMES } from './limits.js';
import { buildObjectTest, type FieldTest, NOT_SINGLE, type ObjectTest } from './objectTest.js';
import type { CompiledPattern, ValueMatcher } from './types.js';

/** Options of {@link compilePattern}. */
export interface CompileOptions {
  /**
   * Generate a small function per pattern level (fast: each pattern gets its own inline caches).
   * Set false where code generation from strings is disallowed; matching is the same, only slower.
   * @default true (falls back to closures by itself when the runtime forbids code generation)
   */
  generateCode?: boolean;
}

const OR = '$or';

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function compileOr(alternatives: unknown, path: string, options: CompileOptions): ObjectTest[] {
  const at = join(path, OR);
  if (!Array.isArray(alternatives)) {
    throw new InvalidPatternError('$or must be followed by an array of objects', { path: at });
  }
  const tests = alternatives.map((alternative, index) => {
    if (!isPlainObject(alternative)) {
      throw new InvalidPatternError('Only JSON objects are allowed in the array of a $or', {
        path: `${at}[${index}]`,
      });
    }
    return compileObject(alternative, `${at}[${index}]`, true, options);
  });
  if (tests.length < 2) {
    throw new InvalidPatternError(`There must be at least 2 objects in a $or (given ${tests.length})`, {
      path: at,
    });
  }
  return tests;
}

/** The leaf's value when it is one exact JSON scalar that `===` decides (IP literals match by address). */
function singleExactValue(values: readonly unknown[]): unknown {
  if (values.length !== 1) return NOT_SINGLE;
  const [value] = values;
  if (typeof value === 'string') return ipToHex(value) === undefined ? value : NOT_SINGLE;
  return typeof value === 'boolean' || value === null || Number.isFinite(value) ? value : NOT_SINGLE;
}

function compileObject(
  node: Readonly<Record<string, unknown>>,
  path: string,
  insideOr: boolean,
  options: CompileOptions,
): ObjectTest {
  const entries = Object.entries(node);
  if (entries.length === 0) throw new InvalidPatternError('Empty objects are not allowed', { path });

  const leaves: FieldTest[] = [];
  const objects: FieldTest[] = [];
  let alternatives: ObjectTest[] | undefined;
  for (const [key, value] of entries) {
    const at = join(path, key);
    if (key === OR) {
      alternatives = compileOr(value, path, options);
    } else if (insideOr && RESERVED_OR_FIELD_NAMES.has(key)) {
      throw new InvalidPatternError(`${key} is a reserved keyword and cannot be a field name inside $or`, {
        path: at,
      });
    } else if (Array.isArray(value)) {
      const matcher = compileLeaf(value, at);
      leaves.push({ key, single: singleExactValue(value), nested: undefined, matcher });
    } else if (isPlainObject(value)) {
      const nested = compileObject(value, at, insideOr, options);
      objects.push({ key, single: NOT_SINGLE, nested, matcher: objectValueMatcher(nested) });
    } else {
      throw new InvalidPatternError(`"${key}" must be an object or an array`, { path: at });
    }
  }

  // Leaves first: `source` and `detail-type` usually reject an event before `detail` is visited.
  return buildObjectTest([...leaves, ...objects], alternatives, options.generateCode !== false);
}

/**
 * Wraps a nested object test as a matcher of the event value at that field. An array of objects
 * matches when one element matches the whole sub-pattern; a missing, scalar or object-free value
 * is "nothing there", which only patterns made of `exists: false` accept.
 */
function objectValueMatcher(test: ObjectTest): ValueMatcher {
  const whenAbsent = test(undefined);
  const scan = (array: readonly unknown[]): boolean | undefined => {
    let sawObject = false;
    for (const element of array) {
      if (Array.isArray(element)) {
        const nested = scan(element);
        if (nested === true) return true;
        if (nested === false) sawObject = true;
      } else if (isPlainObject(element)) {
        if (test(element)) return true;
        sawObject = true;
      }
    }
    return sawObject ? false : undefined;
  };
  return (value) => {
    if (typeof value !== 'object' || value === null) return whenAbsent;
    if (!Array.isArray(value)) return test(value as Readonly<Record<string, unknown>>);
    return scan(value) ?? whenAbsent;
  };
}

/**
 * Compiles an EventBridge event pattern once, for matching many events. Accepts the pattern as a
 * parsed object or as its JSON text (what PutRule takes).
 *
 * @example
 * ```ts
 * import { compilePattern } from './lib/patterns/index.js';
 *
 * const turns = compilePattern({
 *   source: ['memory-cdc'],
 *   'detail-type': ['Turn Created'],
 *   detail: { ids: { userId: [{ prefix: 'tenant-a#' }] } },
 * });
 * turns.matches({ source: 'memory-cdc', 'detail-type': 'Turn Created', detail: { ids: { userId: 'tenant-a#u1' } } }); // true
 * ```
 * @param pattern the event pattern (object or JSON text)
 * @param options see {@link CompileOptions}
 * @throws InvalidPatternError with the reason PutRule would give (non-object pattern, leaf that is
 *   not an array, empty array or object, unknown operator, bad numeric range, non-boolean `exists`,
 *   malformed `cidr` or `wildcard`, bad `$or`, pattern longer than {@link MAX_PATTERN_LENGTH})
 */
export function compilePattern(pattern: unknown, options: CompileOptions = {}): CompiledPattern {
  let parsed = pattern;
  if (typeof pattern === 'string') {
    if (pattern.length > MAX_PATTERN_LENGTH) {
      throw new InvalidPatternError(`Event pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
    }
    try {
      parsed = parseJsonExact(pattern);
    } catch (error) {
      throw new InvalidPatternError(`Event pattern is not valid JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  if (!isPlainObject(parsed)) {
    const given = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed;
    throw new InvalidPatternError(`Filter is not an object (given ${given})`);
  }
  if (typeof pattern !== 'string') {
    let text: string;
    try {
      text = JSON.stringify(parsed);
    } catch (error) {
      throw new InvalidPatternError(`Event pattern is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (text.length > MAX_PATTERN_LENGTH) {
      throw new InvalidPatternError(
        `Event pattern is longer than ${MAX_PATTERN_LENGTH} characters (${text.length} as compact JSON)`,
      );
    }
  }
  const matches = objectValueMatcher(compileObject(parsed, '', false, options));
  return { pattern: parsed, matches };
}
