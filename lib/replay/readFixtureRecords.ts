/**
 * Streams the records of a fixture file, so replay's memory does not grow with the file: a Lambda
 * event (`{"Records": [...]}`: DynamoDB Streams, or Kinesis Data Streams for DynamoDB) or a bare
 * array of records, UTF-8 with or without a byte-order mark. {@link FixtureScanner} finds each
 * record and `JSON.parse` parses it (which keeps a `__proto__` key as data).
 */
import { type FileHandle, open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { type DecodeError, FixtureError } from '../errors.js';
import { FixtureScanner } from './FixtureScanner.js';

/** Bytes read per chunk: the working set stays around one chunk plus one record. */
const CHUNK_BYTES = 256 * 1024;

/** One entry of a fixture file: its position in the file's records, and the value as parsed. */
export interface FixtureEntry {
  /** Position in `Records` (or in the bare array), from 0. */
  index: number;
  /** The entry as parsed: a record, or whatever a broken file holds there (decoding says what). */
  record: unknown;
  /** Why the entry is already known not to decode (a Kinesis record whose data is no change). */
  error?: DecodeError;
}

/** Options for {@link readFixtureBatches}. */
export interface ReadFixtureOptions {
  /** Bytes read at a time. @default 262144 */
  chunkBytes?: number;
}

/**
 * Reads a fixture file's records a chunk at a time: each batch holds the records completed in one
 * chunk of the file (none is empty), in file order.
 *
 * @example
 * ```ts
 * for await (const batch of readFixtureBatches('events/conversation.json')) {
 *   for (const { index, record } of batch) console.log(index, pipeline.process(record as StreamRecord).outputs.length);
 * }
 * ```
 * @throws FixtureError (`reason` without the path) when the file cannot be read, is not JSON
 *   (also part-way through, after the records before the damage were yielded) or is not a stream
 *   event
 */
export async function* readFixtureBatches(
  file: string,
  options: ReadFixtureOptions = {},
): AsyncGenerator<FixtureEntry[]> {
  const scanner = new FixtureScanner(file);
  const decoder = new StringDecoder('utf8');
  // One buffer, read into again and again: the decoder copies each chunk into text.
  const buffer = Buffer.allocUnsafe(options.chunkBytes ?? CHUNK_BYTES);
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const batch = scanner.push(decoder.write(buffer.subarray(0, bytesRead)));
      if (batch.length > 0) yield batch;
      if (scanner.failure) throw scanner.failure;
    }
    const batch = scanner.push(decoder.end());
    if (batch.length > 0) yield batch;
    scanner.end();
    if (scanner.failure) throw scanner.failure;
  } catch (error) {
    if (error instanceof FixtureError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new FixtureError(file, `cannot read: ${code}`, { cause: error });
    throw new FixtureError(file, `cannot read: ${(error as Error).message}`, { cause: error });
  } finally {
    await handle?.close();
  }
}

/**
 * Reads a fixture file's records one by one, as {@link readFixtureBatches} finds them.
 *
 * @example
 * ```ts
 * for await (const { index, record } of readFixtureRecords('events/conversation.json')) {
 *   console.log(index, pipeline.process(record as StreamRecord).outputs.length);
 * }
 * ```
 * @throws FixtureError as {@link readFixtureBatches} does
 */
export async function* readFixtureRecords(
  file: string,
  options: ReadFixtureOptions = {},
): AsyncGenerator<FixtureEntry> {
  for await (const batch of readFixtureBatches(file, options)) yield* batch;
}
