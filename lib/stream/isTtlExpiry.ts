import type { StreamRecord } from './types.js';

/** The identity DynamoDB puts on records of items its TTL process deleted. */
export const TTL_PRINCIPAL = 'dynamodb.amazonaws.com';

/** Region DynamoDB Local writes into stream ARNs. */
export const DYNAMODB_LOCAL_REGION = 'ddblocal';

const KNOWN_EVENT_NAMES = new Set(['INSERT', 'MODIFY', 'REMOVE']);

/**
 * True when the record is a deletion by DynamoDB's TTL process.
 *
 * On AWS a TTL deletion is a REMOVE whose `userIdentity` is `{ type: 'Service', principalId:
 * 'dynamodb.amazonaws.com' }`. DynamoDB Local sends TTL deletions with an event name the SDK does
 * not know (`UNKNOWN_TO_SDK_VERSION`) and no `userIdentity`; that shape is accepted as a TTL expiry
 * only when the stream is DynamoDB Local's (region `ddblocal`), a region that never occurs on AWS,
 * so the fallback cannot misfire on a real table.
 */
export function isTtlExpiry(record: StreamRecord, region: string): boolean {
  if (record === null || typeof record !== 'object') return false; // malformed: decoding reports it
  const identity = record.userIdentity;
  if (identity) return identity.type === 'Service' && identity.principalId === TTL_PRINCIPAL;
  return (
    region === DYNAMODB_LOCAL_REGION &&
    !KNOWN_EVENT_NAMES.has(record.eventName ?? '') &&
    record.dynamodb?.OldImage !== undefined &&
    record.dynamodb.NewImage === undefined
  );
}
