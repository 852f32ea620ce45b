/**
 * Strict reading of an item's embedding attribute: binary float32 little-endian (base64 text in
 * plain JSON and Lambda events), or a list of numbers (numbers that are not exact doubles travel
 * as decimal strings under the number rule, so lists may mix both). Unlike the router's lenient
 * reader, a malformed value is a typed error: the worker dead-letters the record instead of
 * quietly embedding the text in its place.
 */
import type { JsonValue } from '../stream/types.js';
import { InvalidEmbeddingError } from './errors.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function fromBytes(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength === 0 || bytes.byteLength % 4 !== 0) {
    throw new InvalidEmbeddingError(
      `binary embedding has ${bytes.byteLength} bytes, not a positive multiple of 4 (float32 little-endian)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < vector.length; i++) vector[i] = view.getFloat32(i * 4, true);
  return vector;
}

function fromList(values: readonly unknown[]): Float32Array {
  if (values.length === 0) throw new InvalidEmbeddingError('embedding list is empty');
  const vector = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === 'number') vector[i] = value;
    else if (typeof value === 'string' && value.trim() !== '') vector[i] = Number(value);
    else throw new InvalidEmbeddingError(`embedding element ${i} is not a number`);
  }
  return vector;
}

/**
 * Reads an embedding into float32 values.
 *
 * @example
 * ```ts
 * const vector = parseEmbedding(detail.after?.embedding); // base64 float32 LE, or [0.1, 0.2, …]
 * ```
 * @param value base64 text of float32 little-endian bytes, the bytes, or a list of numbers
 * @throws InvalidEmbeddingError when the value is none of those or holds NaN or infinite values
 */
export function parseEmbedding(value: JsonValue | Uint8Array | Float32Array | undefined): Float32Array {
  let vector: Float32Array;
  if (value instanceof Float32Array) vector = Float32Array.from(value);
  else if (value instanceof Uint8Array) vector = fromBytes(value);
  else if (typeof value === 'string') {
    if (value.length % 4 !== 0 || !BASE64.test(value)) {
      throw new InvalidEmbeddingError('embedding text is not base64 of float32 little-endian bytes');
    }
    vector = fromBytes(Buffer.from(value, 'base64'));
  } else if (Array.isArray(value)) vector = fromList(value);
  else {
    const kind = value === null ? 'null' : typeof value;
    throw new InvalidEmbeddingError(
      `embedding must be binary float32 little-endian or a list of numbers, got ${kind}`,
    );
  }
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i]))
      throw new InvalidEmbeddingError(`embedding element ${i} is not a finite float32`);
  }
  return vector;
}
