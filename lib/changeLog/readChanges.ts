/**
 * Reads the changes out of a Kinesis change-log record: the package entry `memory-cdc/change-log`
 * for your own consumers, and what the vector-sync Lambda uses. Reads both formats (see
 * `format.ts`): version 2, an envelope with several changes of one partition key, and version 1, one
 * bare event detail per record.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import type { MemoryEventDetail } from '../catalog/types.js';
import { DecodeError } from '../errors.js';
import { isSequenceNumber } from '../vector/sequence.js';
import { CHANGE_LOG_VERSION } from './format.js';

const OPS = new Set(['insert', 'modify', 'remove', 'read']);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The changes one Lambda Kinesis record of the change log carries, oldest first. A record carries
 * one or more consecutive changes of its partition key (one conversation, run or item): loop over
 * them where you handled one detail per record before. Each change is the event's `detail`, with
 * its `eventId` to deduplicate on.
 *
 * @example
 * ```ts
 * import type { KinesisStreamEvent } from 'aws-lambda';
 * import { readChanges } from 'memory-cdc/change-log';
 *
 * export const handler = async (event: KinesisStreamEvent) => {
 *   for (const record of event.Records) {
 *     for (const change of readChanges(record)) {
 *       console.log(change.eventId, change.detailType, change.ids.conversationId);
 *     }
 *   }
 * };
 * ```
 * @throws DecodeError (with the record's eventID) when the data is not a change-log record: not
 *   base64 JSON, a change that is not an event detail, or a format version newer than this reader's
 */
export function readChanges(record: KinesisStreamRecord): MemoryEventDetail[] {
  if (!isObject(record)) throw new DecodeError('change-log record is not an object', undefined);
  const id = typeof record.eventID === 'string' ? record.eventID : undefined;
  const data = isObject(record.kinesis) ? record.kinesis.data : undefined;
  if (typeof data !== 'string') throw new DecodeError('change-log record has no kinesis.data', id);
  return readChangesFromData(Buffer.from(data, 'base64'), id);
}

/**
 * The changes of one change-log record from its data blob, as GetRecords, the KCL or a Firehose
 * transform hand it over (bytes, or the bytes as UTF-8 text), oldest first.
 *
 * @example
 * ```ts
 * const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
 * for (const record of Records ?? []) {
 *   for (const change of readChangesFromData(record.Data!)) console.log(change.eventId);
 * }
 * ```
 * @param recordId names the record in errors (e.g. its sequence number)
 * @throws DecodeError when the data is not a change-log record
 */
export function readChangesFromData(data: Uint8Array | string, recordId?: string): MemoryEventDetail[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
  } catch (error) {
    throw new DecodeError('change-log data is not base64 JSON', recordId, { cause: error });
  }
  if (!isObject(parsed)) throw new DecodeError('change-log data is not a JSON object', recordId);
  if (!('changeLogVersion' in parsed)) {
    // Version 1: one bare event detail.
    return [checkDetail(parsed, recordId, '')];
  }
  const version = parsed.changeLogVersion;
  if (version !== CHANGE_LOG_VERSION) {
    throw new DecodeError(
      typeof version === 'number' && Number.isInteger(version) && version > CHANGE_LOG_VERSION
        ? `change-log record of version ${version}, newer than this reader (version ${CHANGE_LOG_VERSION}): upgrade memory-cdc`
        : `change-log record has an invalid changeLogVersion (${JSON.stringify(version)})`,
      recordId,
    );
  }
  const changes = parsed.changes;
  if (!Array.isArray(changes) || changes.length === 0) {
    throw new DecodeError('change-log record has no changes (a non-empty array is expected)', recordId);
  }
  return changes.map((change, index) => checkDetail(change, recordId, `change ${index}: `));
}

/** The change, when it has the fields every memory-cdc event detail has. */
function checkDetail(detail: unknown, recordId: string | undefined, where: string): MemoryEventDetail {
  if (!isObject(detail)) throw new DecodeError(`${where}change-log data is not a JSON object`, recordId);
  const problems: string[] = [];
  if (typeof detail.eventId !== 'string' || detail.eventId === '') problems.push('eventId');
  if (typeof detail.op !== 'string' || !OPS.has(detail.op)) problems.push('op');
  if (typeof detail.entity !== 'string') problems.push('entity');
  if (!isObject(detail.keys)) problems.push('keys');
  if (!isObject(detail.ids)) problems.push('ids');
  if (
    detail.time !== undefined &&
    (typeof detail.time !== 'string' || !Number.isFinite(Date.parse(detail.time)))
  )
    problems.push('time');
  if (!isObject(detail.origin) || !isSequenceNumber(detail.origin.sequenceNumber))
    problems.push('origin.sequenceNumber');
  if (problems.length > 0) {
    throw new DecodeError(
      `${where}change-log data is not a memory-cdc event detail (bad ${problems.join(', ')})`,
      recordId,
    );
  }
  return detail as unknown as MemoryEventDetail;
}
