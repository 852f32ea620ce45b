/**
 * ISO-8601 text of a time, as `Date.prototype.toISOString` writes it, without a `Date` per call:
 * the records of a batch fall on one or two days, so the day's `YYYY-MM-DDT` is kept and only the
 * time of day is written. The decoder stamps every record with it.
 */

const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00.000Z: from here `toISOString` writes six-digit years. */
const YEAR_10000_MS = 253_402_300_800_000;

let dayStart = Number.NaN;
/** Character codes of the day's `YYYY-MM-DDT`. */
let day: number[] = [];

const ZERO = 48; // the character code of `0`

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
    const prefix = new Date(dayStart).toISOString();
    day = [];
    for (let i = 0; i < 11; i++) day.push(prefix.charCodeAt(i));
    offset = epochMs - dayStart;
  }
  const hours = Math.floor(offset / 3_600_000);
  const minutes = Math.floor(offset / 60_000) % 60;
  const seconds = Math.floor(offset / 1000) % 60;
  const ms = offset % 1000;
  // Written from character codes: one flat string, with no pieces to join or number texts to make
  // (a concatenation would keep a tree of pieces alive with the record).
  // biome-ignore format: one row per field reads better
  return String.fromCharCode(
    day[0]!, day[1]!, day[2]!, day[3]!, day[4]!, day[5]!, day[6]!, day[7]!, day[8]!, day[9]!, day[10]!,
    ZERO + Math.floor(hours / 10), ZERO + (hours % 10), 58,
    ZERO + Math.floor(minutes / 10), ZERO + (minutes % 10), 58,
    ZERO + Math.floor(seconds / 10), ZERO + (seconds % 10), 46,
    ZERO + Math.floor(ms / 100), ZERO + (Math.floor(ms / 10) % 10), ZERO + (ms % 10), 90,
  );
}
