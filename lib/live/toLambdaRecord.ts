/**
 * Converts records read with the DynamoDB Streams API into Lambda's event format, so what `tail`
 * shows and what `capture` saves is exactly what a stream Lambda would receive, and a captured file
 * replays like a Lambda event.
 *
 * The two formats differ in four places: binary values are bytes in the SDK and base64 text in
 * Lambda; `ApproximateCreationDateTime` is a `Date` in the SDK and epoch seconds in Lambda; the
 * SDK's `userIdentity` has `PrincipalId`/`Type` where Lambda has `principalId`/`type`; and only
 * Lambda records carry `eventSourceARN` (the stream ARN).
 */
import type { AttributeValue as DynamoDbAttributeValue } from '@aws-sdk/client-dynamodb';
import type { _Record, AttributeValue as StreamsAttributeValue } from '@aws-sdk/client-dynamodb-streams';
import { DYNAMODB_LOCAL_REGION } from '../stream/isTtlExpiry.js';
import type { AttributeMap, AttributeValue, StreamRecord } from '../stream/types.js';

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

/** Region part of a stream ARN (`ddblocal` for DynamoDB Local). */
function regionOf(streamArn: string): string | undefined {
  return streamArn.split(':')[3] || undefined;
}

/**
 * Converts one record from `GetRecords` into Lambda's event format.
 *
 * @example
 * ```ts
 * const { Records = [] } = await streams.send(new GetRecordsCommand({ ShardIterator }));
 * const event = { Records: Records.map((r) => toLambdaRecord(r, streamArn)) };
 * await handler(event); // the same input the stream Lambda gets
 * ```
 * @param record a record as the SDK returns it
 * @param streamArn the stream the record was read from (becomes `eventSourceARN`)
 */
export function toLambdaRecord(record: _Record, streamArn: string): StreamRecord {
  const out: StreamRecord = {};
  if (record.eventID !== undefined) out.eventID = record.eventID;
  if (record.eventName !== undefined) out.eventName = record.eventName;
  if (record.eventVersion !== undefined) out.eventVersion = record.eventVersion;
  if (record.eventSource !== undefined) out.eventSource = record.eventSource;
  const region = record.awsRegion ?? regionOf(streamArn);
  if (region !== undefined) out.awsRegion = region;
  const data = record.dynamodb;
  if (data) {
    const dynamodb: NonNullable<StreamRecord['dynamodb']> = {};
    if (data.ApproximateCreationDateTime !== undefined) {
      dynamodb.ApproximateCreationDateTime = data.ApproximateCreationDateTime.getTime() / 1000;
    }
    const options = { typelessIsEmptyMap: region === DYNAMODB_LOCAL_REGION };
    if (data.Keys) dynamodb.Keys = toLambdaImage(data.Keys, options);
    if (data.NewImage) dynamodb.NewImage = toLambdaImage(data.NewImage, options);
    if (data.OldImage) dynamodb.OldImage = toLambdaImage(data.OldImage, options);
    if (data.SequenceNumber !== undefined) dynamodb.SequenceNumber = data.SequenceNumber;
    if (data.SizeBytes !== undefined) dynamodb.SizeBytes = data.SizeBytes;
    if (data.StreamViewType !== undefined) dynamodb.StreamViewType = data.StreamViewType;
    out.dynamodb = dynamodb;
  }
  out.eventSourceARN = streamArn;
  const identity = record.userIdentity;
  if (identity) {
    const userIdentity: NonNullable<StreamRecord['userIdentity']> = {};
    if (identity.Type !== undefined) userIdentity.type = identity.Type;
    if (identity.PrincipalId !== undefined) userIdentity.principalId = identity.PrincipalId;
    out.userIdentity = userIdentity;
  }
  return out;
}
