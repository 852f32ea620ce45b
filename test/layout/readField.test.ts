import { describe, expect, it } from 'vitest';
import { readField, readString } from '../../lib/layout/readField.js';

/** A Mastra message's content: JSON text with text parts and a tool part between them. */
const CONTENT = JSON.stringify({
  format: 2,
  parts: [
    { type: 'text', text: 'Three hotels are free.' },
    { type: 'tool-invocation', toolInvocation: { toolName: 'hotels.search' } },
    { type: 'text', text: 'Shall I book one?' },
  ],
});

describe('readField', () => {
  it('reads an attribute by name', () => {
    expect(readField({ status: 'running' }, 'status')).toBe('running');
  });

  it('reads a whole attribute when the reference has no path', () => {
    expect(readField({ snapshot: '{"status":"success"}' }, { attribute: 'snapshot' })).toBe(
      '{"status":"success"}',
    );
  });

  it('reads a path inside a JSON string attribute', () => {
    expect(
      readField({ snapshot: '{"status":"success","context":{}}' }, { attribute: 'snapshot', path: 'status' }),
    ).toBe('success');
  });

  it('reads a path inside a map attribute', () => {
    expect(readField({ meta: { a: { b: 3 } } }, { attribute: 'meta', path: 'a.b' })).toBe(3);
  });

  it('joins the text of every text part with newlines (parts.text)', () => {
    expect(readField({ content: CONTENT }, { attribute: 'content', path: 'parts.text' })).toBe(
      'Three hotels are free.\nShall I book one?',
    );
  });

  it('reads one element of a list by index', () => {
    expect(readField({ content: CONTENT }, { attribute: 'content', path: 'parts.2.text' })).toBe(
      'Shall I book one?',
    );
  });

  it('reads JSON text that begins with whitespace', () => {
    expect(
      readField({ snapshot: '  \n {"status":"failed"}' }, { attribute: 'snapshot', path: 'status' }),
    ).toBe('failed');
  });

  it('finds nothing at a path inside text that only looks like JSON', () => {
    expect(readField({ snapshot: '{not json' }, { attribute: 'snapshot', path: 'status' })).toBeUndefined();
  });

  it('finds nothing at a path inside plain text', () => {
    expect(readField({ text: 'hello' }, { attribute: 'text', path: 'length' })).toBeUndefined();
  });

  it('finds nothing when no element of a list has the field', () => {
    expect(
      readField({ content: '{"parts":[{"type":"image"}]}' }, { attribute: 'content', path: 'parts.text' }),
    ).toBeUndefined();
  });

  it('finds nothing in a missing item, a missing attribute or with no reference', () => {
    expect([readField(null, 'a'), readField({}, 'a'), readField({ a: 1 }, undefined)]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('readString', () => {
  it('prints numbers and booleans', () => {
    expect([readString({ n: 2 }, 'n'), readString({ b: false }, 'b')]).toEqual(['2', 'false']);
  });

  it('gives nothing for objects, lists and null', () => {
    expect([readString({ o: {} }, 'o'), readString({ l: [1] }, 'l'), readString({ z: null }, 'z')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});
