/**
 * A leaf of an event pattern: `"field": [ value, { operator: operand }, … ]`. The list is an OR;
 * each element is an exact JSON value (type-sensitive: `5` is not `"5"`) or a one-key operator
 * object. An event array matches when any of its elements does.
 */

import { hasPrefix, hasSuffix } from './affixTests.js';
import { compileAnythingBut } from './compileAnythingBut.js';
import { compileNumeric } from './compileNumeric.js';
import { ExactNumber } from './ExactNumber.js';
import { InvalidPatternError } from './InvalidPatternError.js';
import { ipInRange, ipToHex, parseCidr } from './ipAddress.js';
import { isPlainObject } from './isPlainObject.js';
import { emptyLeafTests, type LeafTests } from './leafTests.js';
import type { ValueMatcher } from './types.js';
import { compileWildcard } from './wildcard.js';

const MATCHED = 1;
const NOT_MATCHED = 0;
const NO_LEAF_VALUE = -1;

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** `prefix` and `suffix` take a string or `{ "equals-ignore-case": string }`. */
function compileAffix(kind: 'prefix' | 'suffix', operand: unknown, path: string, tests: LeafTests): void {
  if (typeof operand === 'string') {
    tests.stringTests.push(kind === 'prefix' ? hasPrefix(operand) : hasSuffix(operand));
    return;
  }
  if (!isPlainObject(operand)) {
    throw new InvalidPatternError(`${kind} match pattern must be a string (given ${describe(operand)})`, {
      path,
    });
  }
  const keys = Object.keys(operand);
  if (keys.length !== 1) {
    const reason =
      keys.length === 0 ? `${kind} expression name not found` : 'Only one key allowed in match expression';
    throw new InvalidPatternError(reason, { path });
  }
  if (keys[0] !== 'equals-ignore-case') {
    throw new InvalidPatternError(`Unsupported ${kind} pattern: ${keys[0]}`, { path });
  }
  const text = operand['equals-ignore-case'];
  if (typeof text !== 'string') {
    throw new InvalidPatternError(
      `equals-ignore-case match pattern must be a string (given ${describe(text)})`,
      {
        path,
      },
    );
  }
  const folded = text.toLowerCase();
  const length = text.length;
  tests.stringTests.push(
    kind === 'prefix'
      ? (value) => value.length >= length && value.slice(0, length).toLowerCase() === folded
      : (value) => value.length >= length && value.slice(value.length - length).toLowerCase() === folded,
  );
}

function requireString(operator: string, operand: unknown, path: string): string {
  if (typeof operand !== 'string') {
    throw new InvalidPatternError(`${operator} match pattern must be a string (given ${describe(operand)})`, {
      path,
    });
  }
  return operand;
}

/** Adds one operator object (`{ "prefix": "us-" }`, …) to a leaf. */
function compileOperator(expression: Record<string, unknown>, path: string, tests: LeafTests): void {
  const keys = Object.keys(expression);
  if (keys.length === 0) throw new InvalidPatternError('Match expression name not found', { path });
  if (keys.length > 1) {
    throw new InvalidPatternError(`Only one key allowed in match expression (given ${keys.join(', ')})`, {
      path,
    });
  }
  const operator = keys[0]!;
  const operand = expression[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
      compileAffix(operator, operand, path, tests);
      return;
    case 'equals-ignore-case':
      tests.foldedStrings.add(requireString(operator, operand, path).toLowerCase());
      return;
    case 'wildcard':
      tests.stringTests.push(compileWildcard(requireString(operator, operand, path), path));
      return;
    case 'numeric':
      tests.numberTests.push(compileNumeric(operand, path));
      return;
    case 'anything-but':
      compileAnythingBut(operand, path, tests);
      return;
    case 'cidr': {
      const range = parseCidr(requireString(operator, operand, path), path);
      tests.stringTests.push((value) => ipInRange(value, range));
      return;
    }
    case 'exists':
      if (typeof operand !== 'boolean') {
        throw new InvalidPatternError(
          `exists match pattern must be either true or false (given ${describe(operand)})`,
          { path },
        );
      }
      if (operand) tests.exists = true;
      else tests.absent = true;
      return;
    default:
      throw new InvalidPatternError(`Unrecognized match type ${operator}`, { path });
  }
}

/** One test from many: the first that passes wins. */
function anyOf<T>(tests: Array<(value: T) => boolean>): ((value: T) => boolean) | undefined {
  if (tests.length === 0) return undefined;
  if (tests.length === 1) return tests[0]!;
  return (value) => {
    for (const test of tests) if (test(value)) return true;
    return false;
  };
}

/** Operator tests on strings; exact strings are handled by the leaf's exact-value set. */
function stringTest(tests: LeafTests): ((value: string) => boolean) | undefined {
  if (tests.anyString) return () => true;
  const parts: Array<(value: string) => boolean> = [];
  const { foldedStrings, ipHex } = tests;
  if (foldedStrings.size > 0) {
    // Lower-casing allocates: skip it when no value of that length is in the set.
    const lengths = new Set([...foldedStrings].map((value) => value.length));
    parts.push((value) => lengths.has(value.length) && foldedStrings.has(value.toLowerCase()));
  }
  if (ipHex.size > 0) {
    parts.push((value) => {
      const hex = ipToHex(value);
      return hex !== undefined && ipHex.has(hex);
    });
  }
  parts.push(...tests.stringTests);
  return anyOf(parts);
}

