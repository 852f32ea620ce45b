/**
 * Turns a scanned item into a stream record in Lambda's event format, so backfill runs the same
 * pipeline as the stream. The record is marked as a snapshot read (eventName `READ`, decoded as op
 * `read`, like Debezium's op `r`): the item already existed, so consumers get its state without the
 * pipeline deriving transitions or first-turn events (`Run Completed`, `Conversation Started`) from it.
 */
import { createHash } from 'node:crypto';
import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import { toLambdaImage } from '../../stream/toLambdaImage.js';
import type { AttributeMap, StreamRecord } from '../../stream/types.js';

/** The eventName of snapshot reads; DynamoDB itself only sends INSERT, MODIFY and REMOVE. */
export const SNAPSHOT_READ_EVENT_NAME = 'READ';

/**
 * Every synthetic record's sequence number. It sorts before every real stream sequence number, so
 * a consumer that keeps the newest change per key (the vector sync does) never lets a backfilled
 * image override a change the stream delivered.
 */
export const BACKFILL_SEQUENCE_NUMBER = '0';

/** The table the records claim to come from. */
export interface BackfillSource {
  /** The table's ARN. */
  tableArn: string;
  /** The table's current stream ARN; absent when the table has no stream. */
  streamArn?: string;
  /** Key attribute names, partition key first. */
  keyAttributes: string[];
}

/** The `eventSourceARN` of synthetic records: the table's stream, or a `backfill` label under it. */
export function backfillSourceArn(source: BackfillSource): string {
  return source.streamArn ?? `${source.tableArn}/stream/backfill`;
}

/** JSON with keys sorted at every level, so equal images hash equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Builds a snapshot-read record (eventName {@link SNAPSHOT_READ_EVENT_NAME}) for a scanned item.
 *
 * The eventID is a hash of the table and the item's full content: backfilling an unchanged item
 * again yields the same eventID (and so the same event ids downstream, which consumers dedupe),
 * while an item that changed in between yields a new one.
 *
 * @param item the item as `Scan` returns it
 * @param scannedAtSeconds when it was read (epoch seconds): the record's ApproximateCreationDateTime
 */
export function syntheticInsertRecord(
  source: BackfillSource,
  item: Record<string, SdkAttributeValue>,
  scannedAtSeconds: number,
): StreamRecord {
  const image = toLambdaImage(item);
  const keys: AttributeMap = {};
  for (const name of source.keyAttributes) {
    const value = image[name];
    if (value) keys[name] = value;
  }
  const streamArn = backfillSourceArn(source);
  const content = canonicalJson(image);
  const eventID = createHash('sha256')
    .update(`backfill\u0000${source.tableArn}\u0000${content}`)
    .digest('hex')
    .slice(0, 32);
  return {
    eventID,
    eventName: SNAPSHOT_READ_EVENT_NAME,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: streamArn.split(':')[3] ?? '',
    dynamodb: {
      ApproximateCreationDateTime: scannedAtSeconds,
      Keys: keys,
      NewImage: image,
      SequenceNumber: BACKFILL_SEQUENCE_NUMBER,
      SizeBytes: Buffer.byteLength(content),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: streamArn,
  };
}
