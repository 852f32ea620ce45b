/**
 * Dead letters that say what their function owed the record: a redrive of a record that could not
 * be processed at all sends exactly that (the router in the one-reader layout also owed the TTL
 * archive; in the two-reader layout it did not, and a redrive must not start archiving for it).
 */
import type { SinkName } from '../routing/types.js';
import type { DeadLetterStore } from './types.js';

/**
 * `store`, writing `owes` into every dead letter ({@link DeadLetter.owes}).
 *
 * @example
 * const deadLetters = owingDeadLetterStore(new S3DeadLetterStore({ client, bucket }), ['eventbridge', 'kinesis']);
 */
export function owingDeadLetterStore<R>(
  store: DeadLetterStore<R>,
  owes: readonly SinkName[],
): DeadLetterStore<R> {
  return { write: (letter, options) => store.write({ ...letter, owes: [...owes] }, options) };
}
