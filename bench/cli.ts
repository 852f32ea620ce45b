/**
 * CLI start-up, measured as a user runs it: memory-cdc packed and installed into an empty project
 * (test/support/packedInstall.ts), started with the machine's own Node. The baseline is bare
 * `node -e 0` in the same run, interleaved with the CLI runs so both see the same load; the ratio
 * of medians is reported with its spread (the ratio of the quartiles). Target: `--help` ≤ 3×.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packAndInstall, userEnvironment } from '../test/support/packedInstall.js';
import type { BenchResult } from './measure.js';

const RUNS = 21;
const WARMUP = 3;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Runs each command RUNS times, interleaved; wall-clock milliseconds per command, sorted. */
function timeInterleaved(
  commands: Record<string, { file: string; args: string[] }>,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Record<string, number[]> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const [name, { file, args }] of Object.entries(commands)) {
      const start = process.hrtime.bigint();
      const result = spawnSync(file, args, { env, cwd, stdio: 'ignore' });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (result.status !== 0) throw new Error(`${name} exited with ${result.status}`);
      if (i >= WARMUP) times[name]!.push(ms);
    }
  }
  for (const list of Object.values(times)) list.sort((a, b) => a - b);
  return times;
}

/** `memory-cdc --help` and `--version` from the installed tarball against bare `node -e 0`. */
export async function benchCli(): Promise<BenchResult[]> {
  const user = await packAndInstall();
  try {
    const bin = join(user.dir, 'node_modules', 'memory-cdc', 'bin', 'memory-cdc.js');
    const env = userEnvironment();
    const times = timeInterleaved(
      {
        node: { file: user.node, args: ['-e', '0'] },
        help: { file: user.node, args: [bin, '--help'] },
        version: { file: user.node, args: [bin, '--version'] },
      },
      env,
      user.dir,
    );
    const base = times.node!;
    const results: BenchResult[] = [
      {
        name: `cli: tarball ${(user.tarball.size / 1e6).toFixed(2)} MB, node ${user.node}`,
        value: RUNS,
        unit: 'runs',
      },
    ];
    for (const name of ['node', 'help', 'version'] as const) {
      const t = times[name]!;
      const label = name === 'node' ? 'node -e 0 (baseline)' : `memory-cdc --${name}`;
      results.push({ name: `cli: ${label} median`, value: round(quantile(t, 0.5)), unit: 'ms' });
      results.push({
        name: `cli: ${label} p25-p75`,
        value: round(quantile(t, 0.75) - quantile(t, 0.25)),
        unit: 'ms',
      });
    }
    for (const name of ['help', 'version'] as const) {
      const t = times[name]!;
      results.push({
        name: `cli: memory-cdc --${name} / node -e 0 (target --help <= 3)`,
        value: round(quantile(t, 0.5) / quantile(base, 0.5)),
        unit: 'x',
      });
      results.push({
        name: `cli: --${name} / node -e 0, spread: at p25`,
        value: round(quantile(t, 0.25) / quantile(base, 0.25)),
        unit: 'x (p25)',
      });
      results.push({
        name: `cli: --${name} / node -e 0, spread: at p75`,
        value: round(quantile(t, 0.75) / quantile(base, 0.75)),
        unit: 'x (p75)',
      });
    }
    return results;
  } finally {
    user.remove();
  }
}
