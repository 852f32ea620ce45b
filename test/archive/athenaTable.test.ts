import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { encodeArchiveLine } from '../../lib/archive/archiveLine.js';
import { groupArchiveOutputs } from '../../lib/archive/groupArchiveOutputs.js';
import { ENTITY_KINDS } from '../../lib/layout/types.js';
import { archiveOutputsOf, expiryBatch } from './expiries.js';

const ddl = await readFile(new URL('../../athena/archive_table.sql', import.meta.url), 'utf8');
const statement = ddl
  .split('\n')
  .filter((line) => !line.startsWith('--'))
  .join('\n');
const property = (name: string) =>
  new RegExp(`'${name.replaceAll('.', '\\.')}' = '([^']*)'`).exec(statement)?.[1];

describe('the Athena table definition', () => {
  const [group] = groupArchiveOutputs(archiveOutputsOf(expiryBatch({ users: 1 }).expiries));

  it('projects every entity kind memory-cdc archives', () => {
    expect(property('projection.entity.values')?.split(',')).toEqual([...ENTITY_KINDS]);
  });

  it("projects partitions onto exactly the folders the archiver writes, under the table's location", () => {
    const { table, entity, dt, hour } = group!.partition;
    const location = /LOCATION '([^']*)'/.exec(statement)?.[1];
    const template = property('storage.location.template')!;
    expect(template.startsWith(location!)).toBe(true);
    // Athena's own ${name} placeholders, filled with this object's partition values.
    const values: Record<string, string> = { table, entity, dt, hour };
    const folder = template
      .replace(/\$\{(\w+)\}/g, (_, name: string) => values[name] ?? `<unknown ${name}>`)
      .slice(location!.length);
    expect(group!.key.startsWith(folder)).toBe(true);
    expect(group!.key.slice(folder.length)).not.toContain('/');
  });

  it('declares only columns an archive line has, and partition columns it does not declare', () => {
    const [data, partitions] = statement.split('PARTITIONED BY');
    const columnsOf = (text: string) =>
      [...text.matchAll(/^ {2}`?(\w+)`? (?:string|map<|struct<)/gm)].map((m) => m[1]);
    const columns = columnsOf(data!);
    expect(columnsOf(partitions!.split(')')[0]!)).toEqual(['table', 'entity', 'dt', 'hour']);
    const line = JSON.parse(encodeArchiveLine(group!.outputs[0]!.payload));
    const fields = new Set(Object.keys(line).map((name) => name.toLowerCase()));
    fields.add('sourceentity'); // optional: present for layouts with their own entity names
    expect(columns).toEqual([
      'sourceentity',
      'ids',
      'expiredat',
      'keys',
      'item',
      'plain',
      'eventid',
      'origin',
    ]);
    for (const column of columns) expect(fields.has(column!)).toBe(true);
    expect(property('projection.hour.digits')).toBe('2');
    expect(group!.partition.hour).toMatch(/^\d{2}$/);
  });
});
