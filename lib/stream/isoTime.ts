/**
 * ISO-8601 text of a time, as `Date.prototype.toISOString` writes it, without a `Date` per call:
 * the records of a batch fall on one or two days, so the day's `YYYY-MM-DDT` is kept and only the
 * time of day is written. The decoder stamps every record with it.
 */

const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00.000Z: from here `toISOString` writes six-digit years. */
const YEAR_10000_MS = 253_402_300_800_000;

let dayStart = Number.NaN;
let dayPrefix = '';

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`;
}

/**
 * The same text as `new Date(epochMs).toISOString()` (`2026-10-26T07:33:21.000Z`).
 *
 * @example
 * ```ts
 * isoTimeOf(1793000001000); // '2026-10-26T07:33:21.000Z'
 * ```
 * @throws RangeError for a time a `Date` cannot hold, as `toISOString` does
 */
export function isoTimeOf(epochMs: number): string {
  // Whole milliseconds from 1970 to the year 9999; anything else as `Date` writes it.
  if (!Number.isInteger(epochMs) || epochMs < 0 || epochMs >= YEAR_10000_MS) {
    return new Date(epochMs).toISOString();
  }
  let offset = epochMs - dayStart;
  if (!(offset >= 0 && offset < DAY_MS)) {
    dayStart = epochMs - (epochMs % DAY_MS);
    dayPrefix = new Date(dayStart).toISOString().slice(0, 11);
    offset = epochMs - dayStart;
  }
  const hours = Math.floor(offset / 3_600_000);
  const minutes = Math.floor(offset / 60_000) % 60;
  const seconds = Math.floor(offset / 1000) % 60;
  // Joined, not concatenated: one flat string, not a tree of pieces kept alive with the record.
  return [dayPrefix, pad2(hours), ':', pad2(minutes), ':', pad2(seconds), '.', pad3(offset % 1000), 'Z'].join(
    '',
  );
}
