import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FixtureError } from '../../lib/errors.js';
import { agentMemoryLayout } from '../../lib/layout/presets/agentMemory.js';
import { ENTITY_KINDS } from '../../lib/layout/types.js';
import { BUNDLED_EVENTS_DIR, findFixtureFiles } from '../../lib/replay/findFixtureFiles.js';
import { loadFixtureFile } from '../../lib/replay/loadFixtureFile.js';
import { replay } from '../../lib/replay/replay.js';
import type { ReplaySummary } from '../../lib/replay/types.js';
import type { RoutedOutput } from '../../lib/routing/types.js';
import type { DeliveryReport, Sink } from '../../lib/sinks/types.js';

const DATA = join(import.meta.dirname, '../fixtures-data/replay');
const MALFORMED = join(DATA, 'malformed-records.json');
const TRUNCATED = join(DATA, '../not-json/truncated.json');
const BAD_SEQ_RECORD = '22bac92a016ce9e67a6fbbe1cd032656';
const BAD_TYPE_RECORD = 'ffc7dbd8853a04cf97f14954a413d176';

describe('replay of the bundled fixtures', () => {
  let summary: ReplaySummary;
  const outputs: RoutedOutput[] = [];

  beforeAll(async () => {
    const files = await findFixtureFiles([], DATA);
    summary = await replay({ files, onOutput: (o) => outputs.push(o), cwd: BUNDLED_EVENTS_DIR });
  });

  it('replays every record without a failure', () => {
    expect([summary.failed, summary.errors]).toEqual([0, []]);
    expect(summary.records).toBeGreaterThan(100);
  });

  it('covers every entity kind', () => {
    expect(Object.keys(summary.byEntity).sort()).toEqual([...ENTITY_KINDS].sort());
  });

  it('produces outputs for all four sinks', () => {
    for (const sink of ['eventbridge', 'kinesis', 'archive', 'vector'] as const)
      expect(summary.bySink[sink]).toBeGreaterThan(0);
  });

  it('produces every semantic event', () => {
    for (const type of [
      'Conversation Started',
      'Run Completed',
      'Run Failed',
      'Run Step Completed',
      'Run Step Failed',
      'Ledger Entry Settled',
    ]) {
      expect(summary.byDetailType[type]).toBeGreaterThan(0);
    }
  });

  it('keeps both kinds of noise off EventBridge and counts them', () => {
    expect(summary.noise.entity).toBeGreaterThan(0);
    expect(summary.noise.bookkeeping).toBeGreaterThan(0);
    expect(summary.byDetailType['Rate Limit Counter Updated']).toBeUndefined();
  });

  it('counts the unknown items that flowed through', () => {
    expect(summary.unknownItems).toBe(summary.byEntity.unknown);
    expect(summary.unknownItems).toBeGreaterThan(0);
  });

  it('detects the layout of each file and says how', () => {
    for (const file of summary.files) {
      const expected = file.file.startsWith('mastra')
        ? 'mastra'
        : file.file.startsWith('session-memory')
          ? file.file.replace(/^session-memory\/(session-state|session-turns)\.json$/, '$1')
          : 'agent-memory';
      expect(file.layout).toBe(expected);
      expect(file.layoutReason).toMatch(/^detected: /);
    }
  });

  it('calls back for every output it counts', () => {
    const counted = Object.values(summary.bySink).reduce((a, b) => a + b, 0);
    expect(outputs.length).toBe(counted);
  });

  it('gives the same outputs when replayed again', async () => {
    const again: RoutedOutput[] = [];
    await replay({ files: await findFixtureFiles([], DATA), onOutput: (o) => again.push(o) });
    expect(JSON.stringify(again)).toBe(JSON.stringify(outputs));
  });
});

