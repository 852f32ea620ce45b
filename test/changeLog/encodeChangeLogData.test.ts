import { describe, expect, test } from 'vitest';
import {
  changeLogDataBytes,
  encodeChangeLogData,
  writeChangeLogData,
} from '../../lib/changeLog/encodeChangeLogData.js';
import { CHANGE_LOG_VERSION } from '../../lib/changeLog/format.js';

const a = '{"eventId":"e-1","text":"café ☕"}';
const b = '{"eventId":"e-2","text":"plain"}';
const utf8 = (text: string) => Buffer.from(text, 'utf8');

describe('encodeChangeLogData', () => {
  test('writes JSON text given as strings exactly as the same text given as bytes', () => {
    const fromText = encodeChangeLogData([a, b]);
    expect(Buffer.from(fromText)).toEqual(Buffer.from(encodeChangeLogData([utf8(a), utf8(b)])));
    expect(Buffer.from(fromText).toString('utf8')).toBe(
      `{"changeLogVersion":${CHANGE_LOG_VERSION},"changes":[${a},${b}]}`,
    );
  });

  test('takes strings and bytes mixed, and sizes the record as changeLogDataBytes says', () => {
    const data = encodeChangeLogData([utf8(a), b]);
    expect(data.byteLength).toBe(changeLogDataBytes(utf8(a).byteLength + utf8(b).byteLength, 2));
    expect(JSON.parse(Buffer.from(data).toString('utf8')).changes).toEqual([JSON.parse(a), JSON.parse(b)]);
  });

  test('writeChangeLogData writes the same bytes at an offset of a shared buffer and says where it ended', () => {
    const target = Buffer.alloc(300, 0x2e);
    const end = writeChangeLogData(target, 7, [a, utf8(b)]);
    const expected = Buffer.from(encodeChangeLogData([a, b]));
    expect(end).toBe(7 + expected.byteLength);
    expect(target.subarray(7, end)).toEqual(expected);
    expect(target[6]).toBe(0x2e);
    expect(target[end]).toBe(0x2e);
    expect(() => writeChangeLogData(target, 0, [])).toThrow(RangeError);
  });
});
