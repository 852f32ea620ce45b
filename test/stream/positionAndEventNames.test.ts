import { describe, expect, it } from 'vitest';
import { formatSequenceNumber, streamArnFor } from '../../lib/fixtures/streamRecordBuilder.js';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';
import type { StreamRecord } from '../../lib/stream/types.js';
import { plainTable } from '../fixtures/tables.js';

const START = 1_793_000_000;

function insert(): StreamRecord {
  return plainTable({
    table: 'agent-memory-prod',
    region: 'eu-west-1',
    account: '210987654321',
    startEpochSeconds: START,
  }).put({
    id: 'item-1',
  });
}

describe('stream position', () => {
  it('reads the table name and region from the stream ARN', () => {
    const { position } = decodeRecord(insert());
    expect([position.table, position.region]).toEqual(['agent-memory-prod', 'eu-west-1']);
  });

  it('keeps the stream ARN and the record eventID', () => {
    const record = insert();
    const { position } = decodeRecord(record);
    expect(position.streamArn).toBe(
      streamArnFor({ table: 'agent-memory-prod', region: 'eu-west-1', account: '210987654321' }),
    );
    expect(position.eventId).toBe(record.eventID);
  });

  it('keeps the sequence number as the exact decimal text', () => {
    expect(decodeRecord(insert()).position.sequenceNumber).toBe(formatSequenceNumber(1));
  });

  it('reads the creation time from epoch seconds', () => {
    const { position } = decodeRecord(insert());
    expect(position.approximateCreationTime).toBe(new Date((START + 1) * 1000).toISOString());
    expect(position.approximateCreationEpochMs).toBe((START + 1) * 1000);
  });

  it('keeps fractional epoch seconds to the millisecond', () => {
    const record = insert();
    record.dynamodb!.ApproximateCreationDateTime = 1_793_000_000.25;
    expect(decodeRecord(record).position.approximateCreationTime).toBe(
      new Date(1_793_000_000_250).toISOString(),
    );
  });

  it('reads the creation time from a Date, as the Streams API gives it', () => {
    const record = insert();
    record.dynamodb!.ApproximateCreationDateTime = new Date('2026-11-22T10:00:00.000Z');
    expect(decodeRecord(record).position.approximateCreationTime).toBe('2026-11-22T10:00:00.000Z');
  });

  it("keeps DynamoDB's record size", () => {
    const record = insert();
    expect(decodeRecord(record).position.sizeBytes).toBe(record.dynamodb!.SizeBytes);
  });

  it('falls back to the awsRegion field and an empty table name when the record has no ARN', () => {
    const record = insert();
    delete record.eventSourceARN;
    const { position } = decodeRecord(record);
    expect([position.table, position.region, position.streamArn]).toEqual(['', 'eu-west-1', '']);
  });
});

describe('unknown event names', () => {
  function localTable() {
    return plainTable({ region: 'ddblocal' });
  }
  function renamed(record: StreamRecord): StreamRecord {
    record.eventName = 'UNKNOWN_TO_SDK_VERSION';
    return record;
  }

  it('refuses an unknown event name on a real AWS region instead of inferring an insert', () => {
    expect(() => decodeRecord(renamed(plainTable({ region: 'us-east-1' }).put({ id: 'i' })))).toThrow(
      /unknown eventName "UNKNOWN_TO_SDK_VERSION".*only on DynamoDB Local/,
    );
  });

  it('infers an insert from a record with only a new image', () => {
    expect(decodeRecord(renamed(localTable().put({ id: 'i' }))).op).toBe('insert');
  });

  it('infers a modify from a record with both images', () => {
    const sim = localTable();
    sim.put({ id: 'i', n: 1 });
    expect(decodeRecord(renamed(sim.update({ id: 'i' }, { n: 2 }))).op).toBe('modify');
  });

  it('infers a remove from a record with only an old image', () => {
    const sim = localTable();
    sim.put({ id: 'i' });
    expect(decodeRecord(renamed(sim.delete({ id: 'i' }))).op).toBe('remove');
  });
});
