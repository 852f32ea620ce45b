/**
 * Replay CLI cost against the script a user would write without memory-cdc (issue 16, goal 4):
 * 100,000 generated records (lib/fixtures/generateFixtures.ts, default mix and item size, ~1 KB) in
 * one Lambda-event file (`{"Records":[…]}`), then, in fresh child processes, alternately:
 *
 * - the CLI as users run it: `node bin/memory-cdc.js replay FILE` from the built dist/ (summary on
 *   stdout, which goes to /dev/null; the local archive — one gzip object per TTL expiry, ~5 % of
 *   the records — written into a temporary folder), the same with `--no-archive` (no file written,
 *   as the baseline writes none), and `--json --no-archive` (one line per routed output);
 * - the baseline: read the file, `JSON.parse` it, `unmarshall` Keys, NewImage and OldImage of every
 *   record with @aws-sdk/util-dynamodb (`wrapNumbers: true`).
 *
 * Each child reports its own CPU (user + system) and peak RSS at exit. Printed: medians, and the
 * median of the per-round ratios with their min–max spread. Goal: CPU ≤ 1.5× and peak RSS ≤ 1.5×.
 * `MEMORY_CDC_BENCH_REPLAY_RECORDS` and `MEMORY_CDC_BENCH_REPLAY_ROUNDS` set other sizes; `npm run
 * build` first (the CLI runs from dist/). `MEMORY_CDC_BENCH_REPLAY_BIN` runs another build's
 * bin/memory-cdc.js (e.g. a worktree of an earlier commit, to measure before and after).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFixtures } from '../lib/fixtures/generateFixtures.js';
import { type ChildUsage, quantile, ratioResult, runChild } from './childUsage.js';
import type { BenchResult } from './measure.js';
import { writeLambdaEventFile } from './writeLambdaEventFile.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RECORDS = Number(process.env.MEMORY_CDC_BENCH_REPLAY_RECORDS ?? 100_000);
const ROUNDS = Number(process.env.MEMORY_CDC_BENCH_REPLAY_ROUNDS ?? 5);
const BATCH = 10_000;

/** What a user writes by hand: read it all, parse it all, unmarshall every record's images. */
const BASELINE = `
import { readFileSync } from 'node:fs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
const options = { wrapNumbers: true };
const event = JSON.parse(readFileSync(process.argv.at(-1), 'utf8'));
let attributes = 0;
for (const record of event.Records) {
  const { Keys, NewImage, OldImage } = record.dynamodb;
  if (Keys) attributes += Object.keys(unmarshall(Keys, options)).length;
  if (NewImage) attributes += Object.keys(unmarshall(NewImage, options)).length;
  if (OldImage) attributes += Object.keys(unmarshall(OldImage, options)).length;
}
process.stdout.write(String(attributes));`;

type Side = 'cli' | 'noArchive' | 'json' | 'baseline';
const SIDES: readonly Side[] = ['cli', 'noArchive', 'json', 'baseline'];
const NAMES: Record<Side, string> = {
  cli: 'replay FILE',
  noArchive: 'replay --no-archive FILE',
  json: 'replay --json --no-archive FILE',
  baseline: 'baseline (parse + unmarshall)',
};

export async function benchReplayCpu(): Promise<BenchResult[]> {
  const bin = process.env.MEMORY_CDC_BENCH_REPLAY_BIN ?? join(ROOT, 'bin', 'memory-cdc.js');
  if (!existsSync(join(dirname(bin), '..', 'dist', 'lib', 'cli', 'main.js')))
    throw new Error('replay-cpu runs the built CLI: `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'memory-cdc-bench-replay-cpu-'));
  try {
    const file = join(dir, 'records.json');
    let all: ReturnType<typeof generateFixtures> | undefined = generateFixtures({ count: RECORDS, seed: 16 });
    const size = writeLambdaEventFile(file, (_, batch) =>
      batch * BATCH < RECORDS ? all?.slice(batch * BATCH, (batch + 1) * BATCH) : undefined,
    );
    all = undefined;
    const work = join(dir, 'cwd');
    const runs: Record<Side, ChildUsage[]> = { cli: [], noArchive: [], json: [], baseline: [] };
    const cli = (extra: string[]) => () => {
      // Replay writes the local archive under its working directory; each run starts without one.
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work);
      return runChild([bin, 'replay', ...extra, file], { cwd: work });
    };
    const steps: Record<Side, () => ChildUsage> = {
      cli: cli([]),
      noArchive: cli(['--no-archive']),
      json: cli(['--json', '--no-archive']),
      baseline: () => runChild(['--input-type=module', '-e', BASELINE, '--', file], { cwd: ROOT }),
    };
    // Alternate which side goes first, so neither always runs on a warmer (or busier) machine.
    for (let round = 0; round < ROUNDS; round++) {
      const order: Side[] = ['cli', 'baseline', 'noArchive', 'json'];
      for (const side of round % 2 === 0 ? order : order.reverse()) runs[side].push(steps[side]());
    }
    const median = (side: Side, key: keyof ChildUsage) =>
      quantile(
        runs[side].map((x) => x[key]),
        0.5,
      );
    const per = (side: Side, key: keyof ChildUsage) =>
      runs[side].map((run, i) => run[key] / runs.baseline[i]![key]);
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    const s = (seconds: number) => Math.round(seconds * 100) / 100;
    const label = `replay cpu (${RECORDS} records, ~1 KB items, ${mb(size)} MB file, ${ROUNDS} rounds)`;
    const results: BenchResult[] = [];
    for (const side of SIDES) {
      results.push(
        { name: `${label}: ${NAMES[side]} CPU`, value: s(median(side, 'cpuSeconds')), unit: 's' },
        { name: `${label}: ${NAMES[side]} peak RSS`, value: mb(median(side, 'maxRssBytes')), unit: 'MB' },
      );
    }
    for (const side of SIDES.filter((x) => x !== 'baseline')) {
      results.push(
        ratioResult(`replay cpu: ${NAMES[side]} / baseline CPU (target <= 1.5)`, per(side, 'cpuSeconds')),
        ratioResult(
          `replay cpu: ${NAMES[side]} / baseline peak RSS (target <= 1.5)`,
          per(side, 'maxRssBytes'),
        ),
      );
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
