import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';
import { isTtlExpiry } from '../../lib/stream/isTtlExpiry.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { plainTable } from '../fixtures/tables.js';

const KEY = { id: 'session-1' };

function removal(how: 'delete' | 'expire', region = 'us-east-1'): StreamRecord {
  const sim = plainTable({ region });
  sim.put({ ...KEY, expires_at: 1_700_000_000 });
  return how === 'delete' ? sim.delete(KEY) : sim.expire(KEY);
}

/** A TTL deletion as DynamoDB Local sends it: an event name the SDK does not know, no identity. */
function dynamoDbLocalShape(region: string): StreamRecord {
  const record = removal('delete', region);
  record.eventName = 'UNKNOWN_TO_SDK_VERSION';
  delete record.userIdentity;
  return record;
}

describe('TTL expiry versus user delete', () => {
  it('marks a REMOVE by the DynamoDB service identity as expired', () => {
    const change = decodeRecord(removal('expire'));
    expect([change.op, change.expired]).toEqual(['remove', true]);
  });

  it('marks a REMOVE without a user identity as a user delete', () => {
    const change = decodeRecord(removal('delete'));
    expect([change.op, change.expired]).toEqual(['remove', false]);
  });

  it('does not mark a REMOVE by another service principal as expired', () => {
    const record = removal('delete');
    record.userIdentity = { type: 'Service', principalId: 'backup.amazonaws.com' };
    expect(decodeRecord(record).expired).toBe(false);
  });

  it('does not mark a REMOVE by a user with the DynamoDB principal as expired', () => {
    const record = removal('delete');
    record.userIdentity = { type: 'User', principalId: 'dynamodb.amazonaws.com' };
    expect(decodeRecord(record).expired).toBe(false);
  });

  it('keeps the old image of an expired item', () => {
    expect(decodeRecord(removal('expire')).before).toEqual({ ...KEY, expires_at: 1_700_000_000 });
  });

  it('never marks an insert or a modify as expired, whatever the identity', () => {
    const sim = plainTable();
    const insert = sim.put({ ...KEY, n: 1 });
    const modify = sim.update(KEY, { n: 2 });
    for (const record of [insert, modify]) {
      record.userIdentity = { type: 'Service', principalId: 'dynamodb.amazonaws.com' };
      expect(decodeRecord(record).expired).toBe(false);
    }
  });

  it("reads DynamoDB Local's TTL deletion (unknown event name, no identity, ddblocal ARN) as an expiry", () => {
    const change = decodeRecord(dynamoDbLocalShape('ddblocal'));
    expect([change.op, change.expired, change.position.region]).toEqual(['remove', true, 'ddblocal']);
  });

  it('refuses the same shape from a real region instead of guessing the change', () => {
    expect(() => decodeRecord(dynamoDbLocalShape('us-east-1'))).toThrow(/unknown eventName.*ddblocal/);
  });

  it('does not read a plain REMOVE on DynamoDB Local as an expiry', () => {
    const record = removal('delete', 'ddblocal');
    expect(decodeRecord(record).expired).toBe(false);
  });

  it('exposes the rule as isTtlExpiry for records read elsewhere', () => {
    expect(isTtlExpiry(removal('expire'), 'us-east-1')).toBe(true);
    expect(isTtlExpiry(removal('delete'), 'us-east-1')).toBe(false);
  });
});
