import type { StreamRecord } from '../stream/types.js';
import { readFixtureRecords } from './readFixtureRecords.js';

/**
 * Reads a whole fixture file into memory: a Lambda DynamoDB Streams event (`{"Records": [...]}`)
 * or a bare array of records. Records are checked for shape only; decoding errors are reported per
 * record later. Replay streams instead (`readFixtureRecords`); this is for small files and tests.
 * @throws FixtureError when the file is unreadable, not JSON or not a stream event
 */
export async function loadFixtureFile(file: string): Promise<StreamRecord[]> {
  const records: StreamRecord[] = [];
  for await (const { record } of readFixtureRecords(file)) records.push(record as StreamRecord);
  return records;
}
