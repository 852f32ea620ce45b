/**
 * Runs CLI commands in-process the way lib/cli/main.ts does, with only the commands a test needs
 * registered, and returns what they printed.
 */
import { Command, CommanderError } from 'commander';
import type { CliContext, RegisterCommand } from '../../lib/cli/types.js';

export interface CliRun {
  out: string;
  err: string;
  code: number;
}

export async function runCli(
  commands: RegisterCommand[],
  args: string[],
  cwd = process.cwd(),
): Promise<CliRun> {
  let out = '';
  let err = '';
  const ctx: CliContext = {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    exitCode: 0,
    cwd,
  };
  const program = new Command('memory-cdc')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s) });
  for (const register of commands) register(program, ctx);
  try {
    await program.parseAsync(['node', 'memory-cdc', ...args]);
    return { out, err, code: ctx.exitCode };
  } catch (error) {
    if (error instanceof CommanderError) return { out, err, code: error.exitCode === 0 ? 0 : 2 };
    return { out, err: `${err}uncaught: ${String(error)}\n`, code: 1 };
  }
}
