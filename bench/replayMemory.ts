/**
 * Streamed replay's peak memory on a ~100 MB fixture file, next to the file's size and to the
 * baseline a user would write by hand (read the file, `JSON.parse` it, run every record through the
 * pipeline). Each run is a child process of its own, so its peak RSS is its own. Target: streamed
 * peak RSS ≤ 2× the file size, in summary mode and with `--json`. The file is generated in a
 * temporary folder and removed afterwards. `MEMORY_CDC_BENCH_REPLAY_MB` sets another size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFixtures } from '../lib/fixtures/generateFixtures.js';
import { runChild } from './childUsage.js';
import type { BenchResult } from './measure.js';
import { writeLambdaEventFile } from './writeLambdaEventFile.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_MB = Number(process.env.MEMORY_CDC_BENCH_REPLAY_MB ?? 100);

/** Writes a Lambda-shaped event of about `megabytes` MB, 1,000 generated records at a time. */
function writeFixture(file: string, megabytes: number): number {
  return writeLambdaEventFile(file, (bytes, chunk) =>
    bytes < megabytes * 1024 * 1024
      ? generateFixtures({ count: 1000, itemSize: 4096, seed: 100 + chunk, table: `bench-${chunk}` })
      : undefined,
  );
}

/** Runs `code` (an ES module body) in a child Node with tsx; its peak RSS in bytes and its time. */
function child(code: string, args: string[]) {
  return runChild(['--import', 'tsx', '--input-type=module', '-e', code, '--', ...args], {
    cwd: ROOT,
    okCodes: [0, 1],
  });
}

/** The CLI as users run it (stdout to /dev/null: a reader that keeps up). */
const CLI = `
const { main } = await import('./lib/cli/main.ts');
process.exitCode = await main(['node', 'memory-cdc', 'replay', '--no-archive', '--layout', 'agent-memory', ...process.argv.slice(2)]);`;

/** What a user would write by hand: read it all, parse it all, process every record. */
const BASELINE = `
const { readFileSync } = await import('node:fs');
const { createPipeline } = await import('./lib/pipeline/createPipeline.ts');
const { agentMemoryLayout } = await import('./lib/layout/presets/agentMemory.ts');
const pipeline = createPipeline({ layout: agentMemoryLayout });
const event = JSON.parse(readFileSync(process.argv.at(-1), 'utf8'));
let outputs = 0;
for (const record of event.Records) outputs += pipeline.process(record).outputs.length;
process.stdout.write(String(outputs));`;

export async function benchReplayMemory(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'memory-cdc-bench-replay-'));
  try {
    const file = join(dir, 'big.json');
    const size = writeFixture(file, TARGET_MB);
    const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    const summary = child(CLI, [file]);
    const json = child(CLI, ['--json', file]);
    const baseline = child(BASELINE, [file]);
    const ratio = (bytes: number) => Math.round((bytes / size) * 100) / 100;
    return [
      { name: 'replay memory: fixture file size', value: mb(size), unit: 'MB' },
      {
        name: 'replay memory: streamed replay peak RSS (summary)',
        value: mb(summary.maxRssBytes),
        unit: 'MB',
      },
      { name: 'replay memory: streamed replay peak RSS (--json)', value: mb(json.maxRssBytes), unit: 'MB' },
      {
        name: 'replay memory: baseline JSON.parse whole file peak RSS',
        value: mb(baseline.maxRssBytes),
        unit: 'MB',
      },
      {
        name: 'replay memory: streamed replay time (summary)',
        value: Math.round(summary.seconds),
        unit: 's',
      },
      { name: 'replay memory: baseline time', value: Math.round(baseline.seconds), unit: 's' },
      {
        name: 'replay memory: summary peak RSS / file size (target <= 2)',
        value: ratio(summary.maxRssBytes),
        unit: 'x',
      },
      {
        name: 'replay memory: --json peak RSS / file size (target <= 2)',
        value: ratio(json.maxRssBytes),
        unit: 'x',
      },
      {
        name: 'replay memory: streamed / baseline peak RSS',
        value: Math.round((summary.maxRssBytes / baseline.maxRssBytes) * 100) / 100,
        unit: 'x',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
