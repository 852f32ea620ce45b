import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTimeOf } from '../../lib/stream/isoTime.js';

describe('isoTimeOf', () => {
  it('writes what toISOString writes, for any time from 1970 to past the year 10000', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300_000_000_000_000 }), (ms) => {
        expect(isoTimeOf(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 5000 },
    );
  });

  it('stays right when consecutive times cross midnight, in either direction', () => {
    const midnight = Date.UTC(2026, 9, 27);
    for (const ms of [midnight - 1, midnight, midnight + 1, midnight - 1, midnight + 86_399_999, midnight]) {
      expect(isoTimeOf(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('writes fractional milliseconds and the edges as toISOString does', () => {
    for (const ms of [0, 1793000001500.5, 253_402_300_799_999, 253_402_300_800_000]) {
      expect(isoTimeOf(ms)).toBe(new Date(ms).toISOString());
    }
    expect(() => isoTimeOf(Number.NaN)).toThrow(RangeError);
  });
});
