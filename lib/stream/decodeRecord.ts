/**
 * Decodes one DynamoDB Streams record (Lambda's format, or the Streams API's) into a {@link Change}.
 */
import { DecodeError } from '../errors.js';
import { attributeValueEquals } from './attributeValueEquals.js';
import { isTtlExpiry } from './isTtlExpiry.js';
import { MalformedImageError, toPlainItem } from './toPlainItem.js';
import type {
  AttributeMap,
  Change,
  ChangeOp,
  StreamPosition,
  StreamRecord,
  StreamViewType,
} from './types.js';

/** `READ` is not DynamoDB's: it marks memory-cdc's snapshot reads (see `syntheticInsertRecord`). */
const OPS: Record<string, ChangeOp> = { INSERT: 'insert', MODIFY: 'modify', REMOVE: 'remove', READ: 'read' };
const VIEW_TYPES = new Set(['NEW_AND_OLD_IMAGES', 'NEW_IMAGE', 'OLD_IMAGE', 'KEYS_ONLY']);
const ARN = /^arn:[^:]+:dynamodb:([^:]*):[^:]*:table\/([^/]+)\/stream\/.+$/;

function plain(image: AttributeMap, which: string, eventId: string): Change['after'] {
  try {
    return toPlainItem(image);
  } catch (error) {
    if (error instanceof MalformedImageError) {
      throw new DecodeError(`malformed ${which}: ${error.message}`, eventId, { cause: error });
    }
    throw error;
  }
}

function isMap(value: unknown): value is AttributeMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function opOf(record: StreamRecord, oldImage: unknown, newImage: unknown, eventId: string): ChangeOp {
  const known = OPS[record.eventName ?? ''];
  if (known) return known;
  // Unknown event names (DynamoDB Local's TTL deletions) are read from the images present.
  if (oldImage && !newImage) return 'remove';
  if (newImage && !oldImage) return 'insert';
  if (newImage && oldImage) return 'modify';
  throw new DecodeError(
    `unknown eventName ${JSON.stringify(record.eventName)} and no image to infer the change from`,
    eventId,
  );
}

function viewTypeOf(record: StreamRecord, hasOld: boolean, hasNew: boolean): StreamViewType {
  const declared = record.dynamodb?.StreamViewType;
  if (declared && VIEW_TYPES.has(declared)) return declared as StreamViewType;
  if (hasOld && hasNew) return 'NEW_AND_OLD_IMAGES';
  if (hasNew) return 'NEW_IMAGE';
  if (hasOld) return 'OLD_IMAGE';
  return 'KEYS_ONLY';
}

function changedAttributes(
  op: ChangeOp,
  oldImage: AttributeMap | null,
  newImage: AttributeMap | null,
): string[] {
  if (op !== 'modify') return Object.keys(newImage ?? oldImage ?? {}).sort();
  if (!oldImage || !newImage) return [];
  const changed: string[] = [];
  for (const name in newImage) {
    if (!attributeValueEquals(oldImage[name], newImage[name])) changed.push(name);
  }
  for (const name in oldImage) {
    if (!(name in newImage)) changed.push(name);
  }
  return changed.sort();
}

function positionOf(record: StreamRecord, eventId: string): StreamPosition {
  const data = record.dynamodb!;
  const streamArn = record.eventSourceARN ?? '';
  const arn = ARN.exec(streamArn);
  const region = arn?.[1] || record.awsRegion || '';
  const table = arn?.[2] ?? '';
  if (typeof data.SequenceNumber !== 'string' || !/^\d+$/.test(data.SequenceNumber)) {
    throw new DecodeError('dynamodb.SequenceNumber is missing or not a decimal string', eventId);
  }
  const created = data.ApproximateCreationDateTime;
  const epochMs =
    created instanceof Date
      ? created.getTime()
      : typeof created === 'number'
        ? Math.round(created * 1000)
        : Number.NaN;
  if (!Number.isFinite(epochMs)) {
    throw new DecodeError('dynamodb.ApproximateCreationDateTime is missing or not a time', eventId);
  }
  return {
    table,
    streamArn,
    region,
    eventId,
    sequenceNumber: data.SequenceNumber,
    approximateCreationTime: new Date(epochMs).toISOString(),
    approximateCreationEpochMs: epochMs,
    sizeBytes: typeof data.SizeBytes === 'number' ? data.SizeBytes : 0,
  };
}

/**
 * Decodes a DynamoDB Streams record into a typed change: the op, both images as plain JSON (numbers
 * exact, binary base64, sets as arrays), the changed top-level attributes, TTL expiry, and the
 * record's stream position. Every view type is accepted; absent images are null.
 *
 * @example
 * ```ts
 * import { decodeRecord } from 'memory-cdc';
 * import type { DynamoDBStreamHandler } from 'aws-lambda';
 *
 * export const handler: DynamoDBStreamHandler = async (event) => {
 *   for (const record of event.Records) {
 *     const change = decodeRecord(record);
 *     console.log(change.op, change.keys, change.changed);
 *   }
 * };
 * ```
 * @throws DecodeError when the record is malformed; the error names the record's eventID.
 */
export function decodeRecord(record: StreamRecord): Change {
  if (!isMap(record)) throw new DecodeError('record is not an object', undefined);
  const eventId = record.eventID;
  if (typeof eventId !== 'string' || eventId === '')
    throw new DecodeError('record has no eventID', undefined);
  const data = record.dynamodb;
  if (!isMap(data)) throw new DecodeError('record has no dynamodb section', eventId);
  const rawOld = data.OldImage;
  const rawNew = data.NewImage;
  if (rawOld !== undefined && !isMap(rawOld))
    throw new DecodeError('malformed OldImage: not an object', eventId);
  if (rawNew !== undefined && !isMap(rawNew))
    throw new DecodeError('malformed NewImage: not an object', eventId);
  const keysImage = data.Keys;
  if (!isMap(keysImage) || Object.keys(keysImage).length === 0) {
    throw new DecodeError('record has no dynamodb.Keys', eventId);
  }
  const op = opOf(record, rawOld, rawNew, eventId);
  const position = positionOf(record, eventId);
  const oldImage = rawOld ?? null;
  const newImage = rawNew ?? null;
  return {
    op,
    expired: op === 'remove' && isTtlExpiry(record, position.region),
    keys: plain(keysImage, 'Keys', eventId) ?? {},
    before: oldImage ? plain(oldImage, 'OldImage', eventId) : null,
    after: newImage ? plain(newImage, 'NewImage', eventId) : null,
    raw: { keys: keysImage, oldImage, newImage },
    changed: changedAttributes(op, oldImage, newImage),
    viewType: viewTypeOf(record, oldImage !== null, newImage !== null),
    position,
  };
}
