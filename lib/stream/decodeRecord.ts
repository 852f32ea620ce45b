/**
 * Decodes one DynamoDB Streams record (Lambda's format, or the Streams API's) into a {@link Change}.
 */
import { DecodeError } from '../errors.js';
import { attributeValueEquals } from './attributeValueEquals.js';
import { decodeAttributeMapWithNames, MalformedAttributeError } from './decodeAttributeValue.js';
import { describeType } from './dynamoNumber.js';
import { isoTimeOf } from './isoTime.js';
import { DYNAMODB_LOCAL_REGION, isTtlExpiry } from './isTtlExpiry.js';
import { sortFewNames, sortNames } from './sortNames.js';
import type {
  AttributeMap,
  Change,
  ChangeOp,
  PlainItem,
  StreamPosition,
  StreamRecord,
  StreamViewType,
} from './types.js';

const ARN = /^arn:[^:]+:dynamodb:([^:]*):[^:]*:table\/([^/]+)\/stream\/.+$/;

/**
 * The latest ApproximateCreationDateTime believed (epoch seconds, 2286-11-20). Lambda sends epoch
 * seconds; a value past this is almost surely milliseconds (1.7e12 s would be the year 55,840).
 */
export const MAX_CREATION_EPOCH_SECONDS = 1e10;

/** An image (or the keys) as plain JSON; `names` is `Object.keys(image)`. */
function plain(image: AttributeMap, names: readonly string[], which: string, eventId: string): PlainItem {
  try {
    return decodeAttributeMapWithNames(image, which, names);
  } catch (error) {
    if (error instanceof MalformedAttributeError) {
      throw new DecodeError(`malformed ${error.message}`, eventId, { cause: error, path: error.path });
    }
    throw error;
  }
}

function isMap(value: unknown): value is AttributeMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `READ` is not DynamoDB's: it marks memory-cdc's snapshot reads (see `syntheticInsertRecord`). */
function knownOp(eventName: unknown): ChangeOp | undefined {
  switch (eventName) {
    case 'INSERT':
      return 'insert';
    case 'MODIFY':
      return 'modify';
    case 'REMOVE':
      return 'remove';
    case 'READ':
      return 'read';
    default:
      return undefined;
  }
}

function opOf(
  record: StreamRecord,
  region: string,
  oldImage: unknown,
  newImage: unknown,
  eventId: string,
): ChangeOp {
  const known = knownOp(record.eventName);
  if (known) {
    if (known === 'insert' && oldImage)
      throw new DecodeError('an INSERT record carries an OldImage', eventId);
    if (known === 'remove' && newImage) throw new DecodeError('a REMOVE record carries a NewImage', eventId);
    return known;
  }
  const name = JSON.stringify(record.eventName) ?? 'undefined';
  // DynamoDB Local sends TTL deletions as UNKNOWN_TO_SDK_VERSION: only there is the change read
  // from the images present. On AWS an unknown eventName is a record this code does not
  // understand, and guessing could publish a removal as an insert.
  if (region !== DYNAMODB_LOCAL_REGION) {
    throw new DecodeError(
      `unknown eventName ${name} (expected INSERT, MODIFY or REMOVE; the change is inferred from the images only on DynamoDB Local streams, region ${DYNAMODB_LOCAL_REGION})`,
      eventId,
    );
  }
  if (oldImage && !newImage) return 'remove';
  if (newImage && !oldImage) return 'insert';
  if (newImage && oldImage) return 'modify';
  throw new DecodeError(`unknown eventName ${name} and no image to infer the change from`, eventId);
}

function viewTypeOf(declared: unknown, hasOld: boolean, hasNew: boolean): StreamViewType {
  switch (declared) {
    case 'NEW_AND_OLD_IMAGES':
    case 'NEW_IMAGE':
    case 'OLD_IMAGE':
    case 'KEYS_ONLY':
      return declared;
  }
  if (hasOld && hasNew) return 'NEW_AND_OLD_IMAGES';
  if (hasNew) return 'NEW_IMAGE';
  if (hasOld) return 'OLD_IMAGE';
  return 'KEYS_ONLY';
}

