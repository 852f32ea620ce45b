import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_EXAMPLE_QUERIES, renderArchiveQuery } from '../../lib/archive/archiveExampleQueries.js';
import { athenaReadmeExamples } from '../support/athenaReadmeExamples.js';

const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
const athenaSection = readme.slice(readme.indexOf('### Query it with Athena'), readme.indexOf('### Restore'));

describe("the README's Athena section", () => {
  it('shows each example query with the output it gives over the bundled fixtures, as Athena reads them', async () => {
    // On failure: `node --import tsx scripts/athena-readme-examples.ts` prints what the README should show.
    expect(athenaSection).toContain(await athenaReadmeExamples());
  });

  it('uses only the example queries the tests check, and says which SerDe reads the archive and why', () => {
    const sqlBlocks = [...athenaSection.matchAll(/```sql\n([\s\S]*?)\n```/g)].map((m) => m[1]);
    expect(sqlBlocks).toEqual(ARCHIVE_EXAMPLE_QUERIES.map(renderArchiveQuery));
    expect(athenaSection).toContain('org.apache.hive.hcatalog.data.JsonSerDe');
    expect(athenaSection).toMatch(/must hold a JSON scalar/);
  });
});
