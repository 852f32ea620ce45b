// `npm run bench`: every benchmark, baselines measured in the same run, ratios printed last.
import { benchArchive } from './archive.js';
import { benchCli } from './cli.js';
import { benchColdStart } from './coldStart.js';
import { benchCore } from './core.js';
import { benchDelivery } from './delivery.js';
import { benchE2e } from './e2e.js';
import type { BenchResult } from './measure.js';
import { benchPatterns } from './patterns.js';
import { benchReplayCpu } from './replayCpu.js';
import { benchReplayMemory } from './replayMemory.js';
import { benchRouter } from './router.js';
import { benchVector } from './vector.js';

const suites: [string, () => Promise<BenchResult[]>][] = [
  ['cli', benchCli],
  ['core', benchCore],
  ['cold-start', benchColdStart],
  ['router', benchRouter],
  ['patterns', benchPatterns],
  ['replay-cpu', benchReplayCpu],
  ['replay-memory', benchReplayMemory],
  ['delivery', benchDelivery],
  ['archive', benchArchive],
  ['vector', benchVector],
  ['e2e', benchE2e],
];

const only = process.argv.slice(2);
const results: BenchResult[] = [];
for (const [name, run] of suites) {
  if (only.length && !only.includes(name)) continue;
  const out = await run();
  for (const r of out) console.log(`${r.name.padEnd(60)} ${String(r.value).padStart(12)} ${r.unit}`);
  results.push(...out);
}
const ratios = results.filter((r) => r.unit === 'x');
if (ratios.length) {
  console.log('\nratios');
  for (const r of ratios) console.log(`${r.name.padEnd(60)} ${String(r.value).padStart(12)} ${r.unit}`);
}
