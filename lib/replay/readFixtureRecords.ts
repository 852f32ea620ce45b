/**
 * Streams the records of a fixture file one by one, so replay's memory does not grow with the file:
 * a Lambda DynamoDB Streams event (`{"Records": [...]}`) or a bare array of records, UTF-8 with or
 * without a byte-order mark. Parsing is @streamparser/json's (it keeps a `__proto__` key as data).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import JSONParser from '@streamparser/json/jsonparser.js';
import { FixtureError } from '../errors.js';

/** Bytes read per chunk: the parser's working set stays around one chunk plus one record. */
const CHUNK_BYTES = 256 * 1024;

const NOT_AN_EVENT = 'not a DynamoDB Streams event: expected {"Records": [...]} or an array of records';

/** One entry of a fixture file: its position in the file's records, and the value as parsed. */
export interface FixtureEntry {
  /** Position in `Records` (or in the bare array), from 0. */
  index: number;
  /** The entry as parsed: a record, or whatever a broken file holds there (decoding says what). */
  record: unknown;
}

function firstSignificant(bytes: Uint8Array): number | undefined {
  for (const b of bytes) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b;
  return undefined;
}

function hasRecordsArray(text: string): boolean {
  try {
    const parsed = JSON.parse(text.replace(/^\uFEFF/, '')) as { Records?: unknown } | null;
    return parsed !== null && typeof parsed === 'object' && Array.isArray(parsed.Records);
  } catch {
    return false;
  }
}

function stripBom(chunk: Buffer): Buffer {
  return chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf
    ? chunk.subarray(3)
    : chunk;
}

/**
 * Reads a fixture file's records as they are parsed.
 *
 * @example
 * ```ts
 * for await (const { index, record } of readFixtureRecords('events/conversation.json')) {
 *   console.log(index, pipeline.process(record as StreamRecord).outputs.length);
 * }
 * ```
 * @throws FixtureError (`reason` without the path) when the file cannot be read, is not JSON
 *   (also part-way through, after the records before the damage were yielded) or is not a stream
 *   event
 */
export async function* readFixtureRecords(file: string): AsyncGenerator<FixtureEntry> {
  const queue: FixtureEntry[] = [];
  let parser: JSONParser | undefined;
  let recordsSeen = false;
  let index = 0;
  let started = false;
  let failure: Error | undefined;
  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  try {
    for await (const raw of stream as AsyncIterable<Buffer>) {
      let chunk = raw;
      if (!started) {
        chunk = stripBom(chunk);
        const first = firstSignificant(chunk);
        if (first === undefined) continue; // only whitespace so far
        started = true;
        const bareArray = first === 0x5b; // [
        if (!bareArray && first !== 0x7b)
          throw new FixtureError(file, 'not JSON: it does not start with { or [');
        // Only the elements are emitted: the parser drops an emitted value from its parent only
        // when no ancestor is to be emitted too, which is what keeps memory flat.
        parser = new JSONParser({ paths: bareArray ? ['$.*'] : ['$.Records.*'], keepStack: false });
        if (bareArray) recordsSeen = true;
        parser.onValue = ({ value, parent }) => {
          if (!Array.isArray(parent)) {
            failure ??= new FixtureError(file, NOT_AN_EVENT);
            return;
          }
          recordsSeen = true;
          queue.push({ index: index++, record: value });
        };
        parser.onError = (error) => {
          failure ??= new FixtureError(file, `not JSON: ${error.message}`);
        };
      }
      parser!.write(chunk);
      while (queue.length) yield queue.shift()!;
      if (failure) throw failure;
    }
    if (!started) throw new FixtureError(file, 'not JSON: the file is empty');
    if (!parser!.isEnded) parser!.end();
    while (queue.length) yield queue.shift()!;
    if (failure) throw failure;
    // No record came out: an empty `Records` array, or no `Records` array at all. Such a file
    // holds no record, so reading it whole to tell which is cheap.
    if (!recordsSeen) {
      const small = (await stat(file)).size <= 1024 * 1024;
      if (!small || !hasRecordsArray(await readFile(file, 'utf8')))
        throw new FixtureError(file, NOT_AN_EVENT);
    }
  } catch (error) {
    if (error instanceof FixtureError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new FixtureError(file, `cannot read: ${code}`, { cause: error });
    throw new FixtureError(file, `not JSON: ${(error as Error).message}`, { cause: error });
  } finally {
    stream.destroy();
  }
}
