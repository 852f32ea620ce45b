/**
 * Limits EventBridge enforces on event patterns, as documented (EventBridge quotas, TestEventPattern
 * API reference) and as implemented by AWS's open-source matcher, Event Ruler, which EventBridge uses.
 */

/**
 * Longest event pattern PutRule accepts, in characters of its JSON text. The default quota is 2,048;
 * it can be raised to 4,096, which is also TestEventPattern's limit. Checked on the compact JSON form.
 */
export const MAX_PATTERN_LENGTH = 4096;

/**
 * Numbers in `numeric` and numeric `anything-but` must lie in [-5e9, 5e9] … (EventBridge user guide,
 * "Content filtering in Amazon EventBridge event patterns", Numeric matching, and Event Ruler's
 * README: "limited to value between -5.0e9 and +5.0e9 inclusive, with 15 digits of precision, that
 * is to say 6 digits to the right of the decimal point" — re-read 2026-12-07, unchanged.) Numbers a
 * double cannot hold exactly are kept exact (`ExactNumber`) and compare by value, never rounded.
 */
export const NUMERIC_LIMIT = 5e9;

/** … with at most six digits after the decimal point. */
export const NUMERIC_DECIMALS = 6;

/** Operator and reserved keywords that may not be used as field names inside `$or`. */
export const RESERVED_OR_FIELD_NAMES: ReadonlySet<string> = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

/**
 * True when `value` is a number EventBridge can compare numerically: inside {@link NUMERIC_LIMIT}
 * and with at most {@link NUMERIC_DECIMALS} decimals. Other numbers only match exact values.
 */
export function isComparableNumber(value: number): boolean {
  if (!(value >= -NUMERIC_LIMIT && value <= NUMERIC_LIMIT)) return false;
  return Number.isInteger(value) || Number(value.toFixed(NUMERIC_DECIMALS)) === value;
}
