/**
 * One archive line: an `ArchiveEntry` as the JSON object the archive stores, built from the column
 * definition (`archiveColumns.ts`) so every field has its column's type under the Hive JSON SerDe.
 *
 * Format 2 (written now): `{"format":2,"table":…,"entity":…,"partition":{…},` then one field per
 * column — `keys`, `item` and `plain` are JSON-encoded strings (DynamoDB JSON, binary as base64).
 * Format 1 (shipped before): no `format` field; `keys`, `item` and `plain` were nested objects,
 * which Athena cannot read into the declared `string` columns. Restore reads both.
 */
import type { ArchiveEntry } from '../routing/types.js';
import type { AttributeMap, PlainItem } from '../stream/types.js';
import {
  type SchemaValidateFunction,
  type SchemaValidatorSpec,
  schemaValidator,
} from '../validation/schemaValidator.js';
import { ARCHIVE_COLUMNS, ARCHIVE_LINE_FORMAT } from './archiveColumns.js';
import { ArchiveFormatError } from './errors.js';

const stringType = { type: 'string' } as const;
const objectType = { type: 'object' } as const;

const common = {
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
  eventId: stringType,
  origin: {
    type: 'object',
    required: ['streamArn', 'eventId', 'sequenceNumber'],
    properties: { streamArn: stringType, eventId: stringType, sequenceNumber: stringType },
  },
} as const;
const required = [
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
];

/** Format 1: the images as nested objects; attribute values are checked when restore converts them. */
export const ARCHIVE_LINE_V1_VALIDATOR: SchemaValidatorSpec = {
  id: 'archive-line-v1',
  schema: {
    type: 'object',
    required,
    properties: { ...common, keys: objectType, item: objectType, plain: objectType },
  },
  options: { allErrors: false },
};
/** Format 2: the images as JSON-encoded strings. */
export const ARCHIVE_LINE_V2_VALIDATOR: SchemaValidatorSpec = {
  id: 'archive-line-v2',
  schema: {
    type: 'object',
    required: ['format', ...required],
    properties: {
      ...common,
      format: { const: ARCHIVE_LINE_FORMAT },
      keys: stringType,
      item: stringType,
      plain: stringType,
    },
  },
  options: { allErrors: false },
};
const validateV1 = schemaValidator(ARCHIVE_LINE_V1_VALIDATOR);
const validateV2 = schemaValidator(ARCHIVE_LINE_V2_VALIDATOR);

/**
 * One entry as the line the archive stores (no trailing newline), in the current format. Binary
 * becomes base64 text; `item` is exactly the DynamoDB JSON restore writes back.
 *
 * @example
 * const line = encodeArchiveLine(output.payload); // {"format":2,"table":"agent-memory",…,"item":"{\"pk\":{\"S\":…}}",…}
 */
export function encodeArchiveLine(entry: ArchiveEntry): string {
  // `table` and `entity` are partition columns: Athena takes them from the object key, never from
  // the line; they stay in the line so an object read on its own (restore) is self-describing.
  const line: Record<string, unknown> = {
    format: ARCHIVE_LINE_FORMAT,
    table: entry.table,
    entity: entry.entity,
    partition: { dt: entry.partition.dt, hour: entry.partition.hour },
  };
  for (const column of ARCHIVE_COLUMNS) {
    const value = column.encode(entry);
    if (value !== undefined) line[column.field] = value;
  }
  return JSON.stringify(line);
}

/** Where a line is, for errors: the object's location and the line's number (1-based). */
export interface ArchiveLinePosition {
  location: string;
  line: number;
}

function parseObject(text: string, field: string, at: ArchiveLinePosition): Record<string, unknown> {
  const problem = `line ${at.line}: ${field} is not a JSON-encoded object`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ArchiveFormatError(at.location, problem, { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ArchiveFormatError(at.location, problem);
  return value as Record<string, unknown>;
}

function schemaProblem(errors: SchemaValidateFunction['errors']): string {
  const problem = errors?.[0];
  return `${problem?.instancePath || '/'} ${problem?.message ?? 'invalid'}`;
}

/**
 * Reads one parsed line of either format back into an entry.
 *
 * @example
 * const entry = decodeArchiveLine(JSON.parse(text), { location: 's3://bucket/archive/…jsonl.gz', line: 1 });
 *
 * @throws ArchiveFormatError when the value is not an archive line of a format this version reads
 */
export function decodeArchiveLine(value: unknown, at: ArchiveLinePosition): ArchiveEntry {
  const fail = (problem: string) =>
    new ArchiveFormatError(at.location, `line ${at.line} is not an archive entry (${problem})`);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw fail('not an object');
  const format = (value as { format?: unknown }).format;
  if (format === undefined) {
    if (!validateV1(value)) throw fail(schemaProblem(validateV1.errors));
    return value as unknown as ArchiveEntry;
  }
  if (format !== ARCHIVE_LINE_FORMAT)
    throw fail(`format ${JSON.stringify(format)}; this version reads formats 1 and ${ARCHIVE_LINE_FORMAT}`);
  if (!validateV2(value)) throw fail(schemaProblem(validateV2.errors));
  const {
    format: _format,
    keys,
    item,
    plain,
    ...rest
  } = value as Record<string, unknown> & {
    keys: string;
    item: string;
    plain: string;
  };
  return {
    ...(rest as Omit<ArchiveEntry, 'keys' | 'item' | 'plain'>),
    keys: parseObject(keys, 'keys', at) as AttributeMap,
    item: parseObject(item, 'item', at) as AttributeMap,
    plain: parseObject(plain, 'plain', at) as PlainItem,
  };
}