/**
 * The changed attributes (see `Change.changed`). Each image comes with its `Object.keys`, listed
 * once for decoding; the list of an insert's or a remove's image is sorted in place and returned.
 */
function changedAttributes(
  op: ChangeOp,
  oldImage: AttributeMap | null,
  oldNames: string[],
  newImage: AttributeMap | null,
  newNames: string[],
): string[] {
  if (op !== 'modify') return sortNames(newImage ? newNames : oldNames);
  if (!oldImage || !newImage) return [];
  // Names both images list at the same place are own attributes of both (usually most of them:
  // an update keeps the item's attribute order): only the others need an own-member check.
  let aligned = 0;
  const shorter = Math.min(oldNames.length, newNames.length);
  while (aligned < shorter && oldNames[aligned] === newNames[aligned]) aligned++;
  const changed: string[] = [];
  // Values listed in the names' order: the aligned ones are read without a lookup by name.
  const oldValues = Object.values(oldImage);
  const newValues = Object.values(newImage);
  for (let i = 0; i < newNames.length; i++) {
    const name = newNames[i]!;
    const before = i < aligned ? oldValues[i] : Object.hasOwn(oldImage, name) ? oldImage[name] : undefined;
    if (!attributeValueEquals(before, newValues[i])) changed.push(name);
  }
  for (let i = aligned; i < oldNames.length; i++) {
    const name = oldNames[i]!;
    if (!Object.hasOwn(newImage, name)) changed.push(name);
  }
  return sortFewNames(changed);
}

/** Epoch milliseconds of the record's creation time, undefined when it has none. */
function creationEpochMs(created: unknown, eventId: string): number | undefined {
  // Lambda's epoch seconds, in range: the usual case first.
  if (typeof created === 'number' && created >= 0 && created <= MAX_CREATION_EPOCH_SECONDS) {
    return Math.round(created * 1000);
  }
  if (created === undefined || created === null) return undefined;
  if (created instanceof Date) {
    const ms = created.getTime();
    if (Number.isFinite(ms)) return ms;
    throw new DecodeError('dynamodb.ApproximateCreationDateTime is an invalid date', eventId);
  }
  if (typeof created !== 'number' || !Number.isFinite(created)) {
    throw new DecodeError(
      `dynamodb.ApproximateCreationDateTime must be epoch seconds (a number), not ${describeType(created)}`,
      eventId,
    );
  }
  if (created < 0) {
    throw new DecodeError(`dynamodb.ApproximateCreationDateTime ${created} is before 1970`, eventId);
  }
  if (created > MAX_CREATION_EPOCH_SECONDS) {
    const hint =
      created / 1000 <= MAX_CREATION_EPOCH_SECONDS
        ? ` it looks like milliseconds (${new Date(created).toISOString()}); Lambda sends epoch seconds`
        : '';
    throw new DecodeError(
      `dynamodb.ApproximateCreationDateTime ${created} is not a plausible time in epoch seconds (after the year 2286);${hint}`,
      eventId,
    );
  }
  return Math.round(created * 1000);
}

/** Region and table named by a stream ARN, empty when it names none. */
export interface StreamSource {
  region: string;
  table: string;
}

// A batch (and a container's life) sees one or a few stream ARNs: parse each once, not per record.
// Bounded so a caller decoding records of endless distinct ARNs cannot grow it without limit.
const STREAM_SOURCES_MAX = 64;
const streamSources = new Map<string, StreamSource>();

// Each record of a freshly parsed event carries its own copy of the ARN, whose hash the map would
// compute anew (~0.1 µs for ~90 characters): comparing it with the last record's ARN is cheaper.
let lastArn: string | undefined;
let lastSource: StreamSource = { region: '', table: '' };

/** The region and table a stream ARN names (`{ region: '', table: '' }` when it names none). */
export function streamSourceOf(streamArn: string): StreamSource {
  if (streamArn === lastArn) return lastSource;
  let source = streamSources.get(streamArn);
  if (!source) {
    const arn = ARN.exec(streamArn);
    source = { region: arn?.[1] ?? '', table: arn?.[2] ?? '' };
    if (streamSources.size >= STREAM_SOURCES_MAX) streamSources.clear();
    streamSources.set(streamArn, source);
  }
  lastArn = streamArn;
  lastSource = source;
  return source;
}

