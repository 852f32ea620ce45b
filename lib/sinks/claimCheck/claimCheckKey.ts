/** Default key prefix of claim-check objects in CLAIM_CHECK_BUCKET. */
export const CLAIM_CHECK_PREFIX = 'claim-check/';

/**
 * The S3 key of an event's claim-check object: deterministic from the event id, so the object a
 * consumer is pointed to is the same whichever attempt or sink wrote it.
 */
export function claimCheckKey(eventId: string, prefix: string = CLAIM_CHECK_PREFIX): string {
  return `${prefix}${encodeURIComponent(eventId)}.json`;
}
