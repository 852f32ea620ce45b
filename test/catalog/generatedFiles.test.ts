import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogMarkdown } from '../../lib/catalog/catalogMarkdown.js';
import { DETAIL_TYPES } from '../../lib/catalog/detailTypes.js';
import { catalogSchemas, schemaFileName } from '../../lib/catalog/eventSchemas.js';
import { layoutMarkdown } from '../../lib/layout/layoutMarkdown.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { sessionStateLayout, sessionTurnsLayout } from '../../lib/layout/presets/sessionMemory.js';

const ROOT = join(import.meta.dirname, '../..');
const SCHEMA_DIR = join(ROOT, 'catalog/schemas');
const REGENERATE = 'run `npm run catalog` and commit the result';

describe('the generated catalog files', () => {
  const schemas = catalogSchemas();

  it(`has exactly one schema file per detail-type (${REGENERATE})`, () => {
    expect(readdirSync(SCHEMA_DIR).sort()).toEqual(Object.keys(schemas).sort());
  });

  it.each(Object.keys(schemas))(`has %s as lib/catalog generates it (${REGENERATE})`, (file) => {
    expect(readFileSync(join(SCHEMA_DIR, file), 'utf8')).toBe(`${JSON.stringify(schemas[file], null, 2)}\n`);
  });

  it(`has docs/events.md as lib/catalog generates it (${REGENERATE})`, () => {
    expect(readFileSync(join(ROOT, 'docs/events.md'), 'utf8')).toBe(catalogMarkdown());
  });

  it.each([agentMemoryLayout, sessionStateLayout, sessionTurnsLayout].map((l) => [l.name, l] as const))(
    `has docs/layouts/%s.md as lib/layout generates it (${REGENERATE})`,
    (name, layout) => {
      expect(readFileSync(join(ROOT, `docs/layouts/${name}.md`), 'utf8')).toBe(layoutMarkdown(layout));
    },
  );

  it('lists every detail-type in docs/events.md with a link to its schema', () => {
    const page = catalogMarkdown();
    for (const { detailType } of DETAIL_TYPES) {
      expect(page).toContain(`| \`${detailType}\` |`);
      expect(page).toContain(`(../catalog/schemas/${schemaFileName(detailType)})`);
    }
  });

  it('documents the number rule in docs/events.md', () => {
    expect(catalogMarkdown()).toContain('## The number rule');
  });

  it('gives every detail-type a distinct schema file name', () => {
    expect(new Set(DETAIL_TYPES.map((d) => schemaFileName(d.detailType))).size).toBe(DETAIL_TYPES.length);
  });
});
