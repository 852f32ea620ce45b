/**
 * What DynamoDB accepts as a number (Developer Guide, "Supported data types" -> Number): up to 38
 * significant digits; positive values from 1E-130 to 9.9999999999999999999999999999999999999E+125,
 * negative values from -9.9999999999999999999999999999999999999E+125 to -1E-130, and zero. Leading
 * and trailing zeros are not significant, so a long integer such as `1` followed by 120 zeros is a
 * legal number however many characters it takes.
 */

/** The decimal grammar DynamoDB and util-dynamodb read (sign, digits, optional fraction, exponent). */
const NUMBER_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** At most this many significant digits. */
export const MAX_SIGNIFICANT_DIGITS = 38;
/** The largest magnitude is below 10^126. */
const MAX_DECIMAL_EXPONENT = 125;
/** The smallest non-zero magnitude is 10^-130. */
const MIN_DECIMAL_EXPONENT = -130;

/**
 * Why `text` is not a number DynamoDB would store, or undefined when it is.
 *
 * @example
 * ```ts
 * numberProblem('1' + '0'.repeat(125)); // undefined: 1E+125 is in range
 * numberProblem('1e126'); // 'invalid number "1e126": exceeds 9.99…E+125, DynamoDB's largest number'
 * ```
 */
export function numberProblem(text: unknown): string | undefined {
  if (typeof text !== 'string') return `invalid number: N must be a string, not ${describeType(text)}`;
  if (text.length > 100_000) return 'invalid number: the text is too long';
  const match = NUMBER_TEXT.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === ''))
    return `invalid number ${quote(text)}: not a decimal number`;
  const int = match[2] ?? '';
  const frac = match[3] ?? '';
  let digits = int + frac;
  const lead = digits.search(/[^0]/);
  if (lead === -1) return undefined; // zero, however written
  digits = digits.slice(lead);
  const significant = digits.replace(/0+$/, '');
  if (significant.length > MAX_SIGNIFICANT_DIGITS) {
    return `invalid number ${quote(text)}: ${significant.length} significant digits (DynamoDB keeps at most ${MAX_SIGNIFICANT_DIGITS})`;
  }
  const exponentText = match[4] ?? '0';
  if (exponentText.replace(/^[+-]?0*/, '').length > 6)
    return `invalid number ${quote(text)}: out of DynamoDB's range`;
  // Decimal exponent of the leading significant digit: value = d.ddd × 10^magnitude.
  const magnitude = Number(exponentText) + (int.length - lead) - 1;
  if (magnitude > MAX_DECIMAL_EXPONENT)
    return `invalid number ${quote(text)}: exceeds 9.99…E+125, DynamoDB's largest number`;
  if (magnitude < MIN_DECIMAL_EXPONENT)
    return `invalid number ${quote(text)}: below 1E-130, DynamoDB's smallest non-zero number`;
  return undefined;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

/** `string`, `number`, `null`, `array`, `object`, … for messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
