/**
 * SDK attribute values (binary as bytes) turned into Lambda's DynamoDB JSON (binary as base64 text):
 * shared by the Streams-API reader (`toLambdaRecord`), backfill's synthetic inserts and the
 * Kinesis Data Streams for DynamoDB encoder.
 */
import type { AttributeValue as DynamoDbAttributeValue } from '@aws-sdk/client-dynamodb';
import type { AttributeValue as StreamsAttributeValue } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeMap, AttributeValue } from './types.js';

/** An attribute value as either AWS SDK client returns it. */
export type SdkAttributeValue = StreamsAttributeValue | DynamoDbAttributeValue;

function base64(bytes: string | Uint8Array): string {
  return typeof bytes === 'string'
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Options of the conversion. */
export interface ToLambdaOptions {
  /**
   * DynamoDB Local's stream sends an empty map attribute as `{}` with no type (GetItem returns it
   * correctly as `{"M":{}}`); read it as an empty map. Set only for DynamoDB Local streams (region
   * `ddblocal`): on AWS a typeless value is malformed and decoding must say so.
   */
  typelessIsEmptyMap?: boolean;
}

/** Converts one SDK attribute value to Lambda's DynamoDB JSON (binary as base64). */
export function toLambdaAttributeValue(
  value: SdkAttributeValue,
  options: ToLambdaOptions = {},
): AttributeValue {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M, options) };
  if (value.L !== undefined) return { L: value.L.map((v) => toLambdaAttributeValue(v, options)) };
  if (options.typelessIsEmptyMap && Object.keys(value).length === 0) return { M: {} };
  if (value.$unknown !== undefined) {
    // A type this SDK version does not model: keep it as it came so decoding reports it precisely.
    const [name, inner] = value.$unknown;
    return { [name]: inner } as unknown as AttributeValue;
  }
  return value as AttributeValue;
}

/** Converts an SDK item image (or key map) to Lambda's DynamoDB JSON. */
export function toLambdaImage(
  image: Record<string, SdkAttributeValue>,
  options: ToLambdaOptions = {},
): AttributeMap {
  const out: AttributeMap = {};
  for (const [name, value] of Object.entries(image)) out[name] = toLambdaAttributeValue(value, options);
  return out;
}
