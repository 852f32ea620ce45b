import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackfillCheckpoint, type CheckpointSource } from '../../lib/live/backfill/BackfillCheckpoint.js';
import { BackfillError } from '../../lib/live/errors.js';

const SOURCE: CheckpointSource = {
  endpoint: 'http://localhost:8000',
  tableArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/t',
  tableCreatedAt: '2026-12-07T10:00:00.000Z',
};

describe('BackfillCheckpoint', () => {
  it('persists each segment’s last key, binary included, and resumes from it', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'cp-')), 'nested', 'cp.json');
    const first = await BackfillCheckpoint.open(path, { table: 't', totalSegments: 2, source: SOURCE });
    expect(first.resumed).toBe(false);
    await first.pageDone(0, 5, { pk: { B: new Uint8Array([0, 255]) }, sk: { N: '7' } });
    await first.pageDone(1, 3, undefined);
    const again = await BackfillCheckpoint.open(path, { table: 't', totalSegments: 2, source: SOURCE });
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
    const checkpoint = await BackfillCheckpoint.open(path, { table: 't', totalSegments: 3, source: SOURCE });
    await Promise.all([0, 1, 2].map((s) => checkpoint.pageDone(s, 1, undefined)));
    const saved = JSON.parse(await readFile(path, 'utf8'));
    expect(saved.segments.every((s: { done: boolean }) => s.done)).toBe(true);
  });

  it.each<[string, Partial<CheckpointSource>]>([
    ['another endpoint', { endpoint: 'aws' }],
    ['another account or region', { tableArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/t' }],
    ['the same table name created again', { tableCreatedAt: '2026-12-07T11:00:00.000Z' }],
  ])('refuses a checkpoint made against %s, naming both sources', async (_, change) => {
    const path = join(await mkdtemp(join(tmpdir(), 'cp-')), 'cp.json');
    const done = await BackfillCheckpoint.open(path, { table: 't', totalSegments: 1, source: SOURCE });
    await done.pageDone(0, 4, undefined);
    const other = { ...SOURCE, ...change };
    const reopen = BackfillCheckpoint.open(path, { table: 't', totalSegments: 1, source: other });
    await expect(reopen).rejects.toThrow(BackfillError);
    await expect(reopen).rejects.toThrow(
      `was made against ${SOURCE.tableArn} created ${SOURCE.tableCreatedAt} at ${SOURCE.endpoint}, not ${other.tableArn} created ${other.tableCreatedAt} at ${other.endpoint}`,
    );
    const restarted = await BackfillCheckpoint.open(path, {
      table: 't',
      totalSegments: 1,
      source: other,
      restart: true,
    });
    expect(restarted.complete).toBe(false);
  });

  it('refuses a checkpoint that does not say what it was made against', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'cp-')), 'cp.json');
    const old = await BackfillCheckpoint.open(path, { table: 't', totalSegments: 1, source: SOURCE });
    await old.pageDone(0, 4, undefined);
    const saved = JSON.parse(await readFile(path, 'utf8'));
    delete saved.source;
    await writeFile(path, JSON.stringify(saved));
    await expect(
      BackfillCheckpoint.open(path, { table: 't', totalSegments: 1, source: SOURCE }),
    ).rejects.toThrow(/does not say which endpoint and table/);
  });
});
