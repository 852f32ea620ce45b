import { describe, expect, test } from 'vitest';
import { embeddingBytes } from '../../lib/fixtures/embeddingBytes.js';
import { InvalidEmbeddingError } from '../../lib/vector/errors.js';
import { parseEmbedding } from '../../lib/vector/parseEmbedding.js';

describe('parseEmbedding', () => {
  test('reads base64 float32 little-endian, the bytes themselves, and number lists alike', () => {
    const values = [0.25, -1.5, 3.125, 1e-7];
    const bytes = embeddingBytes(values);
    const expected = Float32Array.from(values);
    expect(parseEmbedding(Buffer.from(bytes).toString('base64'))).toEqual(expected);
    expect(parseEmbedding(bytes)).toEqual(expected);
    expect(parseEmbedding(values)).toEqual(expected);
  });

  test('accepts exact decimal strings in lists (the number rule for inexact doubles)', () => {
    expect(parseEmbedding([0.5, '0.12345678901234567890123'])).toEqual(
      Float32Array.from([0.5, 0.12345678901234568]),
    );
  });

  test.each([
    ['bytes not a multiple of 4', Buffer.from([1, 2, 3, 4, 5]).toString('base64')],
    ['text that is not base64', 'hello world!'],
    ['an empty list', []],
    ['a list with a non-number', [0.1, 'x']],
    ['a list with a blank string', [0.1, ' ']],
    ['NaN', [0.1, Number.NaN]],
    ['a value beyond float32', [1e39]],
    ['an object', { float32: [1] }],
    ['null', null],
  ])('rejects %s with InvalidEmbeddingError', (_name, value) => {
    expect(() => parseEmbedding(value as never)).toThrow(InvalidEmbeddingError);
  });
});
