import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import { toLambdaRecord } from '../../lib/live/toLambdaRecord.js';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';

const ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/memories/stream/2026-11-01T00:00:00.000';

describe('toLambdaRecord', () => {
  it("converts an SDK record to Lambda's format: base64 binary, epoch seconds, identity, eventSourceARN", () => {
    const sdk: _Record = {
      eventID: 'e1',
      eventName: 'REMOVE',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2026-11-01T10:00:05Z'),
        Keys: { pk: { S: 'USER#u1' }, sk: { B: new Uint8Array([1, 2, 3]) } },
        OldImage: {
          pk: { S: 'USER#u1' },
          sk: { B: new Uint8Array([1, 2, 3]) },
          blobs: { BS: [new Uint8Array([255]), new Uint8Array([0, 0])] },
          nested: { M: { inner: { L: [{ B: new Uint8Array([9]) }, { N: '1' }] } } },
        },
        SequenceNumber: '4421584500000000017450439091',
        SizeBytes: 99,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      userIdentity: { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' },
    };
    const lambda = toLambdaRecord(sdk, ARN);
    expect(lambda).toEqual({
      eventID: 'e1',
      eventName: 'REMOVE',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      dynamodb: {
        ApproximateCreationDateTime: 1793527205,
        Keys: { pk: { S: 'USER#u1' }, sk: { B: 'AQID' } },
        OldImage: {
          pk: { S: 'USER#u1' },
          sk: { B: 'AQID' },
          blobs: { BS: ['/w==', 'AAA='] },
          nested: { M: { inner: { L: [{ B: 'CQ==' }, { N: '1' }] } } },
        },
        SequenceNumber: '4421584500000000017450439091',
        SizeBytes: 99,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: ARN,
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    });
    const change = decodeRecord(lambda);
    expect(change.expired).toBe(true);
    expect(change.position.table).toBe('memories');
  });

  it('takes the region from the stream ARN when the record has none, and keeps unknown types as they came', () => {
    const lambda = toLambdaRecord(
      {
        eventID: 'e2',
        dynamodb: { Keys: { pk: { $unknown: ['X', 'y'] } }, SequenceNumber: '1' },
      },
      ARN,
    );
    expect(lambda.awsRegion).toBe('eu-west-1');
    expect(lambda.dynamodb!.Keys).toEqual({ pk: { X: 'y' } });
  });

  it("reads DynamoDB Local's typeless empty map as an empty map, and only on a DynamoDB Local stream", () => {
    const record = (): _Record => ({
      eventID: 'e-map',
      eventName: 'INSERT',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2026-11-01T10:00:00Z'),
        Keys: { pk: { S: 'USER#u1' } },
        NewImage: { pk: { S: 'USER#u1' }, prefs: {} as never, nested: { L: [{} as never] } },
        SequenceNumber: '100',
      },
    });
    const local = toLambdaRecord(record(), 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/2026');
    expect(decodeRecord(local).after).toEqual({ pk: 'USER#u1', prefs: {}, nested: [{}] });
    const real = toLambdaRecord(record(), ARN);
    expect(() => decodeRecord(real)).toThrow(/malformed NewImage/);
  });
});
