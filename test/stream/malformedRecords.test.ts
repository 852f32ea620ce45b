import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../lib/errors.js';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';
import type { AttributeMap, StreamRecord } from '../../lib/stream/types.js';
import { plainTable } from '../fixtures/tables.js';

/** A well-formed insert whose new image the test then breaks. */
function insert(): StreamRecord {
  return plainTable().put({ id: 'item-1', n: 1, nested: { inner: 'x' } });
}

function decodeError(record: unknown): DecodeError {
  try {
    decodeRecord(record as StreamRecord);
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('decodeRecord accepted the record');
}

function setAttribute(record: StreamRecord, name: string, value: unknown): StreamRecord {
  (record.dynamodb!.NewImage as Record<string, unknown>)[name] = value;
  return record;
}

describe('malformed records', () => {
  it('rejects a number that is not a number, naming the eventID', () => {
    const record = setAttribute(insert(), 'n', { N: 'twelve' });
    const error = decodeError(record);
    expect(error.eventId).toBe(record.eventID);
    expect(error.message).toContain(record.eventID);
    expect(error.message).toMatch(/NewImage.*invalid number "twelve"/);
  });

  it('rejects an empty number', () => {
    expect(decodeError(setAttribute(insert(), 'n', { N: '' })).message).toContain('invalid number');
  });

  it.each(['0x1F', 'Infinity', ' 12', '1_000'])('rejects %j, which is not a decimal number', (text) => {
    expect(decodeError(setAttribute(insert(), 'n', { N: text })).message).toContain('invalid number');
  });

  it('rejects a bad number deep inside a map', () => {
    const record = setAttribute(insert(), 'nested', { M: { inner: { L: [{ N: 'NaN-ish' }] } } });
    expect(decodeError(record).eventId).toBe(record.eventID);
  });

  it('rejects a bad member of a number set', () => {
    expect(decodeError(setAttribute(insert(), 'ns', { NS: ['1', 'two'] })).message).toContain(
      'invalid number',
    );
  });

  it('rejects an unknown attribute type key, naming it', () => {
    const error = decodeError(setAttribute(insert(), 'n', { X: '1' }));
    expect(error.message).toContain('X');
  });

  it('rejects an attribute value with no type key', () => {
    expect(decodeError(setAttribute(insert(), 'n', {}))).toBeInstanceOf(DecodeError);
  });

  it('rejects an attribute value that is null', () => {
    expect(decodeError(setAttribute(insert(), 'n', null))).toBeInstanceOf(DecodeError);
  });

  it('rejects a new image that is not an object', () => {
    const record = insert();
    record.dynamodb!.NewImage = 'not an image' as unknown as AttributeMap;
    expect(decodeError(record).message).toContain('malformed NewImage: a string, not a map of attributes');
  });

  it('rejects an old image that is an array', () => {
    const sim = plainTable();
    sim.put({ id: 'i' });
    const record = sim.delete({ id: 'i' });
    record.dynamodb!.OldImage = [] as unknown as AttributeMap;
    expect(decodeError(record).message).toContain('malformed OldImage');
  });

  it('rejects a record without Keys', () => {
    const record = insert();
    delete record.dynamodb!.Keys;
    expect(decodeError(record).message).toContain('dynamodb.Keys');
  });

  it('rejects a record with empty Keys', () => {
    const record = insert();
    record.dynamodb!.Keys = {};
    expect(decodeError(record).eventId).toBe(record.eventID);
  });

  it('rejects malformed Keys', () => {
    const record = insert();
    record.dynamodb!.Keys = { id: { N: 'abc' } };
    expect(decodeError(record).message).toContain('malformed Keys');
  });

  it('rejects a record without a SequenceNumber', () => {
    const record = insert();
    delete record.dynamodb!.SequenceNumber;
    expect(decodeError(record).message).toContain('SequenceNumber');
  });

  it('rejects a SequenceNumber that is not decimal', () => {
    const record = insert();
    record.dynamodb!.SequenceNumber = '12ab';
    expect(decodeError(record).message).toContain('SequenceNumber');
  });

  it('accepts a record without an ApproximateCreationDateTime, leaving the time out', () => {
    const record = insert();
    delete record.dynamodb!.ApproximateCreationDateTime;
    expect(decodeRecord(record).position.approximateCreationTime).toBeUndefined();
  });

  it('rejects a creation time that is not a time', () => {
    const record = insert();
    record.dynamodb!.ApproximateCreationDateTime = new Date('not a date');
    expect(decodeError(record).message).toContain('ApproximateCreationDateTime');
  });

  it('rejects a record without a dynamodb section, naming the eventID', () => {
    const record = insert();
    delete record.dynamodb;
    const error = decodeError(record);
    expect([error.eventId, error.message]).toEqual([
      record.eventID,
      `record ${record.eventID}: record has no dynamodb section`,
    ]);
  });

  it('rejects a record without an eventID', () => {
    const record = insert();
    delete record.eventID;
    const error = decodeError(record);
    expect([error.eventId, error.message]).toEqual([undefined, 'record has no eventID']);
  });

  it('rejects a record that is not an object', () => {
    expect(decodeError('INSERT').message).toBe('record is a string, not an object');
  });

  it('rejects an unknown event name on a record with no image to infer it from', () => {
    const record = plainTable({ viewType: 'KEYS_ONLY' }).put({ id: 'i' });
    record.eventName = 'UPSERT';
    expect(decodeError(record).message).toContain('unknown eventName "UPSERT"');
  });

  it('keeps the underlying error as the cause', () => {
    const error = decodeError(setAttribute(insert(), 'n', { N: 'twelve' }));
    expect(error.cause).toBeInstanceOf(Error);
  });
});
