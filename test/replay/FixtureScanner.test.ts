/**
 * The fixture scanner against `JSON.parse` of the whole file: the same records, in order, however
 * the bytes are cut into chunks (at every byte, inside strings, escapes and multi-byte characters),
 * and a clear error with the byte where a file stops being JSON or a stream event.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FixtureScanner, NOT_AN_EVENT } from '../../lib/replay/FixtureScanner.js';
import { findFixtureFiles } from '../../lib/replay/findFixtureFiles.js';
import { readFixtureBatches, readFixtureRecords } from '../../lib/replay/readFixtureRecords.js';

const RUNS = Number(process.env.MEMORY_CDC_PROPERTY_RUNS ?? 20_000) / 100;

/** Scans `bytes` cut at `cuts` (byte offsets), decoded as the reader decodes them. */
function scan(bytes: Buffer, cuts: readonly number[] = []) {
  const scanner = new FixtureScanner('f.json');
  const decoder = new StringDecoder('utf8');
  const records: unknown[] = [];
  const indexes: number[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    for (const entry of scanner.push(decoder.write(bytes.subarray(from, cut)))) {
      records.push(entry.record);
      indexes.push(entry.index);
    }
    from = cut;
  }
  for (const entry of scanner.push(decoder.end())) records.push(entry.record);
  scanner.end();
  return { records, indexes, failure: scanner.failure?.reason };
}

const text = (s: string) => Buffer.from(s, 'utf8');

/** Records whose strings hold what a scanner trips on: brackets, quotes, escapes, non-ASCII. */
const TRICKY = [
  { eventID: 'a', dynamodb: { NewImage: { t: { S: 'brackets ] } [ { and "quotes" \\ backslash \\"' } } } },
  { eventID: 'b\\', dynamodb: { Keys: { k: { S: 'é ü 日本 😀 \u2028 \u0000' } } } },
  { eventID: '"', nested: [[[{}]], [], {}], n: -1.5e-7, t: true, f: false, z: null },
  { ['__proto__']: { S: 'kept' }, eventID: 'proto' },
];

