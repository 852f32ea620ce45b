// Writes athena/archive_table.sql from lib/archive/archiveColumns.ts (test/archive checks for drift).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderArchiveTableDdl } from '../lib/archive/archiveTableDdl.js';

const file = join(import.meta.dirname, '..', 'athena/archive_table.sql');
writeFileSync(file, renderArchiveTableDdl());
console.log(`wrote ${file}`);
