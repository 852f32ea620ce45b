/**
 * Stream positions as the index stores them. DynamoDB Streams sequence numbers are decimal strings
 * of varying length (21-40 digits today): compared as text, `"9"` would sort after `"10"`, so the
 * worker compares them as big integers, and backends that compare inside their own query language
 * store them zero-padded to a fixed width, where text order equals numeric order.
 */

/** Width of a stored sequence number; wider than any DynamoDB or Kinesis sequence number. */
export const SEQUENCE_WIDTH = 64;

const DECIMAL = /^\d{1,64}$/;

/** True when `text` is a sequence number this module can compare. */
export function isSequenceNumber(text: unknown): text is string {
  return typeof text === 'string' && DECIMAL.test(text);
}

/** Negative, zero or positive as `a` is older than, the same as, or newer than `b`. */
export function compareSequence(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The sequence number zero-padded to {@link SEQUENCE_WIDTH} digits (text order = numeric order). */
export function padSequence(sequence: string): string {
  return BigInt(sequence).toString().padStart(SEQUENCE_WIDTH, '0');
}

/** The canonical decimal form (no leading zeros) of a stored sequence number. */
export function unpadSequence(stored: string): string {
  return BigInt(stored).toString();
}
