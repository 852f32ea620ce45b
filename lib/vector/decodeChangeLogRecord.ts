/**
 * Reads one record of the Kinesis change log as Lambda delivers it: `kinesis.data` is base64 of the
 * UTF-8 JSON of a {@link MemoryEventDetail} (what the router's Kinesis publisher writes).
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import type { MemoryEventDetail } from '../catalog/types.js';
import { DecodeError } from '../errors.js';
import { isSequenceNumber } from './sequence.js';

const OPS = new Set(['insert', 'modify', 'remove', 'read']);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Decodes a change-log record into its event detail.
 *
 * @example
 * ```ts
 * export const handler = async (event: KinesisStreamEvent) => {
 *   for (const record of event.Records) console.log(decodeChangeLogRecord(record).detailType);
 * };
 * ```
 * @throws DecodeError (with the record's eventID) when the data is not base64 JSON of an event detail
 */
export function decodeChangeLogRecord(record: KinesisStreamRecord): MemoryEventDetail {
  if (!isObject(record)) throw new DecodeError('change-log record is not an object', undefined);
  const id = typeof record.eventID === 'string' ? record.eventID : undefined;
  const data = isObject(record.kinesis) ? record.kinesis.data : undefined;
  if (typeof data !== 'string') throw new DecodeError('change-log record has no kinesis.data', id);
  let detail: unknown;
  try {
    detail = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch (error) {
    throw new DecodeError('change-log data is not base64 JSON', id, { cause: error });
  }
  if (!isObject(detail)) throw new DecodeError('change-log data is not a JSON object', id);
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
      `change-log data is not a memory-cdc event detail (bad ${problems.join(', ')})`,
      id,
    );
  }
  return detail as unknown as MemoryEventDetail;
}
