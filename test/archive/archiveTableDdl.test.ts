import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_COLUMNS } from '../../lib/archive/archiveColumns.js';
import {
  ARCHIVE_EXAMPLE_QUERIES,
  type ArchiveExampleQuery,
  renderArchiveQuery,
} from '../../lib/archive/archiveExampleQueries.js';
import { renderArchiveTableDdl } from '../../lib/archive/archiveTableDdl.js';
import { checkArchiveQuery } from '../support/archiveQueryEngine.js';

const checkedIn = await readFile(new URL('../../athena/archive_table.sql', import.meta.url), 'utf8');

describe('athena/archive_table.sql', () => {
  it('is exactly what `npm run athena:ddl` generates from the column definition', () => {
    expect(checkedIn).toBe(renderArchiveTableDdl());
  });

  it('declares every column with the Hive type of its definition and names the Hive JSON SerDe', () => {
    for (const column of ARCHIVE_COLUMNS) expect(checkedIn).toMatch(new RegExp(`^  ${column.name} \\S`, 'm'));
    expect(checkedIn).toContain("  item string COMMENT '");
    expect(checkedIn).toContain('  ids map<string, string> COMMENT');
    expect(checkedIn).toContain("ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'");
    expect(checkedIn).not.toMatch(/openx/i);
  });

  it('shows every example query in its header, commented out', () => {
    for (const query of ARCHIVE_EXAMPLE_QUERIES) {
      const commented = renderArchiveQuery(query)
        .split('\n')
        .map((line) => `--   ${line}`)
        .join('\n');
      expect(checkedIn).toContain(commented);
    }
  });
});

describe('the example queries', () => {
  it.each(ARCHIVE_EXAMPLE_QUERIES.map((query) => [query.title, query] as const))(
    'use only columns that exist, with the types their functions need: %s',
    (_, query) => {
      expect(() => checkArchiveQuery(query)).not.toThrow();
    },
  );

  const base = ARCHIVE_EXAMPLE_QUERIES[0]!;
  const variant = (select: ArchiveExampleQuery['select']): ArchiveExampleQuery => ({
    ...base,
    select,
    orderBy: [],
  });

  it('would be caught handing json_extract_scalar a map or a struct, or subscripting a string', () => {
    expect(() =>
      checkArchiveQuery(variant([{ expr: { fn: 'json_extract_scalar', column: 'ids', path: '$.userId' } }])),
    ).toThrow(/json_extract_scalar needs a varchar/);
    expect(() =>
      checkArchiveQuery(
        variant([{ expr: { fn: 'json_extract_scalar', column: 'origin', path: '$.eventid' } }]),
      ),
    ).toThrow(/json_extract_scalar needs a varchar/);
    expect(() => checkArchiveQuery(variant([{ expr: { column: 'item', key: 'pk' } }]))).toThrow(
      /needs a map column/,
    );
  });

  it('would be caught naming a column that does not exist, or ordering by one not selected', () => {
    expect(() => checkArchiveQuery(variant([{ expr: { column: 'text' } }]))).toThrow(/no column text/);
    expect(() => checkArchiveQuery({ ...base, orderBy: [{ name: 'eventid' }] })).toThrow(/ORDER BY eventid/);
    expect(() =>
      checkArchiveQuery({ ...base, where: [{ expr: { column: 'origin' }, op: '=', value: 'x' }] }),
    ).toThrow(/comparing a struct/);
  });
});
