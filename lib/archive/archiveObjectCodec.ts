/**
 * The archive object: gzip JSON Lines, one archive line (`archiveLine.ts`) per entry, each ending
 * in `\n`. Athena reads the objects with the Hive JSON SerDe (`org.apache.hive.hcatalog.data.JsonSerDe`,
 * see `archiveColumns.ts` for the rules the line follows); restore reads them back, in the current
 * line format and in the first one.
 */
import { promisify } from 'node:util';
import { gunzip, gzipSync } from 'node:zlib';
import type { ArchiveEntry } from '../routing/types.js';
import { decodeArchiveLine, encodeArchiveLine } from './archiveLine.js';
import { ArchiveFormatError } from './errors.js';

const gunzipAsync = promisify(gunzip);

/**
 * Encodes entries as one gzip JSON Lines object (each line ends with `\n`).
 *
 * @example
 * const body = await encodeArchiveObject(group.outputs.map((o) => o.payload));
 */
export async function encodeArchiveObject(entries: readonly ArchiveEntry[]): Promise<Buffer> {
  let text = '';
  for (const entry of entries) text += `${encodeArchiveLine(entry)}\n`;
  // In this thread: an object is one item's lines, and handing so little to the thread pool costs
  // several times the compression (the same bytes either way).
  return gzipSync(text);
}

/**
 * Decodes one archive object, whatever line format it was written in.
 * @param location where the object came from, for error messages
 * @throws ArchiveFormatError when the body is not gzip, a line is not JSON, or a line is not an entry
 */
export async function decodeArchiveObject(body: Uint8Array, location: string): Promise<ArchiveEntry[]> {
  let text: string;
  try {
    text = (await gunzipAsync(body)).toString('utf8');
  } catch (error) {
    throw new ArchiveFormatError(location, 'not a gzip object', { cause: error });
  }
  const entries: ArchiveEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new ArchiveFormatError(location, `line ${i + 1} is not JSON`, { cause: error });
    }
    entries.push(decodeArchiveLine(value, { location, line: i + 1 }));
  }
  return entries;
}
