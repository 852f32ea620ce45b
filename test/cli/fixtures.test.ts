import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.js';
import { classifyItem } from '../../lib/layout/classifyItem.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { decodeRecord } from '../../lib/stream/decodeRecord.js';
import type { StreamEvent } from '../../lib/stream/types.js';

interface Run {
  code: number;
  out: string;
  err: string;
  cwd: string;
}

async function fixtures(...args: string[]): Promise<Run> {
  const cwd = mkdtempSync(join(tmpdir(), 'memory-cdc-fixtures-'));
  let out = '';
  let err = '';
  const code = await main(['node', 'memory-cdc', 'fixtures', ...args], {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    cwd,
  });
  return { code, out, err, cwd };
}

describe('memory-cdc fixtures', () => {
  it('prints a stream event with exactly --count records', async () => {
    const run = await fixtures('--count', '25');
    expect(run.code).toBe(0);
    expect((JSON.parse(run.out) as StreamEvent).Records).toHaveLength(25);
  });

  it('prints the same records for the same --seed', async () => {
    const [a, b] = await Promise.all([
      fixtures('--count', '30', '--seed', '7'),
      fixtures('--count', '30', '--seed', '7'),
    ]);
    expect(a.out).toBe(b.out);
  });

  it('prints different records for a different --seed', async () => {
    const [a, b] = await Promise.all([
      fixtures('--count', '30', '--seed', '7'),
      fixtures('--count', '30', '--seed', '8'),
    ]);
    expect(a.out).not.toBe(b.out);
  });

  it('writes only the entities --mix gives weight to', async () => {
    const mix = 'turn=3,run=1,conversation=0,run_step=0,ledger=0,idempotency=0,rate_limit=0,flag=0,memory=0';
    const { out } = await fixtures('--count', '40', '--mix', mix, '--seed', '3');
    const entities = new Set(
      (JSON.parse(out) as StreamEvent).Records.map((r) => {
        const change = decodeRecord(r);
        return classifyItem(agentMemoryLayout, change.after ?? change.before ?? change.keys).entity;
      }),
    );
    expect([...entities].sort()).toEqual(['run', 'turn']);
  });

  it('writes the file --out names and says so on stderr', async () => {
    const run = await fixtures('--count', '5', '--out', 'batch.json');
    const written = JSON.parse(readFileSync(join(run.cwd, 'batch.json'), 'utf8')) as StreamEvent;
    expect([run.code, run.out, written.Records.length]).toEqual([0, '', 5]);
    expect(run.err).toMatch(/^wrote 5 records \(\d+ bytes\) to .*batch\.json\n$/);
  });

  it('rejects an unknown entity in --mix, naming it, with a non-zero exit code', async () => {
    const run = await fixtures('--count', '5', '--mix', 'turn=1,tweet=2');
    expect(run.code).not.toBe(0);
    expect(run.err).toContain('--mix: unknown entity "tweet"');
    expect(run.out).toBe('');
  });

  it('rejects a --mix weight that is not a number', async () => {
    const run = await fixtures('--count', '5', '--mix', 'turn=lots');
    expect(run.code).not.toBe(0);
    expect(run.err).toContain('--mix: weight of turn must be a number >= 0 (given lots)');
  });

  it('rejects a --mix where no entity has weight', async () => {
    const run = await fixtures(
      '--count',
      '5',
      '--mix',
      'turn=0,conversation=0,run=0,run_step=0,ledger=0,idempotency=0,rate_limit=0,flag=0,memory=0',
    );
    expect([run.code !== 0, run.err]).toEqual([true, expect.stringContaining('no positive weight')]);
  });

  it('rejects a --count that is not a whole number >= 1', async () => {
    const run = await fixtures('--count', '0');
    expect(run.code).not.toBe(0);
    expect(run.err).toContain('--count must be a whole number >= 1');
  });
});
