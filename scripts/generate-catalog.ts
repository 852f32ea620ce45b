// Writes catalog/schemas/*.json and docs/events.md from lib/catalog (test/catalog checks for drift).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogMarkdown } from '../lib/catalog/catalogMarkdown.js';
import { catalogSchemas } from '../lib/catalog/eventSchemas.js';
import { layoutMarkdown } from '../lib/layout/layoutMarkdown.js';
import { agentMemoryLayout } from '../lib/layout/presets/agentMemory.js';
import { sessionStateLayout, sessionTurnsLayout } from '../lib/layout/presets/sessionMemory.js';

const root = join(import.meta.dirname, '..');
const schemaDir = join(root, 'catalog/schemas');
mkdirSync(schemaDir, { recursive: true });
for (const file of readdirSync(schemaDir)) rmSync(join(schemaDir, file));
const schemas = catalogSchemas();
for (const [file, schema] of Object.entries(schemas)) {
  writeFileSync(join(schemaDir, file), `${JSON.stringify(schema, null, 2)}\n`);
}
mkdirSync(join(root, 'docs'), { recursive: true });
writeFileSync(join(root, 'docs/events.md'), catalogMarkdown());
mkdirSync(join(root, 'docs/layouts'), { recursive: true });
for (const layout of [agentMemoryLayout, sessionStateLayout, sessionTurnsLayout]) {
  writeFileSync(join(root, `docs/layouts/${layout.name}.md`), layoutMarkdown(layout));
}
console.log(`${Object.keys(schemas).length} schemas, docs/events.md`);
