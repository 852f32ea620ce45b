import { describe, expect, it } from 'vitest';
import { backfillSourceArn, syntheticInsertRecord } from '../../lib/live/backfill/syntheticInsertRecord.js';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';

const source = {
  tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/memories',
  keyAttributes: ['pk', 'sk'],
};

describe('syntheticInsertRecord', () => {
  it('builds a snapshot read (READ) with the item as NewImage, its keys, and the table under a backfill stream label', () => {
    const record = syntheticInsertRecord(
      source,
      { pk: { S: 'A' }, sk: { S: 'B' }, n: { N: '1' }, b: { B: new Uint8Array([1]) } },
      1_793_000_000,
    );
    expect(record).toMatchObject({
      eventName: 'READ',
      eventSourceARN: `${source.tableArn}/stream/backfill`,
      awsRegion: 'us-east-1',
      dynamodb: {
        Keys: { pk: { S: 'A' }, sk: { S: 'B' } },
        NewImage: { b: { B: 'AQ==' } },
        SequenceNumber: '0',
      },
    });
    const change = decodeRecord(record);
    expect(change.op).toBe('read');
    expect(change.position.table).toBe('memories');
  });

  it("uses the table's stream ARN when it has one", () => {
    const streamArn = `${source.tableArn}/stream/2026-11-01T00:00:00.000`;
    expect(backfillSourceArn({ ...source, streamArn })).toBe(streamArn);
  });

  it('derives the eventID from the content: stable for the same item, new when it changed', () => {
    const a = syntheticInsertRecord(
      source,
      { pk: { S: 'A' }, sk: { S: 'B' }, x: { S: '1' }, y: { S: '2' } },
      1,
    );
    const reordered = syntheticInsertRecord(
      source,
      { y: { S: '2' }, x: { S: '1' }, sk: { S: 'B' }, pk: { S: 'A' } },
      2,
    );
    const changed = syntheticInsertRecord(
      source,
      { pk: { S: 'A' }, sk: { S: 'B' }, x: { S: '1' }, y: { S: '3' } },
      1,
    );
    expect(reordered.eventID).toBe(a.eventID);
    expect(changed.eventID).not.toBe(a.eventID);
  });
});
