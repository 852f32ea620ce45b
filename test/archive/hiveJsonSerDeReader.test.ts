import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { HiveType } from '../../lib/archive/archiveColumns.js';
import { HiveReadError, readHiveJsonLines } from '../support/hiveJsonSerDe.js';
import { ARCHIVE_HIVE_COLUMNS, partitionOfKey } from '../support/readArchiveAsAthena.js';

const STRING: HiveType = { kind: 'string' };
const columns = [
  { name: 'name', type: STRING },
  { name: 'tags', type: { kind: 'map', key: STRING, value: STRING } as HiveType },
  {
    name: 'pos',
    type: { kind: 'struct', fields: [{ name: 'seqnum', type: STRING }] } as HiveType,
  },
];
const read = (text: string, partition: Record<string, string> = {}) =>
  readHiveJsonLines(text, { columns, partition });

describe('the Hive JSON SerDe reader (the rules Athena applies to each declared column type)', () => {
  it('rejects an object or an array in a string column, as Trino does ("must be a scalar json value")', () => {
    expect(() => read('{"name":{"S":"x"}}\n')).toThrow(/varchar value must be a scalar json value/);
    expect(() => read('{"name":["x"]}\n')).toThrow(HiveReadError);
  });

  it('reads any scalar into a string column as its text, numbers digit for digit', () => {
    const [row] = read('{"name":12345678901234567890123456789012345678}\n');
    expect(row!.get('name')).toBe('12345678901234567890123456789012345678');
    expect(read('{"name":true}')[0]!.get('name')).toBe('true');
    expect(read('{"name":""}')[0]!.get('name')).toBe('');
    expect(read('{"name":null}')[0]!.get('name')).toBeNull();
  });

  it('matches field names case-insensitively, skips unknown fields and reads missing columns as NULL', () => {
    const [row] = read('{"NaMe":"a","other":{"deep":[1]},"Pos":{"SeqNum":"7"}}');
    expect(row!.get('name')).toBe('a');
    expect(row!.get('tags')).toBeNull();
    expect(row!.get('pos')).toEqual(new Map([['seqnum', '7']]));
  });

  it('rejects two fields that differ only in case, since engines disagree on which one wins', () => {
    expect(() => read('{"name":"a","NAME":"b"}')).toThrow(/both match name/);
    expect(() => read('{"pos":{"seqnum":"1","SeqNum":"2"}}')).toThrow(/both match seqnum/);
  });

  it('needs an object of scalars for map<string,string>, and rejects duplicate map keys', () => {
    expect(read('{"tags":{"a":"1","b":2}}')[0]!.get('tags')).toEqual(
      new Map([
        ['a', '1'],
        ['b', '2'],
      ]),
    );
    expect(() => read('{"tags":"a=1"}')).toThrow(/map needs a JSON object/);
    expect(() => read('{"tags":{"a":{"nested":"x"}}}')).toThrow(/must be a scalar/);
    expect(() => read('{"tags":{"a":"1","a":"2"}}')).toThrow(/duplicate map key/);
  });

  it('rejects a field named _colN, which both readers map to the N-th column', () => {
    expect(() => read('{"name":"a","_col0":"b"}')).toThrow(/_col0 would be read as column number 0/);
  });

  it('keeps a map key named __proto__ as a key', () => {
    expect(read('{"tags":{"__proto__":"x"}}')[0]!.get('tags')).toEqual(new Map([['__proto__', 'x']]));
  });

  it('never reads partition columns from the line', () => {
    const [row] = read('{"name":"a","table":"from-the-line","Entity":"x"}', { table: 'from-the-key' });
    expect(row!.get('table')).toBe('from-the-key');
    expect(row!.has('entity')).toBe(false);
  });

  it('rejects lines that are not one JSON object: arrays, empty lines, bad JSON, lone surrogates', () => {
    expect(() => read('["a"]\n')).toThrow(/start of object expected/);
    expect(() => read('{"name":"a"}\n\n{"name":"b"}\n')).toThrow(/line 2: empty line/);
    expect(() => read("{'name':'a'}")).toThrow(/invalid JSON/);
    expect(() => read('{"name":NaN}')).toThrow(/invalid JSON/);
    expect(() => read('{"name":"a\tb"}')).toThrow(/control character/);
    expect(() => read('{"name":"\\ud800"}')).toThrow(/lone surrogate/);
    expect(() => read('{"name":"a"} x')).toThrow(/text after/);
  });

  it('splits records on \\r as Hadoop does, so a raw carriage return breaks a line in two', () => {
    expect(() => read('{"name":"a\rb"}')).toThrow(HiveReadError);
    expect(read('{"name":"a"}\r\n{"name":"b"}\r\n')).toHaveLength(2);
  });

  it('rejects every line of the format shipped before (objects in the string columns keys, item, plain)', async () => {
    const key =
      'table=agent-memory/entity=turn/dt=2026-11-28/hour=12/100000000000000000007-100000000000000000007-719c785fd54f.jsonl.gz';
    const body = await readFile(join(import.meta.dirname, '../fixtures-data/archive-v1', key));
    const text = gunzipSync(body).toString('utf8');
    expect(() =>
      readHiveJsonLines(text, { columns: ARCHIVE_HIVE_COLUMNS, partition: partitionOfKey(key)! }),
    ).toThrow(/line 1: keys: varchar value must be a scalar json value/);
  });
});
