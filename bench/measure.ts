/** One benchmark result line. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

/**
 * Median time of `fn` over `runs` runs after `warmup` runs, in milliseconds. Medians, because these
 * machines are noisy; baselines are measured in the same process, interleaved, and compared as ratios.
 */
export function medianMs(fn: () => void, runs = 15, warmup = 5): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
