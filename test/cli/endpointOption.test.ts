import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCommands } from '../../lib/cli/commands/index.js';
import { addEndpointOption, type EndpointFlags } from '../../lib/cli/endpointOption.js';

/** Parses `args` for a command with the endpoint option; returns the flags its action saw. */
async function parse(args: string[]) {
  let seen: EndpointFlags | undefined;
  const err: string[] = [];
  const program = new Command('memory-cdc').exitOverride().configureOutput({ writeErr: (s) => err.push(s) });
  addEndpointOption(program.command('probe'), 'endpoint').action((flags: EndpointFlags) => {
    seen = flags;
  });
  try {
    await program.parseAsync(['probe', ...args], { from: 'user' });
    return { seen, code: 0, err: err.join('') };
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { seen, code: error.exitCode, err: err.join('') };
  }
}

describe('the endpoint option', () => {
  it.each([['--endpoint-url'], ['--endpoint']])('takes %s and gives the command both names', async (flag) => {
    const { seen } = await parse([flag, 'http://localhost:8000']);
    expect(seen).toMatchObject({ endpointUrl: 'http://localhost:8000', endpoint: 'http://localhost:8000' });
  });

  it('refuses two different endpoints with a usage error', async () => {
    const result = await parse(['--endpoint-url', 'http://a:1', '--endpoint', 'http://b:2']);
    expect(result.code).toBe(2);
    expect(result.seen).toBeUndefined();
    expect(result.err).toMatch(/--endpoint is an alias of --endpoint-url/);
  });

  it('is the same flag on every command that talks to DynamoDB, --endpoint-url in the help', async () => {
    for (const name of ['tail', 'capture', 'backfill', 'restore']) {
      const program = new Command('memory-cdc');
      await registerCommands(program, { out: () => {}, err: () => {}, exitCode: 0, cwd: process.cwd() }, [
        name,
      ]);
      const command = program.commands.find((c) => c.name() === name)!;
      const flags = command.options.map((o) => o.long);
      expect(flags, name).toContain('--endpoint-url');
      expect(flags, name).toContain('--endpoint');
      expect(command.helpInformation(), name).toContain('--endpoint-url <url>');
    }
  });
});
