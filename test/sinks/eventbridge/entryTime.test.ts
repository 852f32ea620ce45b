import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryTimeOf } from '../../../lib/sinks/eventbridge/entryTime.js';

const asDate = (text: string | undefined) => {
  const date = new Date(text ?? Number.NaN);
  return Number.isNaN(date.getTime()) ? undefined : date.getTime();
};

describe('entryTimeOf', () => {
  it('reads every toISOString time as new Date does', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_000_000_000_000, max: 8_000_000_000_000_000 }), (ms) => {
        const text = new Date(ms).toISOString();
        expect(entryTimeOf(text)?.getTime()).toBe(asDate(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with new Date on texts of the same shape with any digits and on other texts', () => {
    const digit = fc.constantFrom(...'0123456789x');
    const field = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join(''));
    const shaped = fc
      .tuple(field(4), field(2), field(2), field(2), field(2), field(2), field(3))
      .map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
    fc.assert(
      fc.property(fc.oneof(shaped, fc.string({ maxLength: 30 })), (text) => {
        expect(entryTimeOf(text)?.getTime()).toBe(asDate(text));
      }),
      { numRuns: 5000 },
    );
    for (const text of ['2026-02-30T00:00:00.000Z', '2026-01-01T24:00:00.000Z', '0050-01-01T00:00:00.000Z']) {
      expect(entryTimeOf(text)?.getTime()).toBe(asDate(text));
    }
  });

  it('gives undefined for a missing or unparseable time', () => {
    expect(entryTimeOf(undefined)).toBeUndefined();
    expect(entryTimeOf('not a time')).toBeUndefined();
    expect(entryTimeOf('2026-13-01T00:00:00.000Z')).toBeUndefined();
  });
});
