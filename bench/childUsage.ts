/**
 * Runs a Node child process and reads back what it cost: CPU (user + system) and peak RSS, as the
 * child itself reports them at exit (`process.resourceUsage()`, written by a `--import` preload),
 * so each measurement is that process's own and nothing of the parent's.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResult } from './measure.js';

/** What one child cost. */
export interface ChildUsage {
  /** User + system CPU, seconds. */
  cpuSeconds: number;
  /** Peak resident set size, bytes. */
  maxRssBytes: number;
  /** Wall-clock seconds from spawn to exit. */
  seconds: number;
}

/** The preload: at exit, the process writes its resource usage to the file named by the env var. */
const PRELOAD = `data:text/javascript,${encodeURIComponent(
  "import{writeFileSync}from'node:fs';process.on('exit',()=>{const u=process.resourceUsage();" +
    'writeFileSync(process.env.MEMORY_CDC_BENCH_USAGE,JSON.stringify({cpu:u.userCPUTime+u.systemCPUTime,rss:u.maxRSS}))});',
)}`;

let serial = 0;

/**
 * Runs `node [nodeArgs] ...args` with the usage preload; stdout goes to /dev/null (a reader that
 * keeps up), stderr is kept for the error message.
 * @throws Error with the child's stderr when it exits other than with one of `okCodes`
 */
export function runChild(
  args: readonly string[],
  options: { cwd: string; okCodes?: readonly number[]; env?: NodeJS.ProcessEnv },
): ChildUsage {
  const report = join(tmpdir(), `memory-cdc-bench-usage-${process.pid}-${serial++}.json`);
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', PRELOAD, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, MEMORY_CDC_BENCH_USAGE: report },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  try {
    if (!(options.okCodes ?? [0]).includes(result.status ?? -1))
      throw new Error(`bench child exited with ${result.status ?? result.signal}: ${result.stderr}`);
    const usage = JSON.parse(readFileSync(report, 'utf8')) as { cpu: number; rss: number };
    return { cpuSeconds: usage.cpu / 1e6, maxRssBytes: usage.rss * 1024, seconds };
  } finally {
    rmSync(report, { force: true });
  }
}

/** The value at quantile `q` (0–1) of `xs`. */
export function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.round(q * (sorted.length - 1))]!;
}

/** A median ratio with its min–max spread, as one result line. */
export function ratioResult(name: string, ratios: readonly number[]): BenchResult {
  const r = (n: number) => n.toFixed(2);
  return {
    name: `${name} (spread ${r(quantile(ratios, 0))}–${r(quantile(ratios, 1))})`,
    value: Math.round(quantile(ratios, 0.5) * 100) / 100,
    unit: 'x',
  };
}
