import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { registerTestPattern } from '../../lib/cli/commands/testPattern.js';
import type { CliContext } from '../../lib/cli/types.js';

const dir = mkdtempSync(join(tmpdir(), 'memory-cdc-test-pattern-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const event = {
  version: '0',
  id: 'e-1',
  'detail-type': 'Turn Created',
  source: 'memory-cdc',
  account: '123456789012',
  time: '2026-11-22T10:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { op: 'insert', entity: 'turn', ids: { userId: 'u-1' } },
};
writeFileSync(join(dir, 'event.json'), JSON.stringify(event));
writeFileSync(
  join(dir, 'turns.json'),
  JSON.stringify({ source: ['memory-cdc'], 'detail-type': ['Turn Created'] }),
);
writeFileSync(
  join(dir, 'runs.json'),
  JSON.stringify({ source: ['memory-cdc'], 'detail-type': ['Run Completed'] }),
);
writeFileSync(join(dir, 'broken.json'), '{"source": [');

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(...args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const ctx: CliContext = {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    exitCode: 0,
    cwd: dir,
  };
  const program = new Command('memory-cdc')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s) });
  registerTestPattern(program, ctx);
  try {
    await program.parseAsync(['node', 'memory-cdc', 'test-pattern', ...args]);
  } catch {
    return { code: 2, out, err };
  }
  return { code: ctx.exitCode, out, err };
}

describe('memory-cdc test-pattern', () => {
  it('prints "match" and exits 0 when the event matches (files relative to the working directory)', async () => {
    expect(await run('--pattern', 'turns.json', '--event', 'event.json')).toEqual({
      code: 0,
      out: 'match\n',
      err: '',
    });
  });

  it('prints "no match" and exits 1 when it does not', async () => {
    expect(await run('--pattern', 'runs.json', '--event', 'event.json')).toEqual({
      code: 1,
      out: 'no match\n',
      err: '',
    });
  });

  it('takes inline JSON in place of either file', async () => {
    const result = await run(
      '--pattern',
      '{"detail":{"ids":{"userId":[{"prefix":"u-"}]}}}',
      '--event',
      JSON.stringify(event),
    );
    expect(result).toEqual({ code: 0, out: 'match\n', err: '' });
  });

  it('takes absolute paths', async () => {
    expect((await run('--pattern', join(dir, 'turns.json'), '--event', join(dir, 'event.json'))).code).toBe(
      0,
    );
  });

  it('exits 2 with the reason on stderr when the pattern is invalid', async () => {
    const result = await run('--pattern', '{"detail":{"op":[]}}', '--event', 'event.json');
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toBe(
      'memory-cdc test-pattern: invalid pattern: Event pattern is not valid. Reason: Empty arrays are not allowed (at detail.op)\n',
    );
  });

  it('exits 2 when the pattern is not an object', async () => {
    const result = await run('--pattern', '["memory-cdc"]', '--event', 'event.json');
    expect(result.code).toBe(2);
    expect(result.err).toContain('Filter is not an object');
  });

  it('exits 2 with a clear message when a file cannot be read', async () => {
    const result = await run('--pattern', 'missing.json', '--event', 'event.json');
    expect(result.code).toBe(2);
    expect(result.err).toBe(`memory-cdc test-pattern: --pattern: cannot read ${join(dir, 'missing.json')}\n`);
  });

  it('exits 2 when a file is not valid JSON', async () => {
    const result = await run('--pattern', 'turns.json', '--event', 'broken.json');
    expect(result.code).toBe(2);
    expect(result.err).toContain(`--event: ${join(dir, 'broken.json')} is not valid JSON`);
  });

  it('exits 2 when inline JSON is invalid', async () => {
    const result = await run('--pattern', '{"source": [', '--event', 'event.json');
    expect(result.code).toBe(2);
    expect(result.err).toContain('--pattern: inline JSON is invalid');
  });

  it('exits 2 when the event is not an object', async () => {
    const result = await run('--pattern', 'turns.json', '--event', '[1, 2]');
    expect(result.code).toBe(2);
    expect(result.err).toContain('--event: expected a JSON object');
  });

  it('notes fields TestEventPattern would require, and still answers', async () => {
    const result = await run(
      '--pattern',
      '{"detail":{"op":["insert"]}}',
      '--event',
      '{"detail":{"op":"insert"}}',
    );
    expect(result.code).toBe(0);
    expect(result.out).toBe('match\n');
    expect(result.err).toBe(
      'note: the event lacks id, account, source, time, region, resources, detail-type; AWS TestEventPattern would refuse it, matching anyway\n',
    );
  });

  it('fails when an option is missing', async () => {
    const result = await run('--pattern', 'turns.json');
    expect(result.code).toBe(2);
    expect(result.err).toContain("required option '--event <file|json>' not specified");
  });
});