describe('FixtureScanner', () => {
  it('returns the records JSON.parse finds, cut at every byte', () => {
    const file = text(
      `\uFEFF {\n "Records" : [ ${TRICKY.map((r) => JSON.stringify(r, null, 1)).join(' ,\n')} ] }\n`,
    );
    const expected = TRICKY.map((r) => JSON.parse(JSON.stringify(r)));
    for (let cut = 0; cut <= file.length; cut++) {
      const result = scan(file, [cut]);
      expect(result.failure, `cut at ${cut}`).toBeUndefined();
      expect(result.records, `cut at ${cut}`).toEqual(expected);
    }
    expect(
      scan(
        file,
        Array.from({ length: file.length }, (_, i) => i),
      ).records,
    ).toEqual(expected);
  });

  it('keeps a __proto__ key as an own property, as JSON.parse does', () => {
    const [record] = scan(text('{"Records":[{"__proto__":{"S":"x"}}]}')).records as object[];
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.hasOwn(record!, '__proto__')).toBe(true);
  });

  it('agrees with JSON.parse on random records, pretty or compact, cut anywhere', () => {
    const recordArb = fc.array(fc.jsonValue(), { maxLength: 6 });
    fc.assert(
      fc.property(
        recordArb,
        fc.constantFrom(0, 2),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        (records, indent, bare, rawCuts) => {
          const body = JSON.stringify(
            bare ? records : { before: { x: '[' }, Records: records, after: [1] },
            null,
            indent,
          );
          const bytes = text(body);
          const cuts = [...new Set(rawCuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const result = scan(bytes, cuts);
          expect(result.failure).toBeUndefined();
          expect(result.records).toEqual(
            JSON.parse(body, (_k, v) => (Object.is(v, -0) ? 0 : v)).Records ?? JSON.parse(body),
          );
          expect(result.indexes).toEqual(records.map((_, i) => i));
        },
      ),
      { numRuns: RUNS, seed: 16 },
    );
  });

  it('reads a bare array of records, and primitives where records belong (decoding reports them)', () => {
    expect(scan(text('[{"eventID":"1"}, null, 3, "x", [true]]')).records).toEqual([
      { eventID: '1' },
      null,
      3,
      'x',
      [true],
    ]);
  });

  it('finds Records by its decoded name and only at the top level', () => {
    expect(scan(text('{"Rec\\u006frds":[{"a":1}]}')).records).toEqual([{ a: 1 }]);
    const nested = scan(text('{"event":{"Records":[{"a":1}]}}'));
    expect([nested.records, nested.failure]).toEqual([[], NOT_AN_EVENT]);
  });

  it('accepts an empty Records array and an empty bare array', () => {
    expect(scan(text('{"Records":[]}'))).toEqual({ records: [], indexes: [], failure: undefined });
    expect(scan(text(' [ ] '))).toEqual({ records: [], indexes: [], failure: undefined });
  });

  it.each([
    ['an object without Records', '{"Items":[{"a":{"S":"x"}}]}', NOT_AN_EVENT],
    ['Records that is an object', '{"Records":{"0":{}}}', NOT_AN_EVENT],
    ['Records that is null', '{"Records":null}', NOT_AN_EVENT],
    ['an empty object', '{}', NOT_AN_EVENT],
    ['an empty file', '', 'not JSON: the file is empty'],
    ['whitespace only', ' \n\t ', 'not JSON: the file is empty'],
    ['a string', '"Records"', 'not JSON: it does not start with { or [ (found "\\"")'],
    [
      'lines of records',
      '{"eventID":"1"}\n{"eventID":"2"}\n',
      `${NOT_AN_EVENT} (found one JSON value after another, as in JSON Lines)`,
    ],
    ['a missing colon', '{"Records" [{"a":1}]}', 'not JSON: unexpected "[" at byte 11, expected :'],
  ])('reports %s', (_name, body, reason) => {
    const result = scan(text(body));
    expect([result.records, result.failure]).toEqual([[], reason]);
  });

  it.each([
    [
      'a missing comma',
      '{"Records":[{"a":1} {"a":2}]}',
      /^not JSON: unexpected "\{" at byte 20, expected , or \]$/,
    ],
    [
      'a trailing comma',
      '{"Records":[{"a":1},]}',
      /^not JSON: unexpected "\]" at byte 20, expected a record$/,
    ],
    [
      'a damaged record',
      '{"Records":[{"a":1},{"a":x}]}',
      /^not JSON: Unexpected token .* at byte 20 in Records\[1\]$/,
    ],
    [
      'a damaged record with a position',
      '{"Records":[{"a":1},{"a" 1}]}',
      /^not JSON: .* at byte 25 in Records\[1\]$/,
    ],
    ['mismatched brackets', '{"Records":[{"a":1},{"a":[1}]]}', /^not JSON: .* in Records\[1\]$/],
    [
      'data after the end',
      '{"Records":[{"a":1}]} {}',
      /^not JSON: unexpected "\{" at byte 22, after the end of the JSON value$/,
    ],
    ['a damaged other member', '{"Records":[{"a":1}],"x":[1 2]}', /^not JSON: .* at byte 2\d$/],
  ])('reports %s with its byte and keeps the records before it', (_name, body, reason) => {
    const result = scan(text(body));
    expect(result.records).toEqual([{ a: 1 }]);
    expect(result.failure).toMatch(reason);
  });

  it('counts bytes, not characters, in positions', () => {
    const result = scan(text('{"Records":[{"a":"é😀"} x]}'));
    expect(result.failure).toBe('not JSON: unexpected "x" at byte 27, expected , or ]');
  });

  it('says the file ends early, at every cut of a truncated file, without a partial record', () => {
    const body = `{"Records":[${JSON.stringify(TRICKY[0])},${JSON.stringify(TRICKY[1])}]}`;
    const bytes = text(body);
    for (let end = 1; end < bytes.length; end++) {
      const result = scan(bytes.subarray(0, end), [Math.floor(end / 2)]);
      expect(result.records.length, `end ${end}`).toBeLessThanOrEqual(2);
      expect(result.failure, `end ${end}`).toMatch(
        /^not JSON: (the file ends before its JSON does \(at byte \d+(, in Records\[\d\]|, in the records array after \d record\(s\))?\)|Unterminated string .*|Unexpected end .*|.* at byte \d+ in (Records\[\d\]|a member name))$/,
      );
    }
  });

  it('does not keep a finished record: memory holds the record in progress only', () => {
    const scanner = new FixtureScanner('f.json');
    const record = JSON.stringify({ eventID: 'x'.repeat(1000) });
    scanner.push(`{"Records":[${record}`);
    for (let i = 0; i < 1000; i++) expect(scanner.push(`,${record}`)).toHaveLength(1);
    expect((scanner as unknown as { text: string }).text.length).toBeLessThan(2 * record.length);
  });
});

describe('readFixtureBatches', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memory-cdc-scanner-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every bundled fixture (DynamoDB Streams, Kinesis, both layouts) as JSON.parse does', async () => {
    const files = await findFixtureFiles([], dir);
    expect(files.some((f) => f.includes('kinesis-data-streams'))).toBe(true);
    for (const file of files) {
      const read: unknown[] = [];
      for await (const batch of readFixtureBatches(file, { chunkBytes: 997 })) {
        expect(batch.length).toBeGreaterThan(0);
        for (const entry of batch) read.push(entry.record);
      }
      expect(read, file).toEqual(JSON.parse(readFileSync(file, 'utf8')).Records);
    }
  });

  it('reads a file one byte at a time, multi-byte characters and a byte-order mark included', async () => {
    const file = join(dir, 'tricky.json');
    writeFileSync(file, `\uFEFF${JSON.stringify({ Records: TRICKY }, null, 2)}`);
    const read: unknown[] = [];
    for await (const { record } of readFixtureRecords(file, { chunkBytes: 1 })) read.push(record);
    expect(read).toEqual(JSON.parse(JSON.stringify(TRICKY)));
  });

  it('yields the records before the damage, then throws a FixtureError naming the file and byte', async () => {
    const file = join(dir, 'damaged.json');
    writeFileSync(file, `{"Records":[${JSON.stringify(TRICKY[0])}, oops]}`);
    const read: unknown[] = [];
    const reading = (async () => {
      for await (const { record } of readFixtureRecords(file, { chunkBytes: 16 })) read.push(record);
    })();
    await expect(reading).rejects.toThrow(/damaged\.json: not JSON: .* at byte \d+ in Records\[1\]/);
    expect(read).toHaveLength(1);
  });

  it('throws a FixtureError for a file that cannot be read', async () => {
    const reading = readFixtureBatches(dir).next();
    await expect(reading).rejects.toThrow(/cannot read: EISDIR/);
  });
});
