/**
 * Claim check: an event too large for its destination goes to S3 in full; the event that is
 * published carries a pointer to it and a small summary instead of the item images.
 */
import type { ClaimCheck, MemoryEventDetail } from '../../catalog/types.js';

/** Where full event details are parked. */
export interface ClaimCheckStore {
  /**
   * Stores the full detail (already serialized) under a key derived from the event id, so a retry
   * or a second sink overwrites the same object with the same bytes.
   * @throws the client's error when the object could not be written (callers classify it)
   */
  put(eventId: string, body: string, options?: { signal?: AbortSignal }): Promise<ClaimCheck>;
}

/** A detail whose images moved to S3: everything but `before`/`after`, plus the pointer. */
export type ClaimCheckedDetail = Omit<MemoryEventDetail, 'before' | 'after'> & { claimCheck: ClaimCheck };