// Records of one batch are seconds apart: the last creation time's ISO text is usually the next's.
let lastEpochMs = Number.NaN;
let lastIso = '';

function isoOf(epochMs: number): string {
  if (lastEpochMs !== epochMs) {
    lastIso = isoTimeOf(epochMs);
    lastEpochMs = epochMs;
  }
  return lastIso;
}

const NON_DIGIT = /\D/;

/** 1 to 64 ASCII digits, as `/^\d{1,64}$/` (a search for a non-digit is cheaper for every record). */
function isSequenceNumber(text: unknown): text is string {
  return typeof text === 'string' && text.length > 0 && text.length <= 64 && !NON_DIGIT.test(text);
}

function positionOf(record: StreamRecord, eventId: string): StreamPosition {
  const data = record.dynamodb!;
  const streamArn = typeof record.eventSourceARN === 'string' ? record.eventSourceARN : '';
  const source = streamSourceOf(streamArn);
  const region = source.region || (typeof record.awsRegion === 'string' ? record.awsRegion : '');
  const table = source.table;
  const sequenceNumber = data.SequenceNumber;
  if (!isSequenceNumber(sequenceNumber)) {
    throw new DecodeError('dynamodb.SequenceNumber is missing or not a decimal string', eventId);
  }
  const epochMs = creationEpochMs(data.ApproximateCreationDateTime, eventId);
  const sizeBytes = typeof data.SizeBytes === 'number' && data.SizeBytes >= 0 ? data.SizeBytes : 0;
  // Built whole (not given the time afterwards): one allocation in its final shape.
  if (epochMs === undefined) return { table, streamArn, region, eventId, sequenceNumber, sizeBytes };
  return {
    table,
    streamArn,
    region,
    eventId,
    sequenceNumber,
    sizeBytes,
    approximateCreationTime: isoOf(epochMs),
    approximateCreationEpochMs: epochMs,
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
 * @throws DecodeError when the record is malformed or implausible; the error names the record's
 *   eventID and, for a bad value, the attribute's path (`NewImage.meta.tags[2]`).
 */
export function decodeRecord(record: StreamRecord): Change {
  if (!isMap(record)) throw new DecodeError(`record is ${describeType(record)}, not an object`, undefined);
  const eventId = record.eventID;
  if (typeof eventId !== 'string' || eventId === '')
    throw new DecodeError('record has no eventID', undefined);
  const data = record.dynamodb;
  if (!isMap(data)) throw new DecodeError('record has no dynamodb section', eventId);
  const rawOld = data.OldImage;
  const rawNew = data.NewImage;
  if (rawOld !== undefined && !isMap(rawOld))
    throw new DecodeError(`malformed OldImage: ${describeType(rawOld)}, not a map of attributes`, eventId);
  if (rawNew !== undefined && !isMap(rawNew))
    throw new DecodeError(`malformed NewImage: ${describeType(rawNew)}, not a map of attributes`, eventId);
  const keysImage = data.Keys;
  if (!isMap(keysImage)) throw new DecodeError('record has no dynamodb.Keys', eventId);
  const keyNames = Object.keys(keysImage);
  if (keyNames.length === 0) throw new DecodeError('record has no dynamodb.Keys', eventId);
  const position = positionOf(record, eventId);
  const op = opOf(record, position.region, rawOld, rawNew, eventId);
  const oldImage = rawOld ?? null;
  const newImage = rawNew ?? null;
  const oldNames = oldImage ? Object.keys(oldImage) : [];
  const newNames = newImage ? Object.keys(newImage) : [];
  const keys = plain(keysImage, keyNames, 'Keys', eventId);
  const before = oldImage ? plain(oldImage, oldNames, 'OldImage', eventId) : null;
  const after = newImage ? plain(newImage, newNames, 'NewImage', eventId) : null;
  return {
    op,
    expired: op === 'remove' && isTtlExpiry(record, position.region),
    keys,
    before,
    after,
    raw: { keys: keysImage, oldImage, newImage },
    changed: changedAttributes(op, oldImage, oldNames, newImage, newNames),
    viewType: viewTypeOf(data.StreamViewType, oldImage !== null, newImage !== null),
    position,
  };
}
