import type { PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import type { AttemptOutcome } from '../../delivery/deliverInRounds.js';

/**
 * Per-entry error codes the API reference (PutEventsResultEntry) lists as non-retryable and that
 * concern the entry itself: the event is invalid, sending it again cannot succeed.
 */
const INVALID_ENTRY = new Set(['InvalidArgument', 'MalformedDetail', 'RedactionFailure']);

/**
 * The outcome of one PutEvents result entry. `ThrottlingException` and `InternalFailure` are
 * retryable (the reference says so). Permission and account errors (`AccessDeniedException`,
 * `NotAuthorizedFor…`, `InvalidAccountIdException`) are listed as non-retryable, but they are
 * configuration: treating them as retryable keeps the records in the stream until an operator
 * fixes the policy, instead of dead-lettering every event. Unknown codes are retryable.
 */
export function entryOutcome(result: PutEventsResultEntry | undefined): AttemptOutcome {
  if (!result) return { status: 'retryable', reason: 'no result entry' };
  const code = result.ErrorCode;
  if (!code) {
    return result.EventId ? ACCEPTED : { status: 'retryable', reason: 'result entry without EventId' };
  }
  const reason = `${code}: ${(result.ErrorMessage ?? '').slice(0, 300)}`;
  if (code === 'ThrottlingException') return { status: 'retryable', reason, throttled: true };
  if (INVALID_ENTRY.has(code)) return { status: 'rejected', reason };
  return { status: 'retryable', reason };
}

/** Shared by every accepted entry (outcomes are replaced, never changed): no object per entry. */
const ACCEPTED: AttemptOutcome = Object.freeze({ status: 'accepted' });
