import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerDev } from '../../lib/cli/commands/dev.js';
import type { CliContext } from '../../lib/cli/types.js';

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
