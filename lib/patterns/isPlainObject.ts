/**
 * Whether a parsed pattern or event value is a JSON object: not null, not an array, and not an
 * {@link ExactNumber} (a number a double cannot hold, which the exact parser puts in place of it).
 */
import { ExactNumber } from './ExactNumber.js';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof ExactNumber)
  );
}
