/**
 * Issue #14 items 1, 6 and 7 at the replay level: one bad record never ends a run, items that fit
 * no preset still replay, and the counts and messages add up.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.js';
import { findFixtureFiles } from '../../lib/replay/findFixtureFiles.js';
import { formatReplayError, formatSummary } from '../../lib/replay/formatSummary.js';
import { replay } from '../../lib/replay/replay.js';

const UNTRUSTED = join(import.meta.dirname, '../fixtures/untrusted');
const POISON = join(UNTRUSTED, 'poison-records.json');

describe('one bad record never ends a run (#14.1)', () => {
  it('reports each poison record by position and eventID and replays every other record and file', async () => {
    const later = join(import.meta.dirname, '../fixtures/external-shapes/lambda-guide-shape.json');
    const summary = await replay({ files: [POISON, later], cwd: UNTRUSTED });
    expect(summary.errors.map((e) => [e.index, e.eventId ?? null])).toEqual([
      [1, null],
      [2, 'new-image-string'],
      [4, 'creation-1e13'],
    ]);
    expect(summary.errors[0]?.message).toBe('record is null, not an object');
    expect([summary.files[0]?.records, summary.files[0]?.failed]).toEqual([6, 3]);
    expect(summary.files[1]?.records).toBe(3);
    expect([summary.records, summary.replayed, summary.failed]).toEqual([9, 6, 3]);
  });

  it('replays the record whose __proto__ attribute holds a set', async () => {
    const records: string[] = [];
    await replay({ files: [POISON], onOutput: (o) => void records.push(o.record) });
    expect(records).toContain('proto-set');
  });
});

describe('a Kinesis capture holding a record that is no DynamoDB change', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memory-cdc-kinesis-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports why it does not convert, without its data, and keeps it out of layout detection', async () => {
    const bundled = join(import.meta.dirname, '../../events/kinesis-data-streams/conversation.json');
    const { Records } = JSON.parse(readFileSync(bundled, 'utf8')) as { Records: { kinesis: object }[] };
    const broken = {
      ...Records[0]!,
      kinesis: { ...Records[0]!.kinesis, sequenceNumber: '7', data: 'c2VjcmV0IHRleHQ=' },
    };
    const file = join(dir, 'capture.json');
    writeFileSync(file, JSON.stringify({ Records: [broken, ...Records] }));
    const summary = await replay({ files: [file], cwd: dir });
    expect(summary.errors).toHaveLength(1);
    expect(summary.errors[0]).toMatchObject({ index: 0 });
    expect(summary.errors[0]?.message).toMatch(
      /^Kinesis Data Streams for DynamoDB record: kinesis\.data is not base64 JSON \(/,
    );
    expect(summary.errors[0]?.message).not.toContain('secret');
    expect(summary.failed).toBe(1);
    expect(summary.replayed + summary.failed).toBe(summary.records);
    expect(summary.files[0]?.layout).toBe('agent-memory');
    expect(summary.warnings.filter((w) => w.includes('entity "unknown"'))).toEqual([]);
  });
});

describe('items that fit no preset (#14.6)', () => {
  it('replays a PK/SK table as entity "unknown" and says which preset nearly fits', async () => {
    const summary = await replay({ files: [join(UNTRUSTED, 'pk-sk-table.json')] });
    expect([summary.replayed, summary.byEntity.unknown]).toEqual([1, 1]);
    expect(summary.warnings[0]).toMatch(/keys PK\/SK.*agent-memory preset.*"partitionKey": "PK"/);
  });
});

describe('counts and messages (#14.7)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memory-cdc-replay-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts an unreadable file apart, so replayed + failed = records', async () => {
    const summary = await replay({ files: [join(dir, 'nope.json'), POISON], cwd: dir });
    expect([summary.filesFailed, summary.records, summary.replayed + summary.failed]).toEqual([1, 6, 6]);
    const text = formatSummary(summary);
    expect(text).toMatch(/6 record\(s\), 3 replayed, 3 failed; 1 file\(s\) could not be read/);
    expect(text).not.toMatch(/-\d+ replayed/);
  });

  it('names the file once in an error line, without repeating the path or the eventID', async () => {
    const summary = await replay({ files: [join(dir, 'nope.json'), POISON], cwd: dir });
    const lines = summary.errors.map(formatReplayError);
    expect(lines[0]).toBe('nope.json: cannot read: ENOENT');
    expect(lines[2]).toMatch(
      /^\S*poison-records\.json Records\[2\] eventID new-image-string: malformed NewImage/,
    );
    for (const line of lines) expect(line.split('eventID')).toHaveLength(line.includes('eventID') ? 2 : 1);
  });

  it('reads a file that starts with a UTF-8 byte-order mark', async () => {
    const summary = await replay({ files: [join(UNTRUSTED, 'with-bom.json')] });
    expect([summary.filesFailed, summary.replayed]).toEqual([0, 3]);
  });

  it('counts a record that produced no output as replayed', async () => {
    const off = { enabled: false, entities: 'all', includeNoise: false } as const;
    const routing = { eventbridge: off, kinesis: off, archive: off, vector: off };
    const outputs: unknown[] = [];
    const summary = await replay({ files: [POISON], routing, onOutput: (o) => void outputs.push(o) });
    expect(outputs).toEqual([]);
    expect(summary.replayed).toBe(3);
  });

  it('skips node_modules and dot-folders when given a folder', async () => {
    const tree = join(dir, 'tree');
    for (const sub of ['node_modules/pkg', '.memory-cdc/archive', 'events'])
      mkdirSync(join(tree, sub), { recursive: true });
    writeFileSync(join(tree, 'node_modules/pkg/package.json'), '{}');
    writeFileSync(join(tree, '.memory-cdc/archive/line.json'), '{}');
    cpSync(POISON, join(tree, 'events/poison.json'));
    const files = await findFixtureFiles([tree], dir);
    expect(files).toEqual([join(tree, 'events/poison.json')]);
  });
});

describe('replay --json (#14.7)', () => {
  it('prints outputs on stdout and, last on stderr, a JSON summary whose counts add up', async () => {
    let out = '';
    let err = '';
    const code = await main(['node', 'memory-cdc', 'replay', '--json', '--no-archive', POISON], {
      out: (s) => {
        out += s;
      },
      err: (s) => {
        err += s;
      },
      cwd: UNTRUSTED,
    });
    const last = err.trim().split('\n').at(-1)!;
    const { summary } = JSON.parse(last) as {
      summary: { records: number; replayed: number; failed: number; errors: number };
    };
    expect([summary.records, summary.replayed, summary.failed, summary.errors]).toEqual([6, 3, 3, 3]);
    expect(
      out
        .trim()
        .split('\n')
        .every((line) => JSON.parse(line).sink !== undefined),
    ).toBe(true);
    expect(err.split('\n').filter((l) => l.startsWith('error: '))).toHaveLength(3);
    expect(code).toBe(1);
  });
});
