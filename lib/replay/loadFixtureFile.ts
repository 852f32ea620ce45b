import { readFile } from 'node:fs/promises';
import { FixtureError } from '../errors.js';
import type { StreamRecord } from '../stream/types.js';

/**
 * Reads a fixture file: a Lambda DynamoDB Streams event (`{"Records": [...]}`) or a bare array of
 * records. Records are checked for shape only; decoding errors are reported per record later.
 * @throws FixtureError when the file is unreadable, not JSON or not a stream event
 */
export async function loadFixtureFile(file: string): Promise<StreamRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new FixtureError(
      file,
      `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new FixtureError(file, `not JSON: ${(error as Error).message}`);
  }
  const records = Array.isArray(parsed)
    ? parsed
    : parsed && typeof parsed === 'object' && Array.isArray((parsed as { Records?: unknown }).Records)
      ? (parsed as { Records: unknown[] }).Records
      : undefined;
  if (!records) {
    throw new FixtureError(
      file,
      'not a DynamoDB Streams event: expected {"Records": [...]} or an array of records',
    );
  }
  return records as StreamRecord[];
}
