/**
 * Reads a whole archive (local folder or S3) the way Athena reads the archive table: partition
 * values from the object key through the table's `storage.location.template`, objects whose name
 * starts with `_` or `.` skipped as Athena skips them, gzip by the `.gz` extension, every line
 * through the Hive JSON SerDe reader with the declared columns.
 */
import { gunzipSync } from 'node:zlib';
import { ARCHIVE_COLUMNS, archiveTableParameters } from '../../lib/archive/archiveColumns.js';
import type { ArchiveReader } from '../../lib/archive/types.js';
import { type HiveRow, readHiveJsonLines } from './hiveJsonSerDe.js';

/** The columns as the SerDe reader takes them. */
export const ARCHIVE_HIVE_COLUMNS = ARCHIVE_COLUMNS.map(({ name, type }) => ({ name, type }));

/** Partition values of a key relative to the archive root, from the table's location template. */
export function partitionOfKey(key: string): Record<string, string> | undefined {
  const template = archiveTableParameters({
    location: '',
    table: { type: 'injected' },
    startDate: '2024-01-01',
  })['storage.location.template']!;
  const names: string[] = [];
  // Literal text between the ${name} placeholders; each placeholder is one path segment.
  let source = '^';
  let rest = template;
  for (;;) {
    const at = rest.indexOf('${');
    if (at < 0) break;
    source += rest.slice(0, at).replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
    const end = rest.indexOf('}', at);
    names.push(rest.slice(at + 2, end));
    source += '([^/]+)';
    rest = rest.slice(end + 1);
  }
  source += `${rest.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')}[^/]+$`;
  const match = new RegExp(source).exec(key);
  if (!match) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, match[i + 1]!]));
}

/** One row with where it came from. */
export interface AthenaRow {
  objectKey: string;
  line: number;
  row: HiveRow;
}

/**
 * Every row Athena would return from the archive (no WHERE clause).
 * @throws Error for an object outside the partition layout, or a line Athena would reject or misread
 */
export async function readArchiveAsAthena(reader: ArchiveReader): Promise<AthenaRow[]> {
  const rows: AthenaRow[] = [];
  for await (const key of reader.listObjects()) {
    const name = key.slice(key.lastIndexOf('/') + 1);
    if (name.startsWith('_') || name.startsWith('.'))
      throw new Error(`${key}: Athena ignores objects whose name starts with _ or .`);
    if (!name.endsWith('.gz'))
      throw new Error(`${key}: without a .gz extension Athena reads the gzip bytes as text`);
    const partition = partitionOfKey(key);
    if (!partition) throw new Error(`${key}: not under the table's storage.location.template`);
    const text = gunzipSync(await reader.getObject(key)).toString('utf8');
    try {
      readHiveJsonLines(text, { columns: ARCHIVE_HIVE_COLUMNS, partition }).forEach((row, i) => {
        rows.push({ objectKey: key, line: i + 1, row });
      });
    } catch (error) {
      throw new Error(`${key}: ${(error as Error).message}`, { cause: error });
    }
  }
  return rows;
}
