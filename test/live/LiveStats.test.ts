import { describe, expect, it } from 'vitest';
import { formatProgress, LiveStats } from '../../lib/live/LiveStats.js';
import type { StreamRecord } from '../../lib/stream/types.js';

const at = (seconds: number): StreamRecord => ({ dynamodb: { ApproximateCreationDateTime: seconds } });

describe('LiveStats', () => {
  it('reports records per second over the window and the lag of the newest record', () => {
    let now = 1_000_000;
    const stats = new LiveStats(10_000, () => now);
    now += 2000;
    stats.add([at(990), at(1000)]);
    now += 2000;
    stats.add([at(1001)]);
    const snapshot = stats.snapshot();
    expect(snapshot.records).toBe(3);
    expect(snapshot.perSecond).toBeCloseTo(3 / 4);
    expect(snapshot.lagMs).toBe(1_004_000 - 1_001_000);
  });

  it('forgets samples older than the window and reports zero lag once caught up', () => {
    let now = 0;
    const stats = new LiveStats(1000, () => now);
    stats.add([at(0)]);
    now = 5000;
    expect(stats.snapshot().perSecond).toBe(0);
    expect(stats.snapshot(true).lagMs).toBe(0);
  });

  it('formats a progress line', () => {
    expect(
      formatProgress(
        { records: 12, perSecond: 3.25, lagMs: 1500, elapsedMs: 1 },
        { reading: 2, waiting: 1, done: 4 },
      ),
    ).toBe('12 records, 3.3 records/s, lag 1.5 s, shards 2 reading / 1 waiting / 4 done');
    expect(formatProgress({ records: 0, perSecond: 0, lagMs: undefined, elapsedMs: 1 })).toBe(
      '0 records, 0.0 records/s, lag -',
    );
  });
});
