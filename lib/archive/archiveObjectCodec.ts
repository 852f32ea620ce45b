/**
 * The archive object format: gzip JSON Lines, one `ArchiveEntry` per line, binary as base64 text.
 * Athena reads it with the OpenX JSON SerDe (`athena/archive_table.sql`); restore reads it back.
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { Ajv } from 'ajv';
import type { ArchiveEntry } from '../routing/types.js';
import { toArchiveAttributeMap } from './binaryAttributes.js';
import { ArchiveFormatError } from './errors.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const objectType = { type: 'object' } as const;
const stringType = { type: 'string' } as const;

/** The shape every line must have; attribute values are checked when restore converts them. */
const validateLine = new Ajv({ allErrors: false }).compile({
  type: 'object',
  required: [
    'table',
    'entity',
    'ids',
    'expiredAt',
    'partition',
    'keys',
    'item',
    'plain',
    'eventId',
    'origin',
  ],
  properties: {
    table: stringType,
    entity: stringType,
    sourceEntity: stringType,
    ids: { type: 'object', additionalProperties: stringType },
    expiredAt: stringType,
    partition: {
      type: 'object',
      required: ['dt', 'hour'],
      properties: { dt: stringType, hour: stringType },
    },
    keys: objectType,
    item: objectType,
    plain: objectType,
    eventId: stringType,
    origin: {
      type: 'object',
      required: ['streamArn', 'eventId', 'sequenceNumber'],
      properties: { streamArn: stringType, eventId: stringType, sequenceNumber: stringType },
    },
  },
});

/** One entry as the line the archive stores (no trailing newline). Binary becomes base64 text. */
export function encodeArchiveLine(entry: ArchiveEntry): string {
  return JSON.stringify({
    ...entry,
    keys: toArchiveAttributeMap(entry.keys),
    item: toArchiveAttributeMap(entry.item),
  });
}

/**
 * Encodes entries as one gzip JSON Lines object (each line ends with `\n`).
 *
 * @example
 * const body = await encodeArchiveObject(group.outputs.map((o) => o.payload));
 */
export async function encodeArchiveObject(entries: readonly ArchiveEntry[]): Promise<Buffer> {
  let text = '';
  for (const entry of entries) text += `${encodeArchiveLine(entry)}\n`;
  return gzipAsync(text);
}

/**
 * Decodes one archive object.
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
    if (!validateLine(value)) {
      const problem = validateLine.errors?.[0];
      throw new ArchiveFormatError(
        location,
        `line ${i + 1} is not an archive entry (${problem?.instancePath || '/'} ${problem?.message ?? 'invalid'})`,
      );
    }
    entries.push(value as ArchiveEntry);
  }
  return entries;
}
