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
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { DYNAMODB_LOCAL_REGION } from '../stream/isTtlExpiry.js';
import { toLambdaImage } from '../stream/toLambdaImage.js';
import type { StreamRecord } from '../stream/types.js';

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
