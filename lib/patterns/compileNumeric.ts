/**
 * The `numeric` operator: `["=", n]`, `["<" | "<=", n]`, `[">" | ">=", n]` or
 * `[">" | ">=", low, "<" | "<=", high]`. Matches JSON numbers only (never numeric strings).
 */
import { ExactNumber } from './ExactNumber.js';
import { InvalidPatternError } from './InvalidPatternError.js';
import { isComparableNumber, NUMERIC_DECIMALS, NUMERIC_LIMIT } from './limits.js';

const OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

function numberAt(operand: readonly unknown[], index: number, operator: string, path: string): number {
  const value = operand[index];
  if (value instanceof ExactNumber) throw notComparable(value, path);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidPatternError(`Value of ${operator} must be numeric (given ${describe(value)})`, {
      path,
    });
  }
  checkComparable(value, path);
  return value;
}

/**
 * Rejects numbers EventBridge cannot compare (outside ±5e9, or more than six decimals).
 * @throws InvalidPatternError
 */
export function checkComparable(value: number, path: string): void {
  if (value < -NUMERIC_LIMIT || value > NUMERIC_LIMIT) {
    throw new InvalidPatternError(`Value must be between -5e9 and 5e9, inclusive (given ${value})`, { path });
  }
  if (!isComparableNumber(value)) {
    throw new InvalidPatternError(
      `Only values up to ${NUMERIC_DECIMALS} decimals are supported (given ${value})`,
      {
        path,
      },
    );
  }
}

/** A number a double cannot hold is never inside EventBridge's numeric limits (±5e9, 6 decimals). */
export function notComparable(value: ExactNumber, path: string): InvalidPatternError {
  return new InvalidPatternError(
    `${value.text} cannot be compared numerically: numeric matching works between -5e9 and 5e9 with at most ${NUMERIC_DECIMALS} decimals`,
    { path },
  );
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/**
 * Compiles a `numeric` operand into a test on numbers. Event numbers EventBridge cannot compare
 * (outside ±5e9, more than six decimals) never satisfy it.
 *
 * @example
 * ```ts
 * const test = compileNumeric(['>', 0, '<=', 5], 'detail.c-count');
 * test(5); // true
 * test(0); // false
 * ```
 * @throws InvalidPatternError for a malformed expression
 */
export function compileNumeric(operand: unknown, path: string): (value: number) => boolean {
  if (!Array.isArray(operand)) {
    throw new InvalidPatternError(`Value of numeric must be an array (given ${describe(operand)})`, { path });
  }
  const operator = operand[0];
  if (typeof operator !== 'string') {
    throw new InvalidPatternError(`Invalid member in numeric match: ${describe(operator)}`, { path });
  }
  if (!OPERATORS.has(operator)) {
    throw new InvalidPatternError(`Unrecognized numeric range operator: ${operator}`, { path });
  }
  const first = numberAt(operand, 1, operator, path);
  const oneSided = (): void => {
    if (operand.length > 2)
      throw new InvalidPatternError('Too many elements in numeric expression', { path });
  };
  switch (operator) {
    case '=':
      oneSided();
      return (value) => value === first && isComparableNumber(value);
    case '<':
      oneSided();
      return (value) => value < first && isComparableNumber(value);
    case '<=':
      oneSided();
      return (value) => value <= first && isComparableNumber(value);
  }
  const openBottom = operator === '>';
  if (operand.length === 2) {
    return openBottom
      ? (value) => value > first && isComparableNumber(value)
      : (value) => value >= first && isComparableNumber(value);
  }
  const upper = operand[2];
  if (typeof upper !== 'string') {
    throw new InvalidPatternError(`Bad value in numeric range: ${describe(upper)}`, { path });
  }
  if (upper !== '<' && upper !== '<=') {
    throw new InvalidPatternError(`Bad numeric range operator: ${upper}`, { path });
  }
  const top = numberAt(operand, 3, upper, path);
  if (operand.length > 4)
    throw new InvalidPatternError('Too many terms in numeric range expression', { path });
  if (!(first < top)) {
    throw new InvalidPatternError(`Bottom must be less than top (given ${first} and ${top})`, { path });
  }
  const openTop = upper === '<';
  return (value) =>
    (openBottom ? value > first : value >= first) &&
    (openTop ? value < top : value <= top) &&
    isComparableNumber(value);
}
