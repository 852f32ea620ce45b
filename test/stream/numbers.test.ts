import { NumberValueImpl as NumberValue } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { plainTable } from '../fixtures/tables.js';

function insertOf(value: unknown): StreamRecord {
  return plainTable().put({ id: 'n', value });
}

function decodedNumber(text: string): unknown {
  return decodeRecord(insertOf(new NumberValue(text))).after?.value;
}

describe('decodeRecord keeps numbers exact', () => {
  it('keeps every digit of a 23-digit integer, as a string', () => {
    expect(decodedNumber('12345678901234567890123')).toBe('12345678901234567890123');
  });

  it('keeps every digit of a 34-digit decimal, as a string', () => {
    expect(decodedNumber('1234567890.123456789012345678901234')).toBe('1234567890.123456789012345678901234');
  });

  it('keeps every digit of a 38-digit number, the most DynamoDB stores', () => {
    expect(decodedNumber('99999999999999999999999999999999999999')).toBe(
      '99999999999999999999999999999999999999',
    );
  });

  it('keeps a negative 38-digit number exact', () => {
    expect(decodedNumber('-12345678901234567890123456789012345678')).toBe(
      '-12345678901234567890123456789012345678',
    );
  });

  it('keeps 2^53 + 1, the first integer a double cannot hold, as a string', () => {
    expect(decodedNumber('9007199254740993')).toBe('9007199254740993');
  });

  it('keeps 2^53, which a double holds exactly, as a number', () => {
    expect(decodedNumber('9007199254740992')).toBe(9007199254740992);
  });

  it('keeps small decimals as numbers', () => {
    expect(decodedNumber('0.25')).toBe(0.25);
    expect(decodedNumber('-17.5')).toBe(-17.5);
    expect(decodedNumber('0.004213')).toBe(0.004213);
  });

  it('reads exponent forms as numbers when a double prints them back exactly', () => {
    expect(decodedNumber('1.5e-7')).toBe(1.5e-7);
    expect(decodedNumber('2.5E+10')).toBe(25_000_000_000);
  });

  it('keeps whole numbers beyond 2^53 as the exact text even when a double prints them back', () => {
    expect(decodedNumber('1E+40')).toBe('1E+40');
    expect(decodedNumber('9223372036854775808')).toBe('9223372036854775808');
  });

  it('keeps exponent forms with more digits than a double holds as the exact text', () => {
    expect(decodedNumber('1.2345678901234567890123E+50')).toBe('1.2345678901234567890123E+50');
  });

  it("reads the small end of DynamoDB's range as a number and keeps the large end as text", () => {
    expect(decodedNumber('1E-130')).toBe(1e-130);
    expect(decodedNumber('1E+125')).toBe('1E+125');
  });

  it("keeps DynamoDB's largest number, 38 nines at exponent 125, as the exact text", () => {
    const largest = '9.9999999999999999999999999999999999999E+125';
    expect(decodedNumber(largest)).toBe(largest);
  });

  // DynamoDB returns numbers in plain notation (it expands exponents), so the ends of its range
  // arrive as long texts; these are the values DynamoDB Local 3.3 streamed for 1E+125, 1E-130, …
  it('keeps 1E+125 as DynamoDB streams it, 126 digits in plain notation, as the exact text', () => {
    const text = `1${'0'.repeat(125)}`;
    expect(decodedNumber(text)).toBe(text);
  });

  it('decodes 1E-130 as DynamoDB streams it, 132 characters in plain notation, as a number', () => {
    expect(decodedNumber(`0.${'0'.repeat(129)}1`)).toBe(1e-130);
  });

  it("keeps DynamoDB's largest number in plain notation, 38 nines and 88 zeros, as the exact text", () => {
    const largest = `${'9'.repeat(38)}${'0'.repeat(88)}`;
    expect(decodedNumber(largest)).toBe(largest);
  });

  it('keeps a negative 38-digit number near the smallest exponent, 140 characters in plain notation, exact', () => {
    const tiny = `-0.${'0'.repeat(99)}12345678901234567890123456789012345678`;
    expect(decodedNumber(tiny)).toBe(tiny);
  });

  it('rejects a number text longer than any number DynamoDB can store', () => {
    const record = insertOf(new NumberValue('1'));
    record.dynamodb!.NewImage!.value = { N: '1'.repeat(400) };
    expect(() => decodeRecord(record)).toThrow(/invalid number/);
  });

  it('keeps big numbers exact inside number sets', () => {
    const value = new Set([new NumberValue('1'), new NumberValue('98765432109876543210')]);
    expect(decodeRecord(insertOf(value)).after?.value).toEqual([1, '98765432109876543210']);
  });

  it('keeps big numbers exact inside maps and lists', () => {
    const value = { deep: [{ n: new NumberValue('12345678901234567890123') }] };
    expect(decodeRecord(insertOf(value)).after?.value).toEqual({ deep: [{ n: '12345678901234567890123' }] });
  });

  it('keeps big numbers in key attributes exact', () => {
    const record = plainTable().put({ id: new NumberValue('12345678901234567890123') });
    expect(decodeRecord(record).keys).toEqual({ id: '12345678901234567890123' });
  });

  it('serialises big numbers to JSON without losing a digit', () => {
    const change = decodeRecord(insertOf(new NumberValue('12345678901234567890123')));
    expect(JSON.stringify(change.after)).toContain('"12345678901234567890123"');
  });
});
