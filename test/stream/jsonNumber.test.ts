import { describe, expect, it } from 'vitest';
import { isExactDouble, toJsonNumber } from '../../lib/stream/jsonNumber.js';

/** DynamoDB number text -> the JSON value memory-cdc emits (the number rule of docs/events.md). */
const CASES: [text: string, expected: number | string][] = [
  ['0', 0],
  ['42', 42],
  ['-17', -17],
  ['007', 7],
  ['0.25', 0.25],
  ['0.1', 0.1],
  ['1.50', 1.5],
  ['123456789012345', 123456789012345],
  ['0.30000000000000004', 0.30000000000000004],
  ['9007199254740991', 9007199254740991],
  ['9007199254740992', 9007199254740992],
  ['-9007199254740992', -9007199254740992],
  ['9007199254740993', '9007199254740993'],
  ['-9007199254740993', '-9007199254740993'],
  ['12345678901234567890123', '12345678901234567890123'],
  ['1234567890.123456789012345678901234', '1234567890.123456789012345678901234'],
  ['99999999999999999999999999999999999999', '99999999999999999999999999999999999999'],
  ['0.1000000000000000055511151231257827', '0.1000000000000000055511151231257827'],
  ['1e3', 1000],
  ['1E+21', '1E+21'],
  ['9223372036854775808', '9223372036854775808'],
  ['12345678901234567000', '12345678901234567000'],
  ['1.5e-7', 1.5e-7],
  ['2.5E+300', '2.5E+300'],
  ['1E+400', '1E+400'],
  ['1E-400', '1E-400'],
  ['1.2345678901234567890123E+50', '1.2345678901234567890123E+50'],
];

describe('the number rule', () => {
  it.each(CASES)('emits DynamoDB number %s as %j', (text, expected) => {
    expect(toJsonNumber(text)).toBe(expected);
  });

  it.each(CASES)('calls %s exact exactly when it is emitted as a number', (text, expected) => {
    expect(isExactDouble(text)).toBe(typeof expected === 'number');
  });

  it.each(CASES.filter(([, expected]) => typeof expected === 'number'))(
    'emits %s as a number that JSON.parse reads back as the same decimal',
    (text) => {
      const parsed = JSON.parse(JSON.stringify(toJsonNumber(text))) as number;
      expect(parsed).toBe(Number(text));
      expect(isExactDouble(String(parsed))).toBe(true);
    },
  );

  it('returns the original text unchanged when it cannot be a number', () => {
    expect(toJsonNumber('12345678901234567890123.000000')).toBe('12345678901234567890123.000000');
  });
});
