// Regenerates events/ from the fixture scenarios (test/fixtures/bundledFixtures.test.ts checks for drift).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundledFixtures, fixtureFileText } from '../lib/fixtures/bundledFixtures.js';
import { BUNDLED_EVENTS_DIR } from '../lib/replay/findFixtureFiles.js';

for (const [path, event] of Object.entries(bundledFixtures())) {
  const file = join(BUNDLED_EVENTS_DIR, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, fixtureFileText(event));
  console.log(`${path}: ${event.Records.length} records`);
}
