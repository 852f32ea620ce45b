import { describe, expect, test } from 'vitest';
import { DecodeError } from '../../lib/errors.js';
import { decodeChangeLogRecord } from '../../lib/vector/decodeChangeLogRecord.js';
import { kinesisRecord } from './support/changeLog.js';

const detail = {
  version: '1',
  eventId: 'e-1',
  detailType: 'Turn Created',
  op: 'insert',
  entity: 'turn',
  expired: false,
  ids: { userId: 'u-1' },
  keys: { pk: 'USER#u-1', sk: 'CONV#c#TS#1' },
  changed: ['text'],
  before: null,
  after: { text: 'hi' },
  layout: 'agent-memory',
  time: '2026-11-28T10:00:00.000Z',
  origin: {
    table: 't',
    streamArn: 'arn',
    region: 'us-east-1',
    eventId: 'r-1',
    sequenceNumber: '100000000000000000001',
    approximateCreationTime: '2026-11-28T10:00:00.000Z',
  },
};

describe('decodeChangeLogRecord', () => {
  test('decodes base64 JSON data into the event detail', () => {
    expect(decodeChangeLogRecord(kinesisRecord('1', 'c', JSON.stringify(detail)))).toEqual(detail);
  });

  test('decodes a backfill snapshot read (op read) like an insert', () => {
    const read = { ...detail, op: 'read' };
    expect(decodeChangeLogRecord(kinesisRecord('1', 'c', JSON.stringify(read))).op).toBe('read');
  });

  test.each([
    ['data that is not JSON', 'not json'],
    ['JSON that is not an object', '[1,2]'],
    [
      'a detail without an origin sequence number',
      JSON.stringify({ ...detail, origin: { ...detail.origin, sequenceNumber: 'x' } }),
    ],
    ['a detail with an unknown op', JSON.stringify({ ...detail, op: 'upsert' })],
  ])('throws DecodeError naming the record for %s', (_name, data) => {
    const record = kinesisRecord('49000000000000000000000000000000000000000000000000000007', 'c', data);
    expect(() => decodeChangeLogRecord(record)).toThrow(DecodeError);
    expect(() => decodeChangeLogRecord(record)).toThrow(record.eventID);
  });
});
