import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.js';
import { ENTITY_KINDS } from '../../lib/layout/types.js';

const DATA = join(import.meta.dirname, '../fixtures-data');
const MALFORMED = join(DATA, 'replay/malformed-records.json');
const TRUNCATED = join(DATA, 'not-json/truncated.json');
const SCAN_OUTPUT = join(DATA, 'replay/dynamodb-scan-output.json');
const BAD_SEQ_RECORD = '22bac92a016ce9e67a6fbbe1cd032656';
const BAD_TYPE_RECORD = 'ffc7dbd8853a04cf97f14954a413d176';

interface Run {
  code: number;
  out: string;
  err: string;
  cwd: string;
}

/** Runs `memory-cdc replay ARGS` in a fresh temporary working directory, capturing its output. */
async function replay(...args: string[]): Promise<Run> {
  const cwd = mkdtempSync(join(tmpdir(), 'memory-cdc-replay-'));
  let out = '';
  let err = '';
  const code = await main(['node', 'memory-cdc', 'replay', ...args], {
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

function jsonLines(out: string): Record<string, unknown>[] {
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('memory-cdc replay', () => {
  it('replays the bundled fixtures with no failure and exit code 0', async () => {
    const run = await replay('--no-archive');
    expect([run.code, run.err]).toEqual([0, '']);
    expect(run.out).toMatch(/^memory-cdc replay: \d+ file\(s\), (\d+) record\(s\), \1 replayed, 0 failed$/m);
  });

  it('lists every entity kind in its summary', async () => {
    const { out } = await replay('--no-archive');
    const section = out.slice(out.indexOf('Changes by entity'), out.indexOf('Outputs by sink'));
    for (const entity of ENTITY_KINDS) expect(section).toMatch(new RegExp(`^  ${entity}\\s+\\d+$`, 'm'));
  });

  it('says which layout it detected for each file', async () => {
    const { out } = await replay('--no-archive');
    expect(out).toMatch(/agent-memory\/conversation\.json.*layout agent-memory \(detected: /);
    expect(out).toMatch(/mastra\/.*layout mastra \(detected: /);
  });

  it('writes the TTL archive under the working directory', async () => {
    const run = await replay();
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/Archive: \d+ expired item\(s\) in [1-9]\d* object\(s\)/);
    expect(existsSync(join(run.cwd, '.memory-cdc/archive'))).toBe(true);
  });

  it('writes no archive with --no-archive', async () => {
    const run = await replay('--no-archive');
    expect(readdirSync(run.cwd)).toEqual([]);
  });

  it('prints one valid JSON object per routed output with --json', async () => {
    const run = await replay('--json', '--no-archive');
    expect(run.code).toBe(0);
    const lines = jsonLines(run.out);
    expect(lines.length).toBeGreaterThan(100);
    for (const line of lines) {
      expect(line).toEqual(
        expect.objectContaining({
          record: expect.any(String),
          entity: expect.any(String),
          sink: expect.any(String),
          payload: expect.anything(),
        }),
      );
    }
  });

  it('prints outputs for all four sinks and every entity kind with --json', async () => {
    const lines = jsonLines((await replay('--json', '--no-archive')).out);
    expect(new Set(lines.map((l) => l.sink))).toEqual(
      new Set(['eventbridge', 'kinesis', 'archive', 'vector']),
    );
    expect(new Set(lines.map((l) => l.entity))).toEqual(new Set(ENTITY_KINDS));
  });

  it('prints exact big numbers as strings in --json output', async () => {
    const { out } = await replay(
      '--json',
      '--no-archive',
      join(import.meta.dirname, '../../events/agent-memory/attribute-types.json'),
    );
    expect(out).toContain('"counter_23_digits":"12345678901234567890123"');
    expect(out).toContain('"decimal_34_digits":"1234567890.123456789012345678901234"');
  });

  it('replays only the files it is given', async () => {
    const run = await replay('--no-archive', MALFORMED);
    expect(run.out).toMatch(/^memory-cdc replay: 1 file\(s\), 4 record\(s\), 2 replayed, 2 failed$/m);
  });

  it('reports a record with a malformed image on stderr once, naming file, entry, eventID and attribute', async () => {
    const { err, out } = await replay('--no-archive', MALFORMED);
    expect(err).toMatch(
      new RegExp(
        `malformed-records\\.json Records\\[\\d\\] eventID ${BAD_SEQ_RECORD}: malformed NewImage\\.\\w+: invalid number "one"`,
      ),
    );
    expect(err).toMatch(new RegExp(`malformed-records\\.json Records\\[\\d\\] eventID ${BAD_TYPE_RECORD}:`));
    expect(err.split(BAD_SEQ_RECORD)).toHaveLength(2);
    expect(out).not.toContain(BAD_SEQ_RECORD);
  });

  it('still replays the good records of a file with malformed ones', async () => {
    const run = await replay('--json', '--no-archive', MALFORMED);
    const records = new Set(jsonLines(run.out).map((l) => l.record));
    expect(records.size).toBe(2);
    expect(records.has(BAD_SEQ_RECORD) || records.has(BAD_TYPE_RECORD)).toBe(false);
  });

  it('exits non-zero when a record failed', async () => {
    expect((await replay('--no-archive', MALFORMED)).code).toBe(1);
  });

  it('reports a file that is not JSON on stderr, naming it, and replays the other files', async () => {
    const run = await replay('--json', '--no-archive', TRUNCATED, MALFORMED);
    expect(run.err).toMatch(/error: .*not-json\/truncated\.json: not JSON: /);
    expect(
      run.err.split('\n').filter((l) => l.startsWith('error:') && l.includes('truncated.json')),
    ).toHaveLength(1);
    expect(run.err).not.toMatch(/truncated\.json: [^\n]*truncated\.json:/);
    expect(jsonLines(run.out).length).toBeGreaterThan(0);
    expect(run.code).toBe(1);
  });

  it('reports a JSON file that is not a stream event on stderr, naming it', async () => {
    const run = await replay('--no-archive', SCAN_OUTPUT);
    expect(run.err).toMatch(/dynamodb-scan-output\.json: .*not a DynamoDB Streams event/);
    expect(run.code).toBe(1);
  });

  it('refuses a file that does not exist before replaying anything, naming it, with exit 2', async () => {
    const run = await replay('--no-archive', 'no-such-file.json');
    expect(run.err).toMatch(
      /^memory-cdc replay: no such fixture file or folder: no-such-file\.json \(relative paths are from /,
    );
    expect([run.code, run.out]).toEqual([2, '']);
  });

  it('counts the errors in its summary without printing them twice', async () => {
    const { out } = await replay('--no-archive', MALFORMED);
    expect(out).toContain('Errors (2): listed on stderr');
    expect(out).not.toContain(BAD_SEQ_RECORD);
  });

  it('uses the layout given with --layout', async () => {
    const { out } = await replay('--no-archive', '--layout', 'agent-memory', MALFORMED);
    expect(out).toContain('layout agent-memory (given)');
  });

  it('rejects an unknown --layout with exit code 2 and a message naming it', async () => {
    const run = await replay('--no-archive', '--layout', 'dynamo-default');
    expect(run.code).toBe(2);
    expect(run.err).toContain('memory-cdc replay: layout "dynamo-default" is neither a preset');
  });

  it('takes --routing as inline JSON', async () => {
    const routing = JSON.stringify({ kinesis: { enabled: false } });
    const lines = jsonLines((await replay('--json', '--no-archive', '--routing', routing)).out);
    expect(lines.some((l) => l.sink === 'kinesis')).toBe(false);
  });

  it('rejects --routing that is not JSON with exit code 2', async () => {
    const run = await replay('--no-archive', '--routing', '{kinesis');
    expect([run.code, run.err]).toEqual([2, expect.stringContaining('--routing: inline JSON is invalid')]);
  });
});
