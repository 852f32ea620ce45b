/**
 * The README's example queries with their output over the archive `npx memory-cdc replay` writes
 * from the bundled fixtures, computed with the Hive JSON SerDe reader and the query evaluator.
 * `scripts/athena-readme-examples.ts` prints it; test/archive/athenaReadme.test.ts checks the README
 * shows exactly this.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARCHIVE_EXAMPLE_QUERIES, renderArchiveQuery } from '../../lib/archive/archiveExampleQueries.js';
import { LocalArchiveStore } from '../../lib/archive/LocalArchiveStore.js';
import { main } from '../../lib/cli/main.js';
import { evaluateArchiveQuery, formatQueryResult } from './archiveQueryEngine.js';
import { readArchiveAsAthena } from './readArchiveAsAthena.js';

/** Runs `memory-cdc replay` on the bundled fixtures in a temporary folder and reads its archive as Athena. */
export async function bundledArchiveRows() {
  const cwd = await mkdtemp(join(tmpdir(), 'athena-readme-'));
  try {
    const code = await main(['node', 'memory-cdc', 'replay'], { out: () => {}, err: () => {}, cwd });
    if (code !== 0) throw new Error(`memory-cdc replay exited with ${code}`);
    return (await readArchiveAsAthena(new LocalArchiveStore(join(cwd, '.memory-cdc/archive')))).map(
      (r) => r.row,
    );
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}

/** The Markdown the README shows: each query in a sql block, then its output in a text block. */
export async function athenaReadmeExamples(): Promise<string> {
  const rows = await bundledArchiveRows();
  return ARCHIVE_EXAMPLE_QUERIES.map((query) =>
    [
      `${query.title[0]!.toUpperCase()}${query.title.slice(1)}:`,
      '',
      '```sql',
      renderArchiveQuery(query),
      '```',
      '',
      '```text',
      formatQueryResult(evaluateArchiveQuery(query, rows)),
      '```',
    ].join('\n'),
  ).join('\n\n');
}
