import { describe, expect, test } from 'vitest';
import { compareSequence, isSequenceNumber, padSequence, unpadSequence } from '../../lib/vector/sequence.js';

describe('sequence numbers', () => {
  test('compare as integers whatever their length', () => {
    expect(compareSequence('9', '10')).toBeLessThan(0);
    expect(
      compareSequence('100000000000000000000000000001', '99999999999999999999999999999'),
    ).toBeGreaterThan(0);
    expect(compareSequence('000123', '123')).toBe(0);
  });

  test('padded, their text order is their numeric order, and they unpad to the canonical form', () => {
    const numbers = [
      '9',
      '10',
      '4968047250165467564510627761849762690714509586085183488',
      '123456789012345678901',
    ];
    const padded = numbers.map(padSequence).sort();
    expect(padded.map(unpadSequence)).toEqual([...numbers].sort((a, b) => compareSequence(a, b)));
  });

  test('only decimal strings are sequence numbers', () => {
    expect(isSequenceNumber('49680472501654675645106277618497626907145095860851834882')).toBe(true);
    expect(['', '-1', '1e5', '12a', 12, undefined].some(isSequenceNumber)).toBe(false);
  });
});
