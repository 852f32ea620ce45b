/**
 * Backfill's progress display: a cli-progress bar on a terminal's stderr (items of the estimated
 * total, items/s, ETA), or a plain line every few seconds when stderr is a file or a pipe.
 */
import { Presets, SingleBar } from 'cli-progress';

/** What the backfill reports to. */
export interface BackfillProgress {
  start(estimatedTotal: number, done: number): void;
  update(done: number): void;
  stop(): void;
}

/** Options for {@link createBackfillProgress}. */
export interface BackfillProgressOptions {
  /** Draw a bar on `process.stderr` (a terminal). */
  bar: boolean;
  /** Seconds between plain lines when there is no bar (0: none). */
  intervalSeconds: number;
  /** Writes a plain line. */
  err(text: string): void;
  now?: () => number;
}

/** A progress display that shows nothing. */
export const NO_PROGRESS: BackfillProgress = { start() {}, update() {}, stop() {} };

/** Creates the display the options ask for. */
export function createBackfillProgress(options: BackfillProgressOptions): BackfillProgress {
  const now = options.now ?? Date.now;
  if (options.bar) {
    const bar = new SingleBar(
      {
        stream: process.stderr,
        format: 'backfill |{bar}| {value}/{total} items | {speed} items/s | ETA {eta_formatted}',
        hideCursor: true,
        etaBuffer: 50,
      },
      Presets.shades_classic,
    );
    let started = 0;
    let first = 0;
    return {
      start(total, done) {
        started = now();
        first = done;
        bar.start(Math.max(total, done), done, { speed: '0' });
      },
      update(done) {
        if (done > bar.getTotal()) bar.setTotal(done);
        const seconds = Math.max(0.001, (now() - started) / 1000);
        bar.update(done, { speed: ((done - first) / seconds).toFixed(1) });
      },
      stop() {
        bar.stop();
      },
    };
  }
  if (!(options.intervalSeconds > 0)) return NO_PROGRESS;
  let total = 0;
  let done = 0;
  let first = 0;
  let started = 0;
  let timer: NodeJS.Timeout | undefined;
  const line = () => {
    const seconds = Math.max(0.001, (now() - started) / 1000);
    const of = total > 0 ? ` of ~${total}` : '';
    options.err(`backfill: ${done} items${of}, ${((done - first) / seconds).toFixed(1)} items/s\n`);
  };
  return {
    start(estimatedTotal, already) {
      total = estimatedTotal;
      done = already;
      first = already;
      started = now();
      timer = setInterval(line, options.intervalSeconds * 1000);
      timer.unref();
    },
    update(value) {
      done = value;
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
