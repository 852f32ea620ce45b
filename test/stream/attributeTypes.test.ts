import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';
import type { AttributeMap, StreamRecord } from '../../lib/stream/types.js';
import { plainTable } from '../fixtures/tables.js';

const BYTES = new Uint8Array([0, 1, 2, 253, 254, 255]);
const BYTES_BASE64 = 'AAEC/f7/';

/** One plain item per DynamoDB attribute type, with the plain JSON memory-cdc must produce. */
const CASES: { type: string; value: unknown; expected: unknown }[] = [
  { type: 'S', value: 'héllo, wörld', expected: 'héllo, wörld' },
  { type: 'N', value: 42, expected: 42 },
  { type: 'B', value: BYTES, expected: BYTES_BASE64 },
  { type: 'SS', value: new Set(['travel', 'lisbon']), expected: ['travel', 'lisbon'] },
  { type: 'NS', value: new Set([1, 2.5, -3]), expected: [1, 2.5, -3] },
  {
    type: 'BS',
    value: new Set([new Uint8Array([1, 2]), new Uint8Array([3, 4])]),
    expected: ['AQI=', 'AwQ='],
  },
  { type: 'M', value: { a: 1, b: { c: 'd' }, e: {} }, expected: { a: 1, b: { c: 'd' }, e: {} } },
  { type: 'L', value: [1, 'two', { three: true }, [4]], expected: [1, 'two', { three: true }, [4]] },
  { type: 'NULL', value: null, expected: null },
  { type: 'BOOL', value: false, expected: false },
];

function insertOf(value: unknown): StreamRecord {
  return plainTable().put({ id: 'item-1', value });
}

/** The same record as the DynamoDB Streams API returns it: binary as bytes, the time as a Date. */
function sdkRecordOf(value: unknown): StreamRecord {
  const record = insertOf(value);
  const item = { id: 'item-1', value };
  return {
    ...record,
    dynamodb: {
      ...record.dynamodb,
      NewImage: marshall(item, { convertClassInstanceToMap: true }) as AttributeMap,
      ApproximateCreationDateTime: new Date(1_793_000_001_000),
    },
  };
}

describe('decodeRecord with every attribute type', () => {
  it.each(CASES)('decodes a $type attribute from a Lambda event into plain JSON', ({ value, expected }) => {
    const change = decodeRecord(insertOf(value));
    expect(change.after).toEqual({ id: 'item-1', value: expected });
  });

  it.each(CASES)(
    'decodes a $type attribute from the Streams API (SDK types) into the same JSON',
    ({ value, expected }) => {
      const change = decodeRecord(sdkRecordOf(value));
      expect(change.after).toEqual({ id: 'item-1', value: expected });
    },
  );

  it('carries binary as base64 text in the Lambda event it decodes', () => {
    const record = insertOf(BYTES);
    expect(record.dynamodb?.NewImage?.value).toEqual({ B: BYTES_BASE64 });
  });

  it('decodes SDK binary that is a view into a larger buffer by its own bytes only', () => {
    const backing = new Uint8Array([9, 9, 0, 1, 2, 253, 254, 255, 9]);
    const record = insertOf('placeholder');
    record.dynamodb!.NewImage!.value = { B: backing.subarray(2, 8) };
    expect(decodeRecord(record).after?.value).toBe(BYTES_BASE64);
  });

  it('decodes a set of binary values mixing base64 text and bytes', () => {
    const record = insertOf('placeholder');
    record.dynamodb!.NewImage!.value = { BS: ['AQI=', new Uint8Array([3, 4])] };
    expect(decodeRecord(record).after?.value).toEqual(['AQI=', 'AwQ=']);
  });

  it('decodes every type nested inside maps and lists', () => {
    const value = { list: [BYTES, new Set(['a']), null, true], map: { n: 7, bytes: BYTES } };
    const change = decodeRecord(insertOf(value));
    expect(change.after?.value).toEqual({
      list: [BYTES_BASE64, ['a'], null, true],
      map: { n: 7, bytes: BYTES_BASE64 },
    });
  });

  it('keeps the raw DynamoDB JSON images next to the plain ones', () => {
    const record = insertOf(BYTES);
    const change = decodeRecord(record);
    expect(change.raw.newImage).toBe(record.dynamodb?.NewImage);
    expect(change.raw.keys).toEqual({ id: { S: 'item-1' } });
  });

  it('produces a change that JSON.stringify serialises', () => {
    const change = decodeRecord(insertOf({ n: 1, bytes: BYTES, set: new Set([1, 2]) }));
    expect(() => JSON.stringify(change)).not.toThrow();
  });
});
