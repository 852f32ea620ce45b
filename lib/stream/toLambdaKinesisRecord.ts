/**
 * A record read from (or written for) a Kinesis stream in the shape Lambda hands a Kinesis event
 * source's function: base64 `data` with the record's partition key, sequence number and arrival time,
 * and the stream's ARN. `tail --kinesis-stream` turns what `GetRecords` returns into it (so the
 * adapter that reads Lambda's records reads the CLI's too), and `capture --format kinesis` writes
 * files of it, which `replay` reads like a Lambda Kinesis event.
 */
import type { KinesisStreamRecord } from 'aws-lambda';

/** Where a Kinesis record sits and when it arrived. */
export interface KinesisRecordPlace {
  /** The stream's ARN (`arn:aws:kinesis:<region>:<account>:stream/<name>`). */
  streamArn: string;
  /** The shard the record is in. */
  shardId: string;
  /** The record's sequence number in its shard (a decimal string). */
  sequenceNumber: string;
  partitionKey: string;
  /** When the record arrived in the stream, epoch seconds (fractional). */
  arrivalSeconds: number;
  /** The role Lambda reads with, when known (Lambda's events carry it). */
  invokeIdentityArn?: string;
}

/** Region of a Kinesis stream ARN. */
const regionOf = (streamArn: string) => streamArn.split(':')[3] ?? '';

/**
 * Wraps a Kinesis record's data in Lambda's Kinesis event record.
 *
 * @example
 * ```ts
 * const { Records = [] } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
 * const event = {
 *   Records: Records.map((r) => toLambdaKinesisRecord(r.Data!, {
 *     streamArn, shardId, sequenceNumber: r.SequenceNumber!, partitionKey: r.PartitionKey!,
 *     arrivalSeconds: r.ApproximateArrivalTimestamp!.getTime() / 1000,
 *   })),
 * };
 * ```
 * @param data the record's bytes, or text (UTF-8)
 */
export function toLambdaKinesisRecord(
  data: Uint8Array | string,
  place: KinesisRecordPlace,
): KinesisStreamRecord {
  const bytes =
    typeof data === 'string'
      ? Buffer.from(data, 'utf8')
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: place.partitionKey,
      sequenceNumber: place.sequenceNumber,
      data: bytes.toString('base64'),
      approximateArrivalTimestamp: place.arrivalSeconds,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${place.shardId}:${place.sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    ...(place.invokeIdentityArn ? { invokeIdentityArn: place.invokeIdentityArn } : {}),
    awsRegion: regionOf(place.streamArn),
    eventSourceARN: place.streamArn,
  } as KinesisStreamRecord;
}
