import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandNameIn } from '../../lib/cli/commands/index.js';
import { main } from '../../lib/cli/main.js';
import type { CliContext } from '../../lib/cli/types.js';

const context = (): CliContext & { output: string } => {
  const ctx = {
    output: '',
    exitCode: 0,
    cwd: process.cwd(),
    out: (text: string) => {
      ctx.output += text;
    },
    err: (text: string) => {
      ctx.output += text;
    },
  };
  return ctx;
};

describe('the command table', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    'shows for %s, in the root help, the description its module registers',
    async (name, entry) => {
      const program = new Command('memory-cdc');
      (await entry.load())(program, context());
      const registered = program.commands.find((c) => c.name() === name);
      expect(registered?.description()).toBe(entry.summary);
    },
  );

  it('finds the command in the arguments, after options and behind help', () => {
    expect(commandNameIn(['replay', 'events/'])).toBe('replay');
    expect(commandNameIn(['--help'])).toBeUndefined();
    expect(commandNameIn(['help', 'vectors'])).toBe('vectors');
    expect(commandNameIn(['--no-color', 'tail', '--table', 'x'])).toBe('tail');
  });

  it('lists every command in the root help', async () => {
    const ctx = context();
    expect(await main(['node', 'memory-cdc', '--help'], ctx)).toBe(0);
    for (const { name } of COMMANDS) expect(ctx.output).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it("prints one command's own help with its options", async () => {
    const ctx = context();
    expect(await main(['node', 'memory-cdc', 'replay', '--help'], ctx)).toBe(0);
    expect(ctx.output).toMatch(/--archive-dir <dir>/);
  });

  it('prints the version of package.json with --version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const ctx = context();
    expect(await main(['node', 'memory-cdc', '--version'], ctx)).toBe(0);
    expect(ctx.output.trim()).toBe(version);
  });

  it('rejects an unknown command with exit code 2', async () => {
    const ctx = context();
    expect(await main(['node', 'memory-cdc', 'replai'], ctx)).toBe(2);
    expect(ctx.output).toMatch(/unknown command 'replai'/);
  });
});
