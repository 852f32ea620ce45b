import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerDev } from '../../lib/cli/commands/dev.js';
import { main } from '../../lib/cli/main.js';
import type { CliContext } from '../../lib/cli/types.js';
import { findFreePort } from '../../lib/dev/findFreePort.js';

/** Runs `memory-cdc dev …` with a captured context (these fail before DynamoDB Local starts). */
async function dev(...args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const ctx: CliContext = { out: () => {}, err: (s) => (err += s), exitCode: 0, cwd: process.cwd() };
  const program = new Command().exitOverride();
  registerDev(program, ctx);
  await program.parseAsync(['dev', ...args], { from: 'user' });
  return { code: ctx.exitCode, err };
}

describe('memory-cdc dev options', () => {
  it('rejects a negative seed rate, naming the option', async () => {
    expect(await dev('--rate', '-1')).toEqual({
      code: 2,
      err: 'memory-cdc dev: --rate must be a number of writes per second >= 0 (given "-1")\n',
    });
  });

  it('rejects a seed count that is not a whole number', async () => {
    expect((await dev('--seed', '2.5')).err).toMatch(/--seed must be a whole number >= 0 \(given "2.5"\)/);
  });

  it('refuses to seed a custom layout, whose items it cannot guess', async () => {
    const layout = JSON.stringify({
      name: 'my-table',
      partitionKey: 'id',
      entities: [{ entity: 'turn', pk: 'T#{turnId}' }],
      bookkeeping: [],
    });
    const { code, err } = await dev('--layout', layout, '--seed', '10');
    expect(code).toBe(2);
    expect(err).toMatch(/layout "my-table" is custom/);
  });
});

describe('memory-cdc dev feedback (DynamoDB Local)', () => {
  it('says what it is doing while DynamoDB Local starts, and prints SDK warnings as lines of their own', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'memory-cdc-dev-feedback-'));
    const port = await findFreePort();
    let err = '';
    const ctx: CliContext = {
      out: () => {},
      err: (s) => {
        err += s;
        // A warning an SDK client prints with console.warn while the session runs.
        if (s.startsWith('dev: ready after')) console.warn('@smithy/node-http-handler - [WARN] slow call');
      },
      exitCode: 0,
      cwd: outDir,
    };
    const consoleWarn = console.warn;
    try {
      const code = await main(
        ['node', 'memory-cdc', 'dev', '--port', String(port), '--duration', '1', '--out-dir', outDir],
        ctx,
      );
      expect(code).toBe(0);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
    const lines = err.split('\n');
    // On a busy machine a "still starting" line may come between the steps.
    for (const still of lines.filter((line) => line.startsWith('dev: still ')))
      expect(still).toMatch(/^dev: still (starting DynamoDB Local|creating table).*, \d+ s/);
    expect(lines.filter((line) => !line.startsWith('dev: still ')).slice(0, 2)).toEqual([
      `dev: starting DynamoDB Local (Java) on port ${port}...`,
      'dev: creating table agent-memory (layout agent-memory) with a NEW_AND_OLD_IMAGES stream...',
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/^dev: ready after \d+\.\d s$/));
    expect(lines).toContain('dev: warning: @smithy/node-http-handler - [WARN] slow call');
    expect(console.warn).toBe(consoleWarn);
    expect(lines.at(-2)).toBe('dev: stopped');
  });
});