describe('replay of bad input', () => {
  it('reports each malformed record by file and eventID and replays the others', async () => {
    const summary = await replay({ files: [MALFORMED], cwd: DATA });
    expect([summary.records, summary.failed]).toEqual([4, 2]);
    expect(summary.errors.map((e) => [e.file, e.eventId])).toEqual([
      ['malformed-records.json', BAD_SEQ_RECORD],
      ['malformed-records.json', BAD_TYPE_RECORD],
    ]);
    expect(summary.byEntity).toEqual({ conversation: 2 });
  });

  it('reports a file that is not JSON and goes on with the next file', async () => {
    const summary = await replay({ files: [TRUNCATED, MALFORMED], cwd: DATA });
    expect(summary.errors[0]).toEqual({
      file: '../not-json/truncated.json',
      message: expect.stringMatching(/^not JSON: /),
    });
    expect(summary.files.map((f) => f.records)).toEqual([0, 4]);
    expect([summary.filesFailed, summary.records, summary.replayed + summary.failed]).toEqual([1, 4, 4]);
  });

  it('reports a file that is not a stream event', async () => {
    const summary = await replay({ files: [join(DATA, 'dynamodb-scan-output.json')], cwd: DATA });
    expect(summary.errors[0]?.message).toContain('not a DynamoDB Streams event');
    expect([summary.filesFailed, summary.records, summary.failed]).toEqual([1, 0, 0]);
  });

  it('replays records that fit no preset as entity "unknown" with one warning on how to write a layout', async () => {
    const files = [join(DATA, 'orders-table.json'), join(DATA, 'orders-table.json')];
    const summary = await replay({ files, cwd: DATA });
    expect(summary.errors).toEqual([]);
    expect([summary.records, summary.replayed, summary.byEntity.unknown]).toEqual([4, 4, 4]);
    expect(summary.warnings).toHaveLength(1);
    expect(summary.warnings[0]).toMatch(/entity "unknown".*memory-cdc layout show agent-memory.*--layout/);
    expect(summary.files[0]?.layout).toBe('unknown');
  });

  it('uses the layout it is given instead of detecting one', async () => {
    const summary = await replay({ files: [MALFORMED], layout: agentMemoryLayout });
    expect(summary.files[0]?.layoutReason).toBe('given');
  });

  it('reports outputs a sink did not accept', async () => {
    const refusing: Sink = {
      name: 'kinesis',
      async deliver(outputs): Promise<DeliveryReport> {
        return { outcomes: outputs.map(() => ({ status: 'rejected', reason: 'stream is full' })) };
      },
    };
    const summary = await replay({ files: [MALFORMED], sinks: { kinesis: refusing } });
    expect(summary.undelivered).toBe(2);
    expect(
      summary.errors.filter((e) => e.message.includes('kinesis sink did not accept: stream is full')),
    ).toHaveLength(2);
  });
});

describe('loadFixtureFile', () => {
  it('reads a Lambda event', async () => {
    expect(await loadFixtureFile(MALFORMED)).toHaveLength(4);
  });

  it('throws a FixtureError naming a missing file', async () => {
    await expect(loadFixtureFile(join(DATA, 'missing.json'))).rejects.toThrow(FixtureError);
    await expect(loadFixtureFile(join(DATA, 'missing.json'))).rejects.toThrow(
      /missing\.json: cannot read: ENOENT/,
    );
  });
});

describe('findFixtureFiles', () => {
  it('expands a folder into its JSON files, sorted', async () => {
    const files = await findFixtureFiles([DATA], '/');
    expect(files.map((f) => f.slice(DATA.length + 1))).toEqual([
      'dynamodb-scan-output.json',
      'malformed-records.json',
      'orders-table.json',
    ]);
  });

  it('keeps files as given, even missing ones, for the loader to report', async () => {
    expect(await findFixtureFiles(['nope.json'], DATA)).toEqual([join(DATA, 'nope.json')]);
  });

  it('finds the bundled fixtures when the working directory has no events folder', async () => {
    const files = await findFixtureFiles([], DATA);
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => f.startsWith(BUNDLED_EVENTS_DIR))).toBe(true);
  });
});
