/**
 * Whether a stream record is a TTL expiry, with the region read from the record itself.
 */
import { isTtlExpiry } from '../stream/isTtlExpiry.js';
import type { StreamRecord } from '../stream/types.js';

const STREAM_ARN_REGION = /^arn:[^:]+:dynamodb:([^:]*):/;

/**
 * True when DynamoDB's TTL process deleted the record's item (see `isTtlExpiry`); the region (for
 * DynamoDB Local's fallback) comes from the stream ARN, else `awsRegion`.
 * @param ttlAttribute the layout's TTL attribute (recognises the dev expiry sweeper's REMOVEs on DynamoDB Local)
 *
 * @example
 * const expiries = event.Records.filter(isExpiryRecord);
 */
export function isExpiryRecord(record: StreamRecord, ttlAttribute?: string): boolean {
  if (record === null || typeof record !== 'object') return false; // malformed: the router dead-letters it
  const arn = typeof record.eventSourceARN === 'string' ? record.eventSourceARN : '';
  const region =
    STREAM_ARN_REGION.exec(arn)?.[1] || (typeof record.awsRegion === 'string' ? record.awsRegion : '');
  return isTtlExpiry(record, region, ttlAttribute);
}
