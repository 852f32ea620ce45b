import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackfillCheckpoint } from '../../lib/live/backfill/BackfillCheckpoint.js';

describe('BackfillCheckpoint', () => {
  it('persists each segment’s last key, binary included, and resumes from it', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'cp-')), 'nested', 'cp.json');
    const first = await BackfillCheckpoint.open(path, { table: 't', totalSegments: 2 });
    expect(first.resumed).toBe(false);
    await first.pageDone(0, 5, { pk: { B: new Uint8Array([0, 255]) }, sk: { N: '7' } });
    await first.pageDone(1, 3, undefined);
    const again = await BackfillCheckpoint.open(path, { table: 't', totalSegments: 2 });
    expect(again.resumed).toBe(true);
    expect(again.startKey(0)).toEqual({ pk: { B: new Uint8Array([0, 255]) }, sk: { N: '7' } });
    expect(again.startKey(1)).toBeUndefined();
    expect(again.items).toBe(8);
    expect(again.complete).toBe(false);
    expect(JSON.parse(await readFile(path, 'utf8')).segments[1]).toEqual({
      segment: 1,
      done: true,
      items: 3,
    });
  });

  it('writes parallel updates one after another, ending with the last state', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'cp-')), 'cp.json');
    const checkpoint = await BackfillCheckpoint.open(path, { table: 't', totalSegments: 3 });
    await Promise.all([0, 1, 2].map((s) => checkpoint.pageDone(s, 1, undefined)));
    const saved = JSON.parse(await readFile(path, 'utf8'));
    expect(saved.segments.every((s: { done: boolean }) => s.done)).toBe(true);
  });
});
