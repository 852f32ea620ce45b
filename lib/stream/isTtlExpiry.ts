import type { StreamRecord } from './types.js';

/** The identity DynamoDB puts on records of items its TTL process deleted. */
export const TTL_PRINCIPAL = 'dynamodb.amazonaws.com';

/** Region DynamoDB Local writes into stream ARNs. */
export const DYNAMODB_LOCAL_REGION = 'ddblocal';

const KNOWN_EVENT_NAMES = new Set(['INSERT', 'MODIFY', 'REMOVE']);

/** DynamoDB Local truncates ApproximateCreationDateTime to the minute: the deletion happened within it. */
const LOCAL_TIME_TRUNCATION_SECONDS = 60;

/** The TTL attribute of a local REMOVE's old image had passed when the item was deleted. */
function ttlHadPassed(record: StreamRecord, ttlAttribute: string): boolean {
  const image = record.dynamodb?.OldImage;
  const value: unknown = image && Object.hasOwn(image, ttlAttribute) ? image[ttlAttribute] : undefined;
  const ttl =
    value !== null && typeof value === 'object' && typeof (value as { N?: unknown }).N === 'string'
      ? Number((value as { N: string }).N)
      : Number.NaN;
  const created = record.dynamodb?.ApproximateCreationDateTime;
  const seconds = created instanceof Date ? created.getTime() / 1000 : created;
  return Number.isFinite(ttl) && typeof seconds === 'number' && ttl < seconds + LOCAL_TIME_TRUNCATION_SECONDS;
}

/**
 * True when the record is a deletion by DynamoDB's TTL process.
 *
 * On AWS a TTL deletion is a REMOVE whose `userIdentity` is `{ type: 'Service', principalId:
 * 'dynamodb.amazonaws.com' }`. DynamoDB Local sends TTL deletions with an event name the SDK does
 * not know (`UNKNOWN_TO_SDK_VERSION`) and no `userIdentity`; that shape is accepted as a TTL expiry
 * only when the stream is DynamoDB Local's (region `ddblocal`), a region that never occurs on AWS,
 * so the fallback cannot misfire on a real table.
 *
 * DynamoDB Local never TTL-deletes items of a table with a secondary index; `memory-cdc dev` deletes
 * them itself (`sweepExpiredItems`), which the stream shows as plain REMOVEs. So on `ddblocal` streams,
 * when the caller names the layout's TTL attribute, a REMOVE whose old image's TTL had passed when it
 * was deleted (allowing for the minute-truncated creation time) is a TTL expiry too.
 *
 * @param ttlAttribute the layout's TTL attribute, for the local sweeper's REMOVEs
 */
export function isTtlExpiry(record: StreamRecord, region: string, ttlAttribute?: string): boolean {
  if (record === null || typeof record !== 'object') return false; // malformed: decoding reports it
  const identity = record.userIdentity;
  if (identity) return identity.type === 'Service' && identity.principalId === TTL_PRINCIPAL;
  if (region !== DYNAMODB_LOCAL_REGION) return false;
  if (record.dynamodb?.OldImage === undefined || record.dynamodb.NewImage !== undefined) return false;
  if (!KNOWN_EVENT_NAMES.has(record.eventName ?? '')) return true;
  return record.eventName === 'REMOVE' && ttlAttribute !== undefined && ttlHadPassed(record, ttlAttribute);
}
