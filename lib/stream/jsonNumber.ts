/**
 * The number rule. DynamoDB numbers carry up to 38 significant digits; a JSON number parsed into a
 * double keeps about 15-17. A DynamoDB number becomes a JSON number only when the double nearest to
 * it prints back as the same decimal value (so `JSON.parse` on the consumer side recovers exactly
 * the stored value) and, for integers, when it is within ±2^53 (every integer there is held exactly;
 * beyond it a double skips integers, and PutEvents documents JSON integers as signed 64-bit only);
 * otherwise it travels as a string holding the exact decimal. Hand-written
 * because this exactness test is the product's promise ("decoding without loss").
 */

/** Up to 15 significant digits always round-trip through a double (DBL_DIG = 15). */
const SHORT_PLAIN_DECIMAL = /^-?\d{1,15}$|^-?(?=[\d.]{2,16}$)\d*\.\d*$/;

/** 2^53: every integer up to it has its own double. */
const MAX_EXACT_INTEGER = 2 ** 53;

/** Splits a decimal string into its significant digits and the power of ten of the last digit. */
export function canonical(text: string): { negative: boolean; digits: string; exponent: number } | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return undefined;
  const [, sign = '', int = '', frac = '', exp = '0'] = match;
  if (int === '' && frac === '') return undefined;
  let digits = int + frac;
  let exponent = Number(exp) - frac.length;
  const lead = digits.search(/[^0]/);
  if (lead === -1) return { negative: false, digits: '0', exponent: 0 };
  digits = digits.slice(lead);
  const trailing = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  return { negative: sign === '-', digits, exponent };
}

/**
 * True when `JSON.parse(JSON.stringify(Number(text)))` denotes exactly the decimal `text`, and an
 * integer value is within ±2^53.
 */
export function isExactDouble(text: string): boolean {
  if (SHORT_PLAIN_DECIMAL.test(text)) {
    // Short plain decimals round-trip unless they overflow to ±0 (they cannot with <= 15 digits).
    return true;
  }
  const value = Number(text);
  if (!Number.isFinite(value)) return false;
  if (Number.isInteger(value) && Math.abs(value) > MAX_EXACT_INTEGER) return false;
  const a = canonical(text);
  const b = canonical(String(value));
  return (
    a !== undefined &&
    b !== undefined &&
    a.negative === b.negative &&
    a.digits === b.digits &&
    a.exponent === b.exponent
  );
}

/**
 * True when `text` is an optional `-` and 1 to 15 decimal digits: always a number DynamoDB stores
 * and always exact as a double, so decoding can skip the general checks (the common case: counts,
 * epoch seconds, sequence numbers). A character loop, cheaper than a regex on the hot path.
 *
 * @example
 * ```ts
 * isShortInteger('1795592001'); // true
 * isShortInteger('1.5'); // false: the general rule decides
 * ```
 */
export function isShortInteger(text: string): boolean {
  const start = text.charCodeAt(0) === 45 ? 1 : 0; // '-'
  const digits = text.length - start;
  if (digits < 1 || digits > 15) return false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The JSON value of a short plain number, else undefined: an optional `-`, then 1 to 15 digits with
 * at most one `.` among them (`42`, `1795592001`, `0.87`). Such a number is always one DynamoDB
 * stores and always exact as a double, so the decoder can skip the general checks; the digits are
 * checked in one pass, and an integer is summed on the way (exact: below 10^15 every step is an
 * integer a double holds).
 *
 * @example
 * ```ts
 * shortNumberValue('1795592001'); // 1795592001
 * shortNumberValue('0.87'); // 0.87
 * shortNumberValue('1e3'); // undefined: the general rule decides
 * ```
 */
export function shortNumberValue(text: string): number | undefined {
  const negative = text.charCodeAt(0) === 45; // '-'
  let digits = 0;
  let decimal = false;
  let value = 0;
  for (let i = negative ? 1 : 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit === -2 && !decimal) {
      decimal = true; // '.'
      continue;
    }
    if (digit < 0 || digit > 9 || ++digits > 15) return undefined;
    value = value * 10 + digit;
  }
  if (digits === 0) return undefined;
  if (decimal) return Number(text);
  return negative ? -value : value;
}

/**
 * Converts a DynamoDB number (its decimal text) to the JSON value memory-cdc emits: a number when
 * that is exact, else the decimal string unchanged.
 */
export function toJsonNumber(text: string): number | string {
  return isShortInteger(text) || isExactDouble(text) ? Number(text) : text;
}
