import type { PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import type { AttemptOutcome } from '../../delivery/deliverInRounds.js';

/**
 * The outcome of one PutRecords result record. The API reference names two per-record error codes,
 * `ProvisionedThroughputExceededException` (throttling: the shard is over its write rate) and
 * `InternalFailure`; both are retryable, and so is any other code (KMS errors are configuration).
 */
export function recordOutcome(result: PutRecordsResultEntry | undefined): AttemptOutcome {
  if (!result) return { status: 'retryable', reason: 'no result record' };
  const code = result.ErrorCode;
  if (!code) {
    return result.SequenceNumber
      ? ACCEPTED
      : { status: 'retryable', reason: 'result record without SequenceNumber' };
  }
  const reason = `${code}: ${(result.ErrorMessage ?? '').slice(0, 300)}`;
  if (code === 'ProvisionedThroughputExceededException')
    return { status: 'retryable', reason, throttled: true };
  return { status: 'retryable', reason };
}

/** Shared by every accepted entry (outcomes are replaced, never changed): no object per entry. */
const ACCEPTED: AttemptOutcome = Object.freeze({ status: 'accepted' });
