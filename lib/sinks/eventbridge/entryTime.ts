/**
 * The `Time` of a PutEvents entry: the ISO-8601 text an output carries, as the Date the SDK sends.
 */

/**
 * The Date of an entry's ISO-8601 time; `undefined` when it does not parse (EventBridge then stamps
 * the time of the call). The router's times all have the shape `toISOString` writes
 * (`2026-11-01T07:33:21.000Z`): those are read field by field, about twice as fast as `new Date`
 * parses them. Any other text goes to `new Date`, so the result is always what `new Date` gives.
 *
 * @example
 * entryTimeOf('2026-11-01T07:33:21.000Z')?.getTime(); // 1793518401000
 */
export function entryTimeOf(text: string | undefined): Date | undefined {
  const ms = text !== undefined && text.length === 24 ? isoMs(text) : undefined;
  const date = ms !== undefined ? new Date(ms) : new Date(text ?? Number.NaN);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Epoch ms of `YYYY-MM-DDTHH:MM:SS.mmmZ` with fields in their plain ranges; else `undefined`. */
function isoMs(text: string): number | undefined {
  if (
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 || // T
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(19) !== 46 || // .
    text.charCodeAt(23) !== 90 // Z
  ) {
    return undefined;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const ms = digits(text, 20, 3);
  // Years below 1000 and hour 24 (allowed by the ISO grammar) are left to `new Date`, as are
  // out-of-range fields (which it refuses); days 29–31 roll over in both, as `new Date` does.
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) {
    return undefined;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** The number written by `count` ASCII digits from `at`; -1 when one is not a digit. */
function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}
