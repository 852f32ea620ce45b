import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_COLUMNS, ARCHIVE_LINE_FORMAT } from '../../lib/archive/archiveColumns.js';
import { decodeArchiveLine, encodeArchiveLine } from '../../lib/archive/archiveLine.js';
import { decodeArchiveObject, encodeArchiveObject } from '../../lib/archive/archiveObjectCodec.js';
import { ArchiveFormatError } from '../../lib/archive/errors.js';
import { allTypesTurn, archiveOutputsOf, expiryOf, START } from './expiries.js';

const V1 = join(import.meta.dirname, '../fixtures-data/archive-v1');
const V1_TURN =
  'table=agent-memory/entity=turn/dt=2026-11-28/hour=12/100000000000000000007-100000000000000000007-719c785fd54f.jsonl.gz';
const at = { location: 'obj', line: 1 };

describe('the archive line', () => {
  const entry = archiveOutputsOf([expiryOf(allTypesTurn('u-7', 'c-7', 3, START), 7, START + 7200)])[0]!
    .payload;

  it('holds the images as JSON-encoded strings and names its format', () => {
    const line = JSON.parse(encodeArchiveLine(entry)) as Record<string, unknown>;
    expect(line.format).toBe(ARCHIVE_LINE_FORMAT);
    for (const field of ['keys', 'item', 'plain']) expect(line[field]).toBeTypeOf('string');
    expect(JSON.parse(line.item as string).big).toEqual({ N: '12345678901234567890123456789012345678' });
  });

  it('has one field per declared column, named as the column case-insensitively', () => {
    const fields = Object.keys(JSON.parse(encodeArchiveLine(entry)) as object);
    for (const column of ARCHIVE_COLUMNS) {
      if (column.name === 'sourceentity') continue; // written only for layouts with their own names
      expect(fields.filter((f) => f.toLowerCase() === column.name)).toEqual([column.field]);
    }
  });

  it('decodes to the entry it was encoded from, binary as base64', () => {
    const decoded = decodeArchiveLine(JSON.parse(encodeArchiveLine(entry)), at);
    expect(decoded.item.embedding).toEqual({ B: 'AAEC/v8D' });
    expect(decoded).toEqual({
      ...entry,
      item: { ...entry.item, embedding: { B: 'AAEC/v8D' }, blobs: { BS: ['AQ==', 'AAAA', 'Awc='] } },
      keys: entry.keys,
      plain: JSON.parse(JSON.stringify(entry.plain)),
    });
  });

  it('still reads lines of the format shipped before (images as nested objects)', async () => {
    const text = gunzipSync(await readFile(join(V1, V1_TURN))).toString('utf8');
    const old = JSON.parse(text.split('\n')[0]!) as Record<string, unknown>;
    expect(old.format).toBeUndefined();
    expect(old.item).toBeTypeOf('object');
    const decoded = decodeArchiveLine(old, at);
    const current = decodeArchiveLine(JSON.parse(encodeArchiveLine(decoded)), at);
    expect(current).toEqual(decoded);
    expect(decoded.item).toEqual(decodeArchiveLine(JSON.parse(encodeArchiveLine(entry)), at).item);
  });

  it('says which line is wrong and why: unknown format, images that are not JSON objects, missing fields', () => {
    const line = JSON.parse(encodeArchiveLine(entry)) as Record<string, unknown>;
    expect(() => decodeArchiveLine({ ...line, format: 3 }, at)).toThrow(
      /obj: line 1 is not an archive entry \(format 3; this version reads formats 1 and 2\)/,
    );
    expect(() => decodeArchiveLine({ ...line, item: '[1]' }, at)).toThrow(
      /line 1: item is not a JSON-encoded object/,
    );
    expect(() => decodeArchiveLine({ ...line, plain: '{' }, at)).toThrow(ArchiveFormatError);
    expect(() => decodeArchiveLine({ ...line, item: { S: 'x' } }, at)).toThrow(/\/item must be string/);
    expect(() => decodeArchiveLine({ ...line, eventId: undefined }, at)).toThrow(/eventId/);
  });

  it('writes empty sets, empty strings and empty binary as they came (the line does not judge the item)', async () => {
    const odd = { ...entry, item: { ...entry.item, none: { SS: [] }, blank: { S: '' }, nothing: { B: '' } } };
    const [decoded] = await decodeArchiveObject(await encodeArchiveObject([odd]), 'obj');
    expect(decoded!.item).toMatchObject({ none: { SS: [] }, blank: { S: '' }, nothing: { B: '' } });
  });
});
