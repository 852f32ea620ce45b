/**
 * Progress numbers for `tail` and `capture`: records read, records per second over the last few
 * seconds, and lag — how far the newest record read trails the clock. Lag is measured from the
 * records' ApproximateCreationDateTime, which DynamoDB rounds (DynamoDB Local truncates it to the
 * minute, so lag there can read up to a minute high); once every shard is read to its newest
 * record the lag is zero by definition.
 */
import type { StreamRecord } from '../stream/types.js';

/** A point-in-time view of the progress. */
export interface LiveSnapshot {
  records: number;
  /** Records per second over the last `windowMs`. */
  perSecond: number;
  /** Milliseconds the newest record read trails the clock; undefined before the first record. */
  lagMs: number | undefined;
  elapsedMs: number;
}

function creationMs(record: StreamRecord): number | undefined {
  const created = record.dynamodb?.ApproximateCreationDateTime;
  if (created instanceof Date) return created.getTime();
  return typeof created === 'number' ? created * 1000 : undefined;
}

export class LiveStats {
  private total = 0;
  private newestMs: number | undefined;
  private readonly samples: { at: number; count: number }[] = [];
  private readonly started: number;

  /**
   * @param windowMs the span records/s is averaged over @default 10000
   * @param now clock (tests pass their own) @default Date.now
   */
  constructor(
    private readonly windowMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  /** Counts records just read. */
  add(records: readonly StreamRecord[]): void {
    if (records.length === 0) return;
    const at = this.now();
    this.total += records.length;
    this.samples.push({ at, count: records.length });
    for (const record of records) {
      const ms = creationMs(record);
      if (ms !== undefined && (this.newestMs === undefined || ms > this.newestMs)) this.newestMs = ms;
    }
  }

  /** The current numbers. `caughtUp` (from the walker) makes the lag zero. */
  snapshot(caughtUp = false): LiveSnapshot {
    const now = this.now();
    while (this.samples.length > 0 && this.samples[0]!.at <= now - this.windowMs) this.samples.shift();
    const inWindow = this.samples.reduce((sum, s) => sum + s.count, 0);
    const span = Math.min(this.windowMs, Math.max(1, now - this.started));
    return {
      records: this.total,
      perSecond: (inWindow * 1000) / span,
      lagMs: caughtUp ? 0 : this.newestMs === undefined ? undefined : Math.max(0, now - this.newestMs),
      elapsedMs: now - this.started,
    };
  }
}

/** One progress line, e.g. `1200 records, 41.5 records/s, lag 2.1 s, shards 2 reading / 0 waiting / 3 done`. */
export function formatProgress(
  snapshot: LiveSnapshot,
  shards?: { reading: number; waiting: number; done: number },
): string {
  const lag = snapshot.lagMs === undefined ? 'lag -' : `lag ${(snapshot.lagMs / 1000).toFixed(1)} s`;
  const parts = [`${snapshot.records} records`, `${snapshot.perSecond.toFixed(1)} records/s`, lag];
  if (shards)
    parts.push(`shards ${shards.reading} reading / ${shards.waiting} waiting / ${shards.done} done`);
  return parts.join(', ');
}
