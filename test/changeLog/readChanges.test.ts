import { describe, expect, test } from 'vitest';
import { encodeChangeLogData } from '../../lib/changeLog/encodeChangeLogData.js';
import { CHANGE_LOG_VERSION } from '../../lib/changeLog/format.js';
import { readChanges, readChangesFromData } from '../../lib/changeLog/readChanges.js';
import { DecodeError } from '../../lib/errors.js';
import { kinesisRecord } from '../vector/support/changeLog.js';

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
const second = {
  ...detail,
  eventId: 'e-2',
  detailType: 'Turn Updated',
  op: 'modify',
  origin: { ...detail.origin, eventId: 'r-2', sequenceNumber: '100000000000000000002' },
};

const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
const SEQUENCE = '49000000000000000000000000000000000000000000000000000007';

describe('readChanges', () => {
  test('reads every change of a version-2 record, oldest first', () => {
    const data = encodeChangeLogData([bytes(detail), bytes(second)]);
    expect(readChanges(kinesisRecord('1', 'c', Buffer.from(data)))).toEqual([detail, second]);
  });

  test('reads a version-2 record of one change as a list of one', () => {
    const data = encodeChangeLogData([bytes(detail)]);
    expect(JSON.parse(Buffer.from(data).toString())).toEqual({
      changeLogVersion: CHANGE_LOG_VERSION,
      changes: [detail],
    });
    expect(readChanges(kinesisRecord('1', 'c', Buffer.from(data)))).toEqual([detail]);
  });

  test('reads a version-1 record (one bare detail, written before the envelope) as a list of one', () => {
    expect(readChanges(kinesisRecord('1', 'c', JSON.stringify(detail)))).toEqual([detail]);
  });

  test('reads a backfill snapshot read (op read) like an insert', () => {
    const read = { ...detail, op: 'read' };
    expect(readChanges(kinesisRecord('1', 'c', JSON.stringify(read)))[0]!.op).toBe('read');
  });

  test('reads data blobs as GetRecords returns them, bytes or text', () => {
    const data = encodeChangeLogData([bytes(detail), bytes(second)]);
    expect(readChangesFromData(data)).toEqual([detail, second]);
    expect(readChangesFromData(Buffer.from(data).toString('utf8'))).toEqual([detail, second]);
  });

  test('refuses a record of a newer format version, saying to upgrade', () => {
    const record = kinesisRecord(SEQUENCE, 'c', JSON.stringify({ changeLogVersion: 3, changes: [detail] }));
    expect(() => readChanges(record)).toThrow(DecodeError);
    expect(() => readChanges(record)).toThrow(/version 3, newer than this reader \(version 2\): upgrade/);
  });

  test.each([
    ['data that is not JSON', 'not json'],
    ['JSON that is not an object', '[1,2]'],
    [
      'a detail without an origin sequence number',
      JSON.stringify({ ...detail, origin: { ...detail.origin, sequenceNumber: 'x' } }),
    ],
    ['a detail with an unknown op', JSON.stringify({ ...detail, op: 'upsert' })],
    ['an envelope without changes', JSON.stringify({ changeLogVersion: 2, changes: [] })],
    ['an envelope with a text version', JSON.stringify({ changeLogVersion: '2', changes: [detail] })],
    [
      'an envelope with a bad change',
      JSON.stringify({ changeLogVersion: 2, changes: [detail, { op: 'insert' }] }),
    ],
  ])('throws DecodeError naming the record for %s', (_name, data) => {
    const record = kinesisRecord(SEQUENCE, 'c', data);
    expect(() => readChanges(record)).toThrow(DecodeError);
    expect(() => readChanges(record)).toThrow(record.eventID);
  });

  test('names the bad change of an envelope', () => {
    const data = JSON.stringify({ changeLogVersion: 2, changes: [detail, { ...second, op: 'upsert' }] });
    expect(() => readChangesFromData(data, 'seq-7')).toThrow(/record seq-7: change 1: .*bad op/);
  });

  test('refuses an envelope of no change at encoding time', () => {
    expect(() => encodeChangeLogData([])).toThrow(RangeError);
  });
});
