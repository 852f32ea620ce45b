/**
 * Binary values between the three places an item lives. Lambda events carry `B`/`BS` as base64
 * text, the DynamoDB Streams API and the SDK as `Uint8Array`; the archive stores base64 text (the
 * DynamoDB JSON form, and what `JSON.stringify` cannot get wrong), and restore hands the SDK bytes
 * so BatchWriteItem writes the original bytes rather than their base64 spelling.
 */
import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import type { AttributeMap, AttributeValue } from '../stream/types.js';

/** Thrown for a value that is not DynamoDB JSON (unknown type, bad base64). */
export class InvalidAttributeError extends Error {}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function toBase64(value: string | Uint8Array): string {
  return typeof value === 'string'
    ? value
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}

function toBytes(value: string | Uint8Array, path: string): Uint8Array {
  if (typeof value !== 'string') return value;
  if (!BASE64.test(value)) throw new InvalidAttributeError(`${path}: binary value is not base64`);
  return new Uint8Array(Buffer.from(value, 'base64'));
}

function archiveValue(value: AttributeValue): AttributeValue {
  if ('B' in value) return { B: toBase64(value.B) };
  if ('BS' in value) return { BS: value.BS.map(toBase64) };
  if ('M' in value) return { M: toArchiveAttributeMap(value.M) };
  if ('L' in value) return { L: value.L.map(archiveValue) };
  return value;
}

/**
 * The image with every binary value as base64 text (the archive's form). Other values are shared.
 * Built with `Object.fromEntries` (own data properties), so an attribute named `__proto__` stays an
 * attribute instead of becoming the object's prototype.
 */
export function toArchiveAttributeMap(map: AttributeMap): AttributeMap {
  return Object.fromEntries(Object.entries(map).map(([name, value]) => [name, archiveValue(value)]));
}

function sdkValue(value: AttributeValue, path: string): SdkAttributeValue {
  if (value === null || typeof value !== 'object')
    throw new InvalidAttributeError(`${path}: not an attribute value`);
  if ('S' in value) return { S: value.S };
  if ('N' in value) return { N: value.N };
  if ('B' in value) return { B: toBytes(value.B, path) };
  if ('SS' in value) return { SS: value.SS };
  if ('NS' in value) return { NS: value.NS };
  if ('BS' in value) return { BS: value.BS.map((b, i) => toBytes(b, `${path}[${i}]`)) };
  if ('M' in value) return { M: toSdkAttributeMap(value.M, `${path}.`) };
  if ('L' in value) return { L: value.L.map((v, i) => sdkValue(v, `${path}[${i}]`)) };
  if ('NULL' in value) return { NULL: value.NULL };
  if ('BOOL' in value) return { BOOL: value.BOOL };
  throw new InvalidAttributeError(`${path}: unknown attribute type ${JSON.stringify(Object.keys(value))}`);
}

/**
 * The image as the SDK's DynamoDB client takes it: base64 binary decoded to bytes.
 * @throws InvalidAttributeError for an unknown attribute type or binary that is not base64
 */
export function toSdkAttributeMap(map: AttributeMap, path = ''): Record<string, SdkAttributeValue> {
  return Object.fromEntries(
    Object.entries(map).map(([name, value]) => [name, sdkValue(value, `${path}${name}`)]),
  );
}
