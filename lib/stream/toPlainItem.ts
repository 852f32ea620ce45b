/**
 * DynamoDB JSON -> plain JSON with @aws-sdk/util-dynamodb, under the number rule (`jsonNumber.ts`):
 * sets become arrays, binary becomes base64 text, numbers stay exact.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { toJsonNumber } from './jsonNumber.js';
import type { AttributeMap, JsonValue, PlainItem } from './types.js';

/** Thrown by {@link toPlainItem} for a value util-dynamodb cannot or must not convert. */
export class MalformedImageError extends Error {}

function numberFromText(text: unknown): number | string {
  if (
    typeof text !== 'string' ||
    text.length > 170 || // DynamoDB writes numbers in plain notation: -0.<129 zeros><38 digits> at most
    !/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)
  ) {
    throw new MalformedImageError(`invalid number ${JSON.stringify(text)}`);
  }
  return toJsonNumber(text);
}

const UNMARSHALL_OPTIONS = { wrapNumbers: numberFromText } as const;

function normalize(value: unknown): JsonValue {
  if (value === null || typeof value !== 'object') return value as JsonValue;
  if (value instanceof Set) return Array.from(value, normalize);
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = normalize(value[i]);
    return value as JsonValue;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) record[key] = normalize(record[key]);
  return record as JsonValue;
}

/**
 * Converts an image to plain JSON.
 * @throws MalformedImageError when the image is not valid DynamoDB JSON
 */
export function toPlainItem(image: AttributeMap): PlainItem {
  if (image === null || typeof image !== 'object' || Array.isArray(image)) {
    throw new MalformedImageError('image is not an object');
  }
  let plain: Record<string, unknown>;
  try {
    plain = unmarshall(image as never, UNMARSHALL_OPTIONS) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof MalformedImageError) throw error;
    throw new MalformedImageError(error instanceof Error ? error.message : String(error));
  }
  return normalize(plain) as PlainItem;
}
