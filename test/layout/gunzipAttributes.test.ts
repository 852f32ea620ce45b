import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipAttributes, gunzipText } from '../../lib/layout/gunzipAttributes.js';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';
import { plainTable } from '../fixtures/tables.js';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('gunzipText', () => {
  it('decompresses base64 gzip bytes to UTF-8 text', () => {
    expect(gunzipText(b64(gzipSync('Olá, Lisboa')))).toBe('Olá, Lisboa');
  });

  it.each([
    ['plain text', 'hello world'],
    [
      'binary that is not gzip',
      b64(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18])),
    ],
    ['truncated gzip', b64(gzipSync('a long enough text to truncate').subarray(0, 20))],
    ['a number', 42],
  ])('leaves %s alone', (_name, value) => {
    expect(gunzipText(value)).toBeUndefined();
  });

  it('keeps a gzip bomb compressed instead of inflating it', () => {
    expect(gunzipText(b64(gzipSync(Buffer.alloc(17 * 1024 * 1024))))).toBeUndefined();
  });
});

describe('gunzipAttributes', () => {
  it('decompresses only the named attributes, in both images, and never the raw images', () => {
    const sim = plainTable();
    sim.put({ id: 'a', history: gzipSync('v1'), other: gzipSync('x') });
    sim.update({ id: 'a' }, { history: gzipSync('v2') });
    const change = decodeRecord(sim.records[1]!);
    const out = gunzipAttributes(change, { gunzip: ['history'] });
    expect([out.before?.history, out.after?.history]).toEqual(['v1', 'v2']);
    expect(out.after?.other).toBe(change.after?.other);
    expect(out.raw).toBe(change.raw);
  });

  it('returns the very same change when the layout names no attribute', () => {
    const sim = plainTable();
    sim.put({ id: 'a', history: gzipSync('v1') });
    const change = decodeRecord(sim.records[0]!);
    expect(gunzipAttributes(change, {})).toBe(change);
  });
});