/** Operator tests on numbers; exact numbers are handled by the leaf's exact-value set. */
function numberTest(tests: LeafTests): ((value: number) => boolean) | undefined {
  if (tests.anyNumber) return () => true;
  return anyOf(tests.numberTests);
}

/**
 * Compiles a leaf's value list into a matcher of the event value at that field (`undefined` when
 * the field is absent). A present field whose value is an object is not a leaf, so it counts as
 * absent (EventBridge's `exists` works on leaf nodes only).
 *
 * @example
 * ```ts
 * const state = compileLeaf(['running', { prefix: 'stop' }], 'detail.state');
 * state('stopping'); // true
 * state(['pending', 'running']); // true: an array matches when any element does
 * state(undefined); // false: absent
 * ```
 * @throws InvalidPatternError for an empty list or a malformed element
 */
export function compileLeaf(values: readonly unknown[], path: string): ValueMatcher {
  if (values.length === 0) throw new InvalidPatternError('Empty arrays are not allowed', { path });
  const tests = emptyLeafTests();
  // Exact values of every JSON type share one set: SameValueZero keeps 5 and "5" apart.
  const exact = new Set<unknown>();
  for (const value of values) {
    if (typeof value === 'string') {
      exact.add(value);
      const hex = ipToHex(value);
      if (hex !== undefined) tests.ipHex.add(hex);
    } else if (
      (typeof value === 'number' && Number.isFinite(value)) ||
      value === null ||
      typeof value === 'boolean'
    ) {
      exact.add(value);
    } else if (value instanceof ExactNumber) {
      // A number a double cannot hold: equal only to the same exact value (never to its rounding).
      exact.add(value.key);
    } else if (isPlainObject(value)) {
      compileOperator(value, path, tests);
    } else {
      throw new InvalidPatternError(
        `Match value must be String, number, true, false, or null (given ${describe(value)})`,
        { path },
      );
    }
  }
  if (tests.acceptNull) exact.add(null);
  if (tests.acceptTrue) exact.add(true);
  if (tests.acceptFalse) exact.add(false);
  return leafMatcher(exact, stringTest(tests), numberTest(tests), tests.exists, tests.absent);
}

const never = (): boolean => false;

/** Builds the tightest closure for what the leaf holds: most leaves are a few exact strings. */
function leafMatcher(
  exact: ReadonlySet<unknown>,
  onString: ((value: string) => boolean) | undefined,
  onNumber: ((value: number) => boolean) | undefined,
  exists: boolean,
  absent: boolean,
): ValueMatcher {
  const hasOperators = onString !== undefined || onNumber !== undefined || exists;
  const hasExact = exact.size > 0;
  const stringOperators = onString ?? never;
  const numberOperators = onNumber ?? never;
  // An event number a double cannot hold: exact values compare by its exact value; numeric
  // operators see NaN, which no range contains and every numeric anything-but lets through.
  const exactNumber = (value: ExactNumber): boolean =>
    exists || (hasExact && exact.has(value.key)) || numberOperators(Number.NaN);
  const scalar = !hasOperators
    ? (value: unknown) => (value instanceof ExactNumber ? exact.has(value.key) : exact.has(value))
    : (value: unknown): boolean => {
        if (value instanceof ExactNumber) return exactNumber(value);
        if (exists || (hasExact && exact.has(value))) return true;
        if (typeof value === 'string') return stringOperators(value);
        return typeof value === 'number' && numberOperators(value);
      };
  const scan = (array: readonly unknown[]): number => {
    let result = NO_LEAF_VALUE;
    for (const element of array) {
      if (typeof element === 'object' && element !== null && !(element instanceof ExactNumber)) {
        if (!Array.isArray(element)) continue;
        const nested = scan(element);
        if (nested === MATCHED) return MATCHED;
        if (nested === NOT_MATCHED) result = NOT_MATCHED;
      } else {
        if (scalar(element)) return MATCHED;
        result = NOT_MATCHED;
      }
    }
    return result;
  };
  const onArray = (array: readonly unknown[]): boolean => {
    const result = scan(array);
    return result === MATCHED || (result === NO_LEAF_VALUE && absent);
  };

  if (!hasOperators && !absent) {
    if (exact.size === 1) {
      const [only] = exact;
      return (value) =>
        value === only ||
        (value instanceof ExactNumber && value.key === only) ||
        (Array.isArray(value) && onArray(value));
    }
    return (value) => scalar(value) || (Array.isArray(value) && onArray(value));
  }
  return (value) => {
    if (value instanceof ExactNumber) return exactNumber(value);
    if (typeof value === 'string') {
      return exists || (hasExact && exact.has(value)) || stringOperators(value);
    }
    if (typeof value === 'number') {
      return exists || (hasExact && exact.has(value)) || numberOperators(value);
    }
    if (value === undefined) return absent;
    if (typeof value === 'object' && value !== null) return Array.isArray(value) ? onArray(value) : absent;
    return exists || (hasExact && exact.has(value));
  };
}
