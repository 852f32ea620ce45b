import { describe, expect, it } from 'vitest';
import { parseLayout } from '../../lib/layout/resolveLayout.js';
import { createPipeline } from '../../lib/pipeline/createPipeline.js';
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

  describe("the dev expiry sweeper's REMOVEs on DynamoDB Local (tables with a secondary index)", () => {
    /** A plain REMOVE on ddblocal of an item whose `expires_at` is `ttl`, deleted at the simulator's clock. */
    function sweptRemoval(ttlOffsetSeconds: number, region = 'ddblocal'): StreamRecord {
      const sim = plainTable({ region });
      const record = sim.put({ ...KEY, expires_at: 0 });
      const at = record.dynamodb!.ApproximateCreationDateTime as number;
      sim.put({ ...KEY, expires_at: at + ttlOffsetSeconds });
      return sim.delete(KEY);
    }

    it('reads a REMOVE of an item whose TTL had passed as an expiry when the TTL attribute is named', () => {
      const record = sweptRemoval(-120);
      expect(isTtlExpiry(record, 'ddblocal', 'expires_at')).toBe(true);
      expect(isTtlExpiry(record, 'ddblocal')).toBe(false);
    });

    it('reads a REMOVE of an item whose TTL lies ahead as a user delete', () => {
      expect(isTtlExpiry(sweptRemoval(3600), 'ddblocal', 'expires_at')).toBe(false);
    });

    it('never applies outside DynamoDB Local', () => {
      expect(isTtlExpiry(sweptRemoval(-120, 'us-east-1'), 'us-east-1', 'expires_at')).toBe(false);
    });

    it('marks the change expired in the pipeline of a layout with that TTL attribute', () => {
      const layout = parseLayout(
        {
          name: 'plain',
          partitionKey: 'id',
          ttlAttribute: 'expires_at',
          entities: [{ entity: 'memory', pk: '{memoryId}' }],
        },
        'test',
      );
      const processed = createPipeline({ layout }).process(sweptRemoval(-120));
      expect([processed.change.expired, processed.events[0]?.detailType]).toEqual([true, 'Memory Expired']);
      expect(processed.outputs.some((o) => o.sink === 'archive')).toBe(true);
    });
  });
});
