/**
 * The `anything-but` operator. Its operand is a string, a number, a list of strings, a list of
 * numbers, or one of `{ "prefix" | "suffix" | "equals-ignore-case" | "wildcard": value or list }`.
 * It matches any present leaf value that is not excluded, including values of another JSON type
 * (`{ "anything-but": "a" }` matches `5`, `true` and `null`); an absent field never matches.
 */
import { hasPrefix, hasSuffix } from './affixTests.js';
import { checkComparable, notComparable } from './compileNumeric.js';
import { ExactNumber } from './ExactNumber.js';
import { InvalidPatternError } from './InvalidPatternError.js';
import { isPlainObject } from './isPlainObject.js';
import type { LeafTests } from './leafTests.js';
import { compileWildcard } from './wildcard.js';

const NESTED = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard'] as const;
type Nested = (typeof NESTED)[number];

/** Every other JSON type than the one the exclusion is about passes. */
function acceptOtherTypes(tests: LeafTests, excluded: 'string' | 'number'): void {
  if (excluded === 'string') tests.anyNumber = true;
  else tests.anyString = true;
  tests.acceptNull = true;
  tests.acceptTrue = true;
  tests.acceptFalse = true;
}

function nestedStrings(operator: Nested, operand: unknown, path: string): string[] {
  const values = Array.isArray(operand) ? operand : [operand];
  for (const value of values) {
    if (typeof value !== 'string') {
      const reason =
        operator === 'equals-ignore-case'
          ? 'Inside anything-but/equals-ignore-case, only strings are supported'
          : operator === 'wildcard'
            ? 'wildcard match pattern must be a string'
            : 'prefix/suffix match pattern must be a string';
      throw new InvalidPatternError(`${reason} (given ${JSON.stringify(value) ?? 'nothing'})`, { path });
    }
    if ((operator === 'prefix' || operator === 'suffix') && value === '') {
      throw new InvalidPatternError('Null prefix/suffix not allowed', { path });
    }
  }
  return values as string[];
}

function compileNested(operand: Record<string, unknown>, path: string, tests: LeafTests): void {
  const keys = Object.keys(operand);
  if (keys.length === 0) throw new InvalidPatternError('Anything-But expression name not found', { path });
  if (keys.length > 1)
    throw new InvalidPatternError('Only one key allowed in anything-but expression', { path });
  const operator = keys[0]!;
  if (!(NESTED as readonly string[]).includes(operator)) {
    throw new InvalidPatternError(`Unsupported anything-but pattern: ${operator}`, { path });
  }
  const values = nestedStrings(operator as Nested, operand[operator], path);
  switch (operator as Nested) {
    case 'prefix': {
      const prefixes = values.map(hasPrefix);
      tests.stringTests.push((value) => !prefixes.some((prefix) => prefix(value)));
      break;
    }
    case 'suffix': {
      const suffixes = values.map(hasSuffix);
      tests.stringTests.push((value) => !suffixes.some((suffix) => suffix(value)));
      break;
    }
    case 'equals-ignore-case': {
      const folded = new Set(values.map((value) => value.toLowerCase()));
      tests.stringTests.push((value) => !folded.has(value.toLowerCase()));
      break;
    }
    case 'wildcard': {
      const wildcards = values.map((value) => compileWildcard(value, path));
      tests.stringTests.push((value) => !wildcards.some((wildcard) => wildcard(value)));
      break;
    }
  }
  acceptOtherTypes(tests, 'string');
}

/**
 * Adds an `anything-but` operand's tests to a leaf.
 *
 * @example
 * ```ts
 * const tests = emptyLeafTests();
 * compileAnythingBut({ prefix: 'init' }, 'detail.state', tests);
 * ```
 * @throws InvalidPatternError for a malformed operand
 */
export function compileAnythingBut(operand: unknown, path: string, tests: LeafTests): void {
  if (operand instanceof ExactNumber) throw notComparable(operand, path);
  if (Array.isArray(operand)) {
    const big = operand.find((value) => value instanceof ExactNumber);
    if (big) throw notComparable(big, path);
  }
  if (isPlainObject(operand)) {
    compileNested(operand, path, tests);
    return;
  }
  if (typeof operand === 'string') {
    tests.stringTests.push((value) => value !== operand);
    acceptOtherTypes(tests, 'string');
    return;
  }
  if (typeof operand === 'number' && Number.isFinite(operand)) {
    checkComparable(operand, path);
    tests.numberTests.push((value) => value !== operand);
    acceptOtherTypes(tests, 'number');
    return;
  }
  if (!Array.isArray(operand)) {
    throw new InvalidPatternError(
      `Value of anything-but must be an array or single string/number value (given ${JSON.stringify(operand) ?? 'nothing'})`,
      { path },
    );
  }
  for (const value of operand) {
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      throw new InvalidPatternError(
        `Inside anything-but list, only strings or numbers are supported (given ${JSON.stringify(value) ?? 'nothing'})`,
        { path },
      );
    }
  }
  const strings = operand.filter((value): value is string => typeof value === 'string');
  if (strings.length > 0 && strings.length === operand.length) {
    const excluded = new Set(strings);
    tests.stringTests.push((value) => !excluded.has(value));
    acceptOtherTypes(tests, 'string');
    return;
  }
  if (strings.length === 0 && operand.length > 0) {
    for (const value of operand as number[]) checkComparable(value, path);
    const excluded = new Set(operand as number[]);
    tests.numberTests.push((value) => !excluded.has(value));
    acceptOtherTypes(tests, 'number');
    return;
  }
  throw new InvalidPatternError(
    'Inside anything-but list, either all values are number or string, mixed type is not supported' +
      (operand.length === 0 ? ' (the list is empty)' : ''),
    { path },
  );
}
